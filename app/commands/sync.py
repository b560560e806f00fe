"""``python -m app --data-dir DIR sync [--hub URL --token T --ca-bundle F]``: one round, headless.

Exit codes (app/commands/exitcodes.py): 0 everything sent, 1 something left unsent (parked or
hub unreachable), 2 a ``--hub`` that is not an https:// address, 3 the hub refused the token,
its certificate did not verify, it wants an upgrade, no hub is set, or the hub is http://
without this PC's test-bench option (``allow_insecure_http``, which an administrator sets on
the 同步 page), 4 the database is damaged or from a newer version, 5 the disk is full, 6 not
set up / no database. The database, then the address, are checked before anything is saved.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.commands.exitcodes import (
    DATABASE,
    DISK_FULL,
    NOT_SET_UP,
    USAGE,
)
from app.config import Settings
from app.db.paths import db_path

log = logging.getLogger("app.sync")


def run_sync(data_dir: Path, hub: str | None, token: str | None, ca_bundle: str | None) -> int:
    if not db_path(data_dir).exists():
        print("数据目录中没有数据库，请先运行一次程序完成初始设置")
        return NOT_SET_UP
    from app.db.backup import DISK_FULL_MESSAGE, is_disk_full
    from app.db.migrate import DatabaseDamaged, MigrationFailed, open_database

    try:
        open_database(data_dir)  # damaged, newer, lost writes: refused before anything is saved
    except DatabaseDamaged as exc:
        print(f"未同步：{exc}")
        return DATABASE
    except MigrationFailed as exc:
        print(f"未同步：{exc}")
        return DISK_FULL if exc.disk_full else DATABASE
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        print(f"未同步：{DISK_FULL_MESSAGE.format(where=data_dir)}")
        return DISK_FULL
    settings = Settings.load(data_dir)
    if hub is not None and hub.strip():
        refused = _address_refused(hub, settings.allow_insecure_http)
        if refused is not None:
            return refused  # nothing saved, nothing sent
    if hub is not None or token is not None or ca_bundle is not None:
        if hub is not None:
            settings.hub_url = hub
        if token is not None:
            settings.hub_token = token
        if ca_bundle is not None:
            settings.ca_bundle = ca_bundle
        try:
            settings.save(data_dir)
        except OSError as exc:
            print(
                f"未同步：无法保存设置（{exc.strerror}）。{DISK_FULL_MESSAGE.format(where=data_dir)}"
            )
            return DISK_FULL
    from app.services.context import ServiceContext
    from app.services.sync_outcome import EXIT_CODES, Outcome, failure_outcome, round_outcome
    from app.sync.client import HubClient
    from app.sync.engine import SyncEngine, pending_count

    ctx = ServiceContext.open(data_dir)
    try:
        try:
            with HubClient(
                settings.hub_url,
                settings.hub_token,
                settings.ca_bundle,
                allow_http=settings.allow_insecure_http,
            ) as client:
                res = SyncEngine(ctx, client).run_round()
        except Exception as e:
            failure = failure_outcome(e)
            if failure is None:
                raise  # a bug: the traceback, not a made-up reason
            if failure.outcome is Outcome.OFFLINE:
                print(
                    f"县医院暂时连不上（{failure.message}），"
                    f"{pending_count(ctx)} 条记录待上传，稍后会再试"
                )
            elif failure.outcome is Outcome.DISK_FULL:
                print(f"同步中断：{failure.message}")  # what was stored stays whole
            else:
                print(f"同步失败：{failure.message}")
            log.info("sync round: %s", failure.outcome.value)
            return EXIT_CODES[failure.outcome]
        if res.recovered:
            print(f"已从县医院取回本站的 {res.recovered} 条记录（恢复备份之后）")
        print(
            f"同步完成：上传 {res.pushed} 条，重复确认 {res.duplicates} 条，"
            f"拒收 {res.parked} 条，下载 {res.pulled} 条；待上传 {res.pending_left} 条"
        )
        outcome = round_outcome(res)
        log.info(
            "sync round: %s pushed=%s dup=%s parked=%s pulled=%s left=%s",
            outcome.value,
            res.pushed,
            res.duplicates,
            res.parked,
            res.pulled,
            res.pending_left,
        )
        for msg in res.errors:
            print(f"  {msg}")  # county records this PC could not store: kept, retried next round
        return EXIT_CODES[outcome]
    finally:
        ctx.dispose()


def _address_refused(hub: str, allow_http: bool) -> int | None:
    """``--hub`` that may not be used: the message and exit code, before anything is saved.
    http:// without the test-bench option needs an administrator (3, as the round would say);
    an address that is not a URL at all is a bad argument (2)."""
    from app.domain.hub_address import HTTP_NOT_ALLOWED, MESSAGES, address_problem
    from app.services.sync_outcome import EXIT_CODES, Outcome

    problem = address_problem(hub, allow_http)
    if problem is None:
        return None
    print(f"未同步：{MESSAGES[problem]}")
    return EXIT_CODES[Outcome.INSECURE_HTTP] if problem == HTTP_NOT_ALLOWED else USAGE

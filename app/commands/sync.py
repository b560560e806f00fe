"""``python -m app --data-dir DIR sync [--hub URL --token T --ca-bundle F]``: one round, headless.

Exit codes (app/commands/exitcodes.py): 0 everything sent, 1 something left unsent (parked or
hub unreachable), 3 the hub refused the token, its certificate did not verify, it wants an
upgrade, or no hub is set, 4 the database is damaged or from a newer version, 5 the disk is
full, 6 not set up / no database. The database is checked before anything is saved.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.commands.exitcodes import (
    DATABASE,
    DISK_FULL,
    NEEDS_ADMIN,
    NOT_SET_UP,
    OK,
    WAITING,
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
    from app.sync.client import (
        AuthError,
        CertificateError,
        HubClient,
        NetworkError,
        SyncError,
        UpgradeRequired,
    )
    from app.sync.engine import SyncEngine, pending_count

    ctx = ServiceContext.open(data_dir)
    try:
        try:
            with HubClient(settings.hub_url, settings.hub_token, settings.ca_bundle) as client:
                res = SyncEngine(ctx, client).run_round()
        except (AuthError, CertificateError, UpgradeRequired) as e:
            print(f"同步失败：{e}")
            return NEEDS_ADMIN
        except NetworkError as e:
            print(f"县医院暂时连不上（{e}），{pending_count(ctx)} 条记录待上传，稍后会再试")
            return WAITING
        except SyncError as e:
            print(f"同步失败：{e}")
            return NEEDS_ADMIN
        except RuntimeError:
            print("本站尚未完成初始设置（卫生院编码），请先运行一次程序")
            return NOT_SET_UP
        except Exception as e:
            if not is_disk_full(e):
                raise
            print(
                "同步中断：磁盘空间不足，已保存的记录不受影响，未完成的部分下次再传。"
                "请清理磁盘后再同步。"
            )
            return DISK_FULL
        if res.recovered:
            print(f"已从县医院取回本站的 {res.recovered} 条记录（恢复备份之后）")
        print(
            f"同步完成：上传 {res.pushed} 条，重复确认 {res.duplicates} 条，"
            f"拒收 {res.parked} 条，下载 {res.pulled} 条；待上传 {res.pending_left} 条"
        )
        log.info(
            "sync round: pushed=%s dup=%s parked=%s pulled=%s left=%s",
            res.pushed,
            res.duplicates,
            res.parked,
            res.pulled,
            res.pending_left,
        )
        for msg in res.errors:
            print(f"  {msg}")  # county records this PC could not store: kept, retried next round
        return OK if res.complete and not res.errors else WAITING
    finally:
        ctx.dispose()

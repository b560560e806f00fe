"""``python -m county``: serve, add-clinic, rotate-token, revoke, answer, send-down, and the
referral office's accounts and settings (add-user, reset-password, disable-user, set-hospital;
see county/office/cli.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from sqlalchemy import Engine

DEFAULT_DB = "sqlite:///county.db"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m county", description="ClinicLink 县医院同步中心")
    p.add_argument("--db", default=os.environ.get("COUNTY_DB", DEFAULT_DB), help="数据库 URL")
    sub = p.add_subparsers(dest="command", required=True)
    sv = sub.add_parser("serve", help="启动同步服务")
    sv.add_argument("--db", dest="db_sub", default=None)
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8443)
    sv.add_argument("--certfile", default=None)
    sv.add_argument("--keyfile", default=None)
    sv.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="反向代理的地址：只信任它转发的 X-Forwarded-For（可重复）",
    )
    sv.add_argument(
        "--workers",
        type=int,
        default=1,
        help="同步中心进程数（多于 1 个只适用于 PostgreSQL；SQLite 只能单进程）",
    )
    a = sub.add_parser("add-clinic", help="登记卫生院，打印一次令牌")
    a.add_argument("code")
    a.add_argument("name")
    r = sub.add_parser("rotate-token", help="更换令牌")
    r.add_argument("code")
    v = sub.add_parser("revoke", help="吊销令牌")
    v.add_argument("code")
    an = sub.add_parser("answer", help="县医院答复：字段=值（JSON 对象）")
    an.add_argument("type")
    an.add_argument("id")
    an.add_argument("fields", help='例如 {"received_at": "2026-11-22T10:00:00"}')
    dn = sub.add_parser("send-down", help="给卫生院新建记录（下转）")
    dn.add_argument("type")
    dn.add_argument("id")
    dn.add_argument("clinic")
    dn.add_argument("data", help="JSON 对象")
    from county.office.cli import add_parsers

    add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from county.db import make_hub_engine

    url = getattr(args, "db_sub", None) or args.db
    engine = make_hub_engine(url)
    try:
        return _run(args, engine)
    finally:
        engine.dispose()  # a command leaves no connection open behind it


def _run(args: argparse.Namespace, engine: Engine) -> int:
    from county.db import init_db, make_sessions

    init_db(engine)
    if args.command == "serve":
        import uvicorn

        from county.api import DB_ENV, PROXIES_ENV, create_app

        if bool(args.certfile) != bool(args.keyfile):
            print("--certfile 与 --keyfile 须同时给出", file=sys.stderr)
            return 2
        from county.office.security import parse_proxies

        try:
            proxies = parse_proxies(args.trusted_proxy)
        except ValueError as e:
            print(str(e), file=sys.stderr)
            return 2
        workers = args.workers
        if workers < 1 or (workers > 1 and engine.dialect.name == "sqlite"):
            print(
                "SQLite 数据库只能由一个同步中心进程使用（--workers 1）；"
                "要多个进程请用 PostgreSQL（--db postgresql+psycopg://...）",
                file=sys.stderr,
            )
            return 2
        scheme = "https" if args.certfile else "http"
        shown = engine.url.render_as_string(hide_password=True)
        print(
            f"县医院同步中心：{scheme}://{args.host}:{args.port}  数据库 {shown}  {workers} 个进程",
            flush=True,
        )
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 and rewrite the peer; the
        # office reads it itself, from the proxies named with --trusted-proxy only.
        common: dict[str, Any] = {
            "host": args.host,
            "port": args.port,
            "ssl_certfile": args.certfile,
            "ssl_keyfile": args.keyfile,
            "log_level": "warning",
            "proxy_headers": False,
        }
        if workers == 1:
            uvicorn.run(create_app(engine, trusted_proxies=proxies), **common)
            return 0
        engine.dispose()
        os.environ[DB_ENV] = engine.url.render_as_string(hide_password=False)
        os.environ[PROXIES_ENV] = ",".join(sorted(proxies))
        uvicorn.run("county.api:app_from_env", factory=True, workers=workers, **common)
        return 0
    from county.office import cli as office_cli

    if args.command in office_cli.COMMANDS:
        return office_cli.run(engine, args)
    from app.domain.errors import ValidationError
    from county import auth, store
    from county.db import HubClinic

    sessions = make_sessions(engine)
    out = note = ""
    try:
        with sessions() as s, s.begin():
            if args.command == "add-clinic":
                out = auth.add_clinic(s, args.code, args.name)
            elif args.command == "rotate-token":
                clinic = s.get(HubClinic, args.code)
                was_revoked = clinic is not None and not clinic.active
                out = auth.rotate_token(s, args.code)
                if was_revoked:
                    note = (
                        f"注意：{args.code} 此前已被吊销；更换令牌后它已重新启用，"
                        "可以用新令牌同步。"
                    )
            elif args.command == "revoke":
                auth.revoke(s, args.code)
                out = f"已吊销 {args.code}"
            elif args.command == "answer":
                store.answer_record(s, args.type, args.id, json.loads(args.fields))
                out = "已答复"
            elif args.command == "send-down":
                send_down(s, args.type, args.id, args.clinic, json.loads(args.data))
                out = "已下发"
    except KeyError as e:
        print(f"找不到：{e}", file=sys.stderr)
        return 1
    except ValidationError as e:  # the office form's checks, every field at once
        print("\n".join(err.message for err in e.errors), file=sys.stderr)
        return 1
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(out)  # only once committed: a token printed is a token that works
    if note:
        print(note, file=sys.stderr)
    return 0


def send_down(s: Any, type_: str, id_: str, clinic: str, data: Any) -> None:
    """``send-down``: a downward referral goes through the office form's checks and gets its
    number as there (``county.office.downward``); another type, the hub's own checks."""
    from county import store
    from county.db import utcnow
    from county.office import downward

    if not isinstance(data, dict):
        raise ValueError("记录内容应为“字段: 值”的 JSON 对象")
    if type_ == "referral":
        downward.create_from_data(s, id_, clinic, data, utcnow())
    else:
        store.create_for_clinic(s, type_, id_, clinic, data)

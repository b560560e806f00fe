"""``python -m county``: serve, add-clinic, rotate-token, revoke, answer, send-down, and the
referral office's accounts and settings (add-user, reset-password, disable-user, set-hospital;
see county/office/cli.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys

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

        from county.api import create_app

        if bool(args.certfile) != bool(args.keyfile):
            print("--certfile 与 --keyfile 须同时给出", file=sys.stderr)
            return 2
        from county.office.security import parse_proxies

        try:
            proxies = parse_proxies(args.trusted_proxy)
        except ValueError as e:
            print(str(e), file=sys.stderr)
            return 2
        scheme = "https" if args.certfile else "http"
        shown = engine.url.render_as_string(hide_password=True)
        print(f"县医院同步中心：{scheme}://{args.host}:{args.port}  数据库 {shown}", flush=True)
        uvicorn.run(
            create_app(engine, trusted_proxies=proxies),
            host=args.host,
            port=args.port,
            ssl_certfile=args.certfile,
            ssl_keyfile=args.keyfile,
            log_level="warning",
            # uvicorn would believe X-Forwarded-For from 127.0.0.1 and rewrite the
            # peer; the office reads it itself, from the proxies named above only
            proxy_headers=False,
        )
        return 0
    from county.office import cli as office_cli

    if args.command in office_cli.COMMANDS:
        return office_cli.run(engine, args)
    from county import auth, store

    sessions = make_sessions(engine)
    out = ""
    try:
        with sessions() as s, s.begin():
            if args.command == "add-clinic":
                out = auth.add_clinic(s, args.code, args.name)
            elif args.command == "rotate-token":
                out = auth.rotate_token(s, args.code)
            elif args.command == "revoke":
                auth.revoke(s, args.code)
                out = f"已吊销 {args.code}"
            elif args.command == "answer":
                store.answer_record(s, args.type, args.id, json.loads(args.fields))
                out = "已答复"
            elif args.command == "send-down":
                store.create_for_clinic(s, args.type, args.id, args.clinic, json.loads(args.data))
                out = "已下发"
    except KeyError as e:
        print(f"找不到：{e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(out)  # only once committed: a token printed is a token that works
    return 0

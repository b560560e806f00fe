"""``python -m county`` commands of the referral office: accounts (add-user, reset-password,
disable-user), the county hospital's name (set-hospital), and the retired shared password."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine

from county.db import make_sessions
from county.office import accounts, audit, settings


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    au = sub.add_parser("add-user", help="开设转诊办账号（临时密码只打印一次）")
    au.add_argument("name")
    au.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in accounts.Role],
        help="office 转诊办 / department 科室医生 / admin 医共体管理员",
    )
    au.add_argument("--department", default="", help="科室医生的科室，例如 心血管内科")
    au.add_argument(
        "--password", default=None, help="供脚本使用；不给则打印一个临时密码，首次登录须修改"
    )
    rp = sub.add_parser("reset-password", help="重设账号密码（并重新启用）")
    rp.add_argument("name")
    rp.add_argument("--password", default=None)
    du = sub.add_parser("disable-user", aliases=["disable"], help="停用账号，已登录的浏览器退出")
    du.add_argument("name")
    sh = sub.add_parser("set-hospital", help="县医院名称（打印在县医院的转诊单上）")
    sh.add_argument("name")
    sub.add_parser("set-office-password", help="（已停用）改用 add-user 为每人开设账号")


COMMANDS = {
    "add-user",
    "reset-password",
    "disable-user",
    "disable",
    "set-hospital",
    "set-office-password",
}


def run(engine: Engine, args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "set-office-password":
        print(
            "转诊办不再使用共用密码：请为每人开设账号，例如\n"
            "  python -m county add-user 张三 --role office\n"
            "  python -m county add-user 李四 --role department --department 心血管内科",
            file=sys.stderr,
        )
        return 2
    out = ""
    action = {
        "add-user": "add_user",
        "reset-password": "reset_password",
        "set-hospital": "set_hospital",
    }.get(cmd, "disable")
    try:
        with make_sessions(engine)() as s, s.begin():
            audit.record(
                s,
                None,
                action,
                "",
                name=audit.COMMAND_LINE,
                record_type="" if cmd == "set-hospital" else "office_user",
                detail=args.name.strip(),
            )
            if cmd == "add-user":
                temp = accounts.add_user(s, args.name, args.role, args.department, args.password)
                role = accounts.ROLE_NAMES[accounts.Role(args.role)]
                out = f"已开设账号 {args.name.strip()}（{role}）"
                if temp:
                    out += f"\n临时密码（只显示这一次，首次登录须修改）：{temp}"
            elif cmd == "reset-password":
                temp = accounts.reset_password(s, args.name, args.password)
                out = f"已重设 {args.name} 的密码，其已登录的浏览器已退出"
                if temp:
                    out += f"\n临时密码（只显示这一次，首次登录须修改）：{temp}"
            elif cmd in ("disable-user", "disable"):
                accounts.disable(s, args.name)
                out = f"已停用 {args.name}"
            elif cmd == "set-hospital":
                settings.set_hospital(s, args.name)
                out = f"县医院名称：{args.name.strip()}"
    except KeyError:
        print(f"找不到账号：{args.name}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"{e}，未修改。", file=sys.stderr)
        return 1
    print(out)  # only once committed: a password printed is a password that works
    return 0

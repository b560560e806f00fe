"""Command line: argument parsing and the headless commands.

Heavy modules (Qt, SQLAlchemy, ReportLab) are imported only by the path that needs them, so
``--smoke`` and the first window come up fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m app", description="ClinicLink 医共体基层工作站")
    p.add_argument("--data-dir", type=Path, default=None, help="数据目录（默认：用户数据目录）")
    p.add_argument("--demo", action="store_true", help="首次运行时生成演示数据")
    p.add_argument("--lang", default=None, choices=["zh_CN", "en"], help="界面语言")
    p.add_argument("--smoke", action="store_true", help="启动到第一个窗口后退出（打包/CI 用）")
    p.add_argument(
        "--login",
        default=None,
        help="数据库已加密时：以哪个用户打开（密码在提示时输入，或用环境变量 CLINICLINK_PASSWORD）",
    )
    sub = p.add_subparsers(dest="command")
    sub.add_parser("check", help="检查数据库完整性和一致性，有问题时返回非零")
    pr = sub.add_parser("print-referral", help="把转诊单保存为 PDF")
    pr.add_argument("number", help="转诊单号")
    pr.add_argument("--out", type=Path, required=True, help="输出的 PDF 文件")
    pr.add_argument("--page", choices=["A4", "A5"], default="A4", help="纸张（默认 A4）")
    pr.add_argument("--user", default="", help="以哪个用户的名义打印（记入审计日志）")
    st = sub.add_parser("setup", help="不开窗口完成首次设置（批量部署用）")
    st.add_argument("--clinic-code", required=True, help="卫生院编码")
    st.add_argument("--clinic-name", required=True, help="卫生院名称")
    st.add_argument("--county-hospital", default="", help="牵头的县级医院")
    st.add_argument("--admin", default="admin", help="管理员用户名（默认 admin）")
    st.add_argument("--admin-name", default="管理员", help="管理员姓名")
    st.add_argument("--password", default=None, help="管理员密码（不给则提示输入）")
    st.add_argument("--demo", dest="setup_demo", action="store_true", help="同时生成演示数据")
    sy = sub.add_parser("sync", help="与县医院同步一轮；有未上传的记录时返回非零")
    sy.add_argument("--hub", default=None, help="县医院同步地址（保存到设置）")
    sy.add_argument("--token", default=None, help="本站访问令牌（保存到设置）")
    sy.add_argument("--ca-bundle", default=None, help="县医院 CA 证书文件（保存到设置）")
    bk = sub.add_parser("backup", help="备份数据库（经过检查，保留设置中的份数）")
    bk.add_argument("--to", type=Path, default=None, help="备份到哪个文件夹（默认：设置中的）")
    rs = sub.add_parser("restore", help="用备份恢复数据库（先备份当前数据）")
    rs.add_argument("file", type=Path, help="备份文件")
    rs.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    rp = sub.add_parser("report", help="生成月报、季报或年报（PDF 或 Excel）")
    rp.add_argument("--period", required=True, help="统计期：2026-10（月）、2026Q4 或 2026")
    rp.add_argument("--format", dest="report_format", default="pdf", help="pdf 或 xlsx（默认 pdf）")
    rp.add_argument("--out", type=Path, required=True, help="输出文件")
    en = sub.add_parser("encrypt", help="加密数据库（先备份；显示一次恢复密钥）")
    en.add_argument("--admin", default="admin", help="管理员用户名（默认 admin）")
    en.add_argument(
        "--remove-plain-backups", action="store_true", help="加密后删除加密前的明文备份"
    )
    rk = sub.add_parser("recover-key", help="用恢复密钥打开加密的数据库并为管理员设定新密码")
    rk.add_argument("--admin", default="admin", help="管理员用户名（默认 admin）")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run a command; a known failure is one exit code and a Chinese message, never a
    traceback (app/commands/exitcodes.py)."""
    args = build_parser().parse_args(argv)
    from app.commands import exitcodes
    from app.config import default_data_dir
    from app.crashlog import report_crash, setup_logging

    data_dir: Path = (args.data_dir or default_data_dir()).expanduser().resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"无法建立数据目录 {data_dir}：{exc.strerror}")
        return exitcodes.DISK_FULL
    setup_logging(data_dir)
    if args.command is None:
        return _dispatch(args, data_dir)
    try:
        return _dispatch(args, data_dir)
    except Exception as exc:  # noqa: BLE001 - every failure ends in a message and a code
        from app.db.backup import is_disk_full
        from app.db.migrate import DatabaseDamaged, MigrationFailed

        if isinstance(exc, DatabaseDamaged):
            print(exc)
            return exitcodes.DATABASE
        if isinstance(exc, MigrationFailed):
            print(exc)
            return exitcodes.DISK_FULL if exc.disk_full else exitcodes.DATABASE
        print(report_crash(data_dir, type(exc), exc, exc.__traceback__))  # names the log
        return exitcodes.DISK_FULL if is_disk_full(exc) else exitcodes.BUG


def _dispatch(args: argparse.Namespace, data_dir: Path) -> int:
    if args.command == "encrypt":
        from app.commands.encryption import run_encrypt

        return run_encrypt(data_dir, args.admin, args.remove_plain_backups)
    if args.command == "recover-key":
        from app.commands.encryption import run_recover_key

        return run_recover_key(data_dir, args.admin)
    if args.command not in (None, "setup"):
        # An encrypted database: the key first (a user's password), or exit 3 saying how.
        from app.commands.encryption import unlock_for_command

        login = args.login or (getattr(args, "user", "") or None)
        refused = unlock_for_command(data_dir, login)
        if refused is not None:
            return refused
    if args.command == "backup":
        from app.commands.backup import run_backup

        return run_backup(data_dir, args.to)
    if args.command == "restore":
        from app.commands.backup import run_restore

        return run_restore(data_dir, args.file, args.yes)
    if args.command == "check":
        from app.commands.check import run_check

        return run_check(data_dir)
    if args.command == "print-referral":
        from app.commands.print_referral import run_print_referral

        return run_print_referral(data_dir, args.number, args.out, args.page, args.user)
    if args.command == "setup":
        from app.commands.setup import run_setup

        return run_setup(
            data_dir,
            clinic_code=args.clinic_code,
            clinic_name=args.clinic_name,
            county_hospital=args.county_hospital,
            admin=args.admin,
            admin_name=args.admin_name,
            password=args.password,
            demo=args.setup_demo or args.demo,
        )
    if args.command == "sync":
        from app.commands.sync import run_sync

        return run_sync(data_dir, args.hub, args.token, args.ca_bundle)
    if args.command == "report":
        from app.commands.report import run_report

        return run_report(data_dir, args.period, args.report_format, args.out)
    from app.ui.application import run_gui

    return run_gui(data_dir, lang=args.lang, demo=args.demo, smoke=args.smoke)

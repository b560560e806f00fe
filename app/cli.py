"""Command line: argument parsing and the headless commands.

Heavy modules (Qt, SQLAlchemy, ReportLab) are imported only by the path that needs them, so
``--smoke`` and the first window come up fast.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger("app")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m app", description="ClinicLink 医共体基层工作站")
    p.add_argument("--data-dir", type=Path, default=None, help="数据目录（默认：用户数据目录）")
    p.add_argument("--demo", action="store_true", help="首次运行时生成演示数据")
    p.add_argument("--lang", default=None, choices=["zh_CN", "en"], help="界面语言")
    p.add_argument("--smoke", action="store_true", help="启动到第一个窗口后退出（打包/CI 用）")
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
    rp = sub.add_parser("report", help="生成月报、季报或年报（PDF 或 Excel）")
    rp.add_argument("--period", required=True, help="统计期：2026-10（月）、2026Q4 或 2026")
    rp.add_argument("--format", dest="report_format", default="pdf", help="pdf 或 xlsx（默认 pdf）")
    rp.add_argument("--out", type=Path, required=True, help="输出文件")
    return p


def setup_logging(data_dir: Path) -> None:
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(logs / "cliniclink.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from app.config import default_data_dir

    data_dir: Path = (args.data_dir or default_data_dir()).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_logging(data_dir)
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

"""``python -m app --data-dir DIR report --period 2026-10|2026Q4|2026 --format pdf|xlsx
--out FILE``: the monthly, quarterly or annual report, without opening a window.

Exit codes (app/commands/exitcodes.py): 0 written; 2 a bad period or format (a Chinese
message says which forms are accepted; nothing is written); 4 the database is damaged or from
a newer version; 6 no clinic set up in this data directory.
"""

from __future__ import annotations

from pathlib import Path

from app.commands.encryption import export_notice
from app.commands.exitcodes import DATABASE, NOT_SET_UP, OK, USAGE
from app.db.paths import db_path
from app.domain.periods import BadPeriod, parse_period
from app.domain.roles import Role
from app.services.context import Actor
from app.services.startup import DatabaseDamaged, MigrationFailed, open_services, prepare

FORMATS = ("pdf", "xlsx")


def run_report(data_dir: Path, period_text: str, fmt: str, out: Path) -> int:
    try:
        period = parse_period(period_text)
    except BadPeriod as exc:
        print(f"无法生成报表：{exc}")
        return USAGE
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        print(f"无法生成报表：格式“{fmt}”不支持，应为 pdf 或 xlsx")
        return USAGE
    if not db_path(data_dir).exists():
        print(f"无法生成报表：{data_dir} 中还没有本机构的数据，请先启动程序完成初始设置")
        return NOT_SET_UP
    try:
        prepare(data_dir)
    except (DatabaseDamaged, MigrationFailed) as exc:
        print(exc)
        return DATABASE
    services = open_services(data_dir)
    try:
        # reading only; an administrator's view, so every area is in the report
        services.ctx.actor = Actor("", "command-line", "command-line", Role.ADMIN)
        try:
            data = services.stats.report(period, fmt)
        except RuntimeError as exc:  # the clinic is not set up yet
            print(f"无法生成报表：{exc}")
            return NOT_SET_UP
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"已保存 {period.label}{period.report_name}（{fmt}）：{out}")
        export_notice()
        return OK
    finally:
        services.ctx.dispose()

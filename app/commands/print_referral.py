"""``python -m app --data-dir DIR print-referral NUMBER --out FILE.pdf [--page A5]``.

Prints as a system actor (or as ``--user``) with print permission; the print is audited and a
second print of the same slip is marked 补打, exactly as from the window.
"""

from __future__ import annotations

from pathlib import Path

from app.commands.encryption import export_notice
from app.commands.exitcodes import DATABASE, DISK_FULL, OK, REFUSED, USAGE
from app.domain.errors import NotFound, ValidationError
from app.domain.roles import Role
from app.services.context import Actor
from app.services.startup import DatabaseDamaged, MigrationFailed, open_services, prepare


def run_print_referral(data_dir: Path, number: str, out: Path, page: str, user: str) -> int:
    try:
        prepare(data_dir)
    except DatabaseDamaged as exc:
        print(exc)
        return DATABASE
    except MigrationFailed as exc:
        print(exc)
        return DISK_FULL if exc.disk_full else DATABASE
    services = open_services(data_dir)
    try:
        name = user or "command-line"
        services.ctx.actor = Actor("", name, name, Role.NURSE)
        try:
            row = services.referrals.by_number(number)
            pdf, row, reprint = services.referrals.slip_pdf(row.id, page)
        except NotFound:
            print(f"没有找到转诊单 {number}")
            return USAGE
        except ValidationError as exc:
            print(f"无法打印转诊单 {number}：{exc}")
            return REFUSED
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
        mark = "（补打）" if reprint else ""
        print(
            f"已保存 {row.direction_name}转诊单 {row.number}{mark}"
            f"（{row.patient_name}，{page}）：{out}"
        )
        export_notice()
        return OK
    finally:
        services.ctx.dispose()

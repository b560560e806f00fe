"""``python -m app --data-dir DIR setup --clinic-code C --clinic-name N ...``: first-run setup
without a screen, for an admin rolling ClinicLink out to many PCs by script (then ``sync
--hub URL --token T`` to connect it). ``--demo`` also fills it with the demo records."""

from __future__ import annotations

import getpass
from pathlib import Path

from app.commands.exitcodes import DATABASE, DISK_FULL, OK, REFUSED, USAGE
from app.domain.errors import ValidationError
from app.services.startup import DatabaseDamaged, MigrationFailed, open_services, prepare


def run_setup(
    data_dir: Path,
    *,
    clinic_code: str,
    clinic_name: str,
    county_hospital: str,
    admin: str,
    admin_name: str,
    password: str | None,
    demo: bool,
) -> int:
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
        if not services.users.needs_setup():
            print(f"{data_dir} 已完成设置（卫生院 {services.ctx.clinic_code}），未做任何修改")
            return REFUSED
        if demo:
            from app.demo import seed_demo

            try:
                accounts = seed_demo(
                    services,
                    clinic_code=clinic_code,
                    clinic_name=clinic_name,
                    county_hospital=county_hospital,
                    admin=admin,
                    admin_name=admin_name,
                    admin_password=password,
                )
            except ValidationError as exc:
                print(f"未能完成设置：{exc}")
                return 1
            print(f"已建立 {services.ctx.clinic_code} {clinic_name}，并生成演示数据。账号：")
            for username, pw, role in accounts:
                # Only passwords the demo made up are printed; the admin's own never is.
                shown = pw if pw is not None else "（您设定的密码）"
                print(f"  {username} / {shown}（{role}）")
            return OK
        if password is None:
            password = getpass.getpass("管理员密码：")
            if getpass.getpass("再输入一次：") != password:
                print("两次输入的密码不一致，未做任何修改")
                return USAGE
        try:
            services.users.setup(
                clinic_code=clinic_code,
                clinic_name=clinic_name,
                county_hospital=county_hospital,
                admin_username=admin,
                admin_display_name=admin_name,
                admin_password=password,
            )
        except ValidationError as exc:
            print(f"未能完成设置：{exc}")
            return USAGE
        print(f"已建立 {services.ctx.clinic_code} {clinic_name}，管理员账号 {admin}")
        return OK
    finally:
        services.ctx.dispose()

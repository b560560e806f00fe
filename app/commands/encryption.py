"""Headless commands and an encrypted database.

- Every command but ``setup``, ``encrypt`` and ``recover-key`` first needs the data key when
  the database is encrypted: a user's name (``--login NAME`` or ``CLINICLINK_USER``) and
  password (``CLINICLINK_PASSWORD``, or typed at the prompt when run in a terminal). Without
  them, or with a wrong one, the command prints why in Chinese and exits 3 (needs an
  administrator); nothing is read or written.
- ``encrypt --admin NAME``: turn encryption on (a backup first); prints the recovery key once.
- ``recover-key --admin NAME``: every password lost: the recovery key opens the database and
  sets a new password for that administrator (who then logs in and resets the others).
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app.commands.exitcodes import DATABASE, NEEDS_ADMIN, NOT_SET_UP, OK, REFUSED, USAGE
from app.db.paths import db_path

USER_ENV = "CLINICLINK_USER"
PASSWORD_ENV = "CLINICLINK_PASSWORD"
RECOVERY_ENV = "CLINICLINK_RECOVERY_KEY"
NEW_PASSWORD_ENV = "CLINICLINK_NEW_PASSWORD"

HOW = (
    "数据库已加密：请用 --login 用户名 指定账号（或设置环境变量 CLINICLINK_USER），"
    "并在提示时输入该用户的密码（或设置环境变量 CLINICLINK_PASSWORD）。"
)


def _secret(env: str, prompt: str) -> str | None:
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return None


EXPORT_NOTICE = "注意：这个文件没有加密，已离开加密数据库的保护，请妥善保管，用完删除。"


def export_notice() -> None:
    """After writing a PDF or Excel file from an encrypted database: say it is not encrypted."""
    from app.services.encryption import unlocked

    if unlocked():
        print(EXPORT_NOTICE)


def unlock_for_command(data_dir: Path, login: str | None) -> int | None:
    """None when the command may go on (plain database, or the key is now open); otherwise
    the exit code, the reason printed."""
    from app.db import keyfile, sqlconn
    from app.services import encryption

    path = db_path(data_dir)
    if not path.exists() or not sqlconn.is_encrypted_file(path):
        return None
    if not keyfile.enabled(data_dir):
        print(
            f"数据库 {path} 是加密的（或已损坏），但旁边的密钥文件 {keyfile.key_path(data_dir)} "
            "不见了：没有它无法打开数据库。请把密钥文件放回数据目录，或从备份恢复。"
        )
        return DATABASE
    if sqlconn.readable(path):
        return None
    user = (login or os.environ.get(USER_ENV) or "").strip()
    if not user:
        print(HOW)
        return NEEDS_ADMIN
    password = _secret(PASSWORD_ENV, f"{user} 的密码：")
    if not password:
        print(HOW)
        return NEEDS_ADMIN
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(tzinfo=None)
    minutes = encryption.minutes_locked(data_dir, user, now)
    if minutes:
        print(f"密码错误次数过多，该账号已锁定，请 {minutes} 分钟后再试，数据库未打开。")
        return NEEDS_ADMIN
    try:
        ok = encryption.unlock(data_dir, user, password, now)
    except encryption.KeyFileError as exc:
        print(exc)
        return DATABASE
    if not ok:
        print("用户名或密码不正确，数据库未打开（数据库已加密）。")
        return NEEDS_ADMIN
    return None


def run_encrypt(data_dir: Path, admin: str, remove_plain: bool = False) -> int:
    from app.services import encryption

    path = db_path(data_dir)
    if not path.exists():
        print(f"未找到数据库：{path}（请先完成设置）")
        return NOT_SET_UP
    if encryption.is_on(data_dir):
        if remove_plain:
            removed = encryption.remove_plain_backups(data_dir)
            print(f"数据库已经加密；已删除 {len(removed)} 份加密前的明文备份。")
            return OK
        print("数据库已经加密，未做任何修改。")
        return REFUSED
    password = _secret(PASSWORD_ENV, f"管理员 {admin} 的密码：")
    if not password:
        print("请输入管理员密码（或设置环境变量 CLINICLINK_PASSWORD）。未加密。")
        return USAGE
    try:
        result = encryption.enable(data_dir, admin, password)
    except encryption.EncryptionError as exc:
        print(f"未加密：{exc}")
        return REFUSED
    if result.safety_backup is not None:
        print(f"数据库已加密（加密前的备份：{result.safety_backup}）。")
    else:
        print(f"数据库已加密；第一份加密的备份：{result.encrypted_backup}。")
    print("恢复密钥（只显示这一次，请打印或抄写后锁好，所有密码都忘记时用它）：")
    print(f"  {result.recovery_key}")
    if result.without_key:
        print(
            "以下用户还需在本机登录一次（或由管理员重置密码）后才能用自己的密码打开数据库："
            + "、".join(result.without_key)
        )
    if result.plain_backups and remove_plain:
        removed = encryption.remove_plain_backups(data_dir)
        print(f"已删除 {len(removed)} 份加密前的明文备份。")
    elif result.plain_backups:
        print(
            f"另有 {len(result.plain_backups)} 份加密前的备份仍是明文，核对无误后请删除"
            "（或加 --remove-plain-backups 重新运行本命令时一并删除）："
        )
        for p in result.plain_backups[:20]:
            print(f"  {p}")
    return OK


def run_recover_key(data_dir: Path, admin: str) -> int:
    from app.db import keyfile
    from app.services import encryption

    if not keyfile.enabled(data_dir):
        print("本机数据库没有加密，不需要恢复密钥。")
        return REFUSED
    code = _secret(RECOVERY_ENV, "恢复密钥：")
    if not code:
        print("请输入恢复密钥（或设置环境变量 CLINICLINK_RECOVERY_KEY）。")
        return USAGE
    try:
        ok = encryption.unlock_recovery(data_dir, code)
    except encryption.KeyFileError as exc:
        print(exc)
        return DATABASE
    if not ok:
        print("恢复密钥不正确，数据库未打开，未做任何修改。")
        return NEEDS_ADMIN
    password = os.environ.get(NEW_PASSWORD_ENV)
    if not password:
        if not (sys.stdin is not None and sys.stdin.isatty()):
            print("请设置环境变量 CLINICLINK_NEW_PASSWORD（新密码）或在终端中运行。")
            return USAGE
        password = getpass.getpass(f"{admin} 的新密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一致，未做任何修改")
            return USAGE
    from app.domain.errors import ValidationError
    from app.services.startup import open_services, prepare

    prepare(data_dir)
    services = open_services(data_dir)
    try:
        services.users.recover_admin(admin, password)
    except ValidationError as exc:
        print(f"未完成：{exc}")
        return USAGE
    finally:
        services.ctx.dispose()
    print(f"已为管理员 {admin} 设定新密码，可以登录了。请登录后为其他忘记密码的用户重置密码。")
    return OK

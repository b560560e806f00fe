"""``python -m county set-office-password``: set the referral office's password."""

from __future__ import annotations

import getpass
import sys

from sqlalchemy import Engine

from county.db import make_sessions
from county.office import security


def set_password_command(engine: Engine, password: str | None) -> int:
    """Prompt twice (unless ``--password`` was given), store the argon2id hash, and sign every
    open office session out. The prompt comes before the transaction, never inside it."""
    if password is None:
        password = getpass.getpass("转诊办新密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一致，未修改。", file=sys.stderr)
            return 1
    try:
        with make_sessions(engine)() as s, s.begin():
            security.set_password(s, password)
    except ValueError as e:
        print(f"{e}，未修改。", file=sys.stderr)
        return 1
    print("转诊办密码已设置；已登录的浏览器需要重新登录。")
    return 0

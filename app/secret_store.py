"""Where the county hub's token is kept: never in settings.toml.

On Windows the token goes to the Windows Credential Manager through ``keyring`` (protected by
DPAPI for the logged-in Windows account). On Linux (test benches, the odd clinic PC) it is a
file ``hub-token`` in the data directory that only its owner may read (mode 0600): a desktop
keyring is rarely there, and a scheduled headless ``sync`` could not unlock one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

SERVICE = "ClinicLink hub token"
TOKEN_FILE = "hub-token"


def uses_keyring() -> bool:
    return sys.platform == "win32"


def _account(data_dir: Path) -> str:
    # One token per data directory (a PC may hold a test clinic beside the real one).
    return str(Path(data_dir).resolve())


def read_token(data_dir: Path) -> str:
    if uses_keyring():
        import keyring

        return keyring.get_password(SERVICE, _account(data_dir)) or ""
    path = Path(data_dir) / TOKEN_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def write_token(data_dir: Path, token: str) -> None:
    if uses_keyring():
        import keyring
        from keyring.errors import PasswordDeleteError

        if token:
            keyring.set_password(SERVICE, _account(data_dir), token)
        else:
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(SERVICE, _account(data_dir))
        return
    path = Path(data_dir) / TOKEN_FILE
    if not token:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(TOKEN_FILE + ".tmp")
    # Created 0600 from the start: never readable by others, not even for a moment.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, token.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)

"""The key file of an encrypted database: the data key, wrapped once per user and once for the
recovery key, never stored in clear (no SQLAlchemy: start-up path).

The database is encrypted with a random 32-byte data key. ``cliniclink.keys`` beside it holds
that key wrapped (AES-256-GCM, ``cryptography``) under a key derived from each user's password
(argon2id, ``argon2-cffi``'s ``hash_secret_raw``, a salt per wrap), and once under a key
derived from the recovery key shown to the administrator when encryption was turned on. The
login window must open the database to read the users table, so the file lives outside it;
it holds no patient data: user names, salts, wrapped keys, the KDF's cost and the clinic's
name (shown on the login window before the database can be read).

A wrap's associated data names what it is for (the user name or "recovery"), so a wrap copied
to another name does not open. A user may hold two wraps for a moment while their password
changes: the new one is added before the database commits the new password and the old one
removed after, so a crash between leaves both passwords able to open the database and the
database itself decides which one logs in.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEY_FILENAME = "cliniclink.keys"
FORMAT = 1
CIPHER = "sqlcipher4"
DATA_KEY_BYTES = 32
# Recovery key: 20 random bytes as 32 base32 letters in 8 groups (no 0/1/8/9 to misread).
RECOVERY_BYTES = 20


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost: the clinic's password hashing cost (a low-spec PC logs in quickly)."""

    time_cost: int = 2
    memory_cost: int = 19 * 1024  # KiB
    parallelism: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "time_cost": self.time_cost,
            "memory_cost": self.memory_cost,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> KdfParams:
        return cls(int(raw["time_cost"]), int(raw["memory_cost"]), int(raw["parallelism"]))


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILENAME


def enabled(data_dir: Path) -> bool:
    """Encryption is on for this data directory (its key file exists)."""
    return key_path(data_dir).exists()


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def new_recovery_key() -> str:
    raw = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_recovery(text: str) -> str:
    """What the admin typed, without spaces or dashes, upper case (O read as 0 never: base32
    has no 0)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


def derive(secret: str, salt: bytes, params: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _aad(purpose: str) -> bytes:
    return f"cliniclink-data-key:v{FORMAT}:{purpose}".encode()


def wrap(data_key: bytes, secret: str, purpose: str, params: KdfParams) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    ct = AESGCM(derive(secret, salt, params)).encrypt(nonce, data_key, _aad(purpose))
    return {"id": secrets.token_hex(8), "salt": _b64(salt), "nonce": _b64(nonce), "ct": _b64(ct)}


def unwrap(entry: dict[str, str], secret: str, purpose: str, params: KdfParams) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kek = derive(secret, _unb64(entry["salt"]), params)
        key = AESGCM(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["ct"]), _aad(purpose))
    except (InvalidTag, KeyError, ValueError):
        return None
    return key if len(key) == DATA_KEY_BYTES else None


class KeyFileError(Exception):
    """The key file is missing or unreadable (the database cannot be opened without it)."""


@dataclass
class KeyFile:
    clinic_name: str = ""
    kdf: KdfParams = field(default_factory=KdfParams)
    users: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    recovery: dict[str, str] | None = None

    # -- storage ---------------------------------------------------------------------------
    @classmethod
    def load(cls, data_dir: Path) -> KeyFile:
        path = key_path(data_dir)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if int(raw["format"]) != FORMAT:
                raise KeyFileError(f"密钥文件 {path} 的格式版本 {raw['format']} 无法识别")
            return cls(
                str(raw.get("clinic_name", "")),
                KdfParams.from_dict(raw["kdf"]),
                {str(k): list(v) for k, v in raw.get("users", {}).items()},
                raw.get("recovery"),
            )
        except KeyFileError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyFileError(f"无法读取密钥文件 {path}：{exc}") from exc

    def save(self, data_dir: Path) -> None:
        """Written under a temporary name, flushed, then renamed over the old one."""
        path = key_path(data_dir)
        tmp = path.with_name(path.name + ".tmp")
        body = {
            "format": FORMAT,
            "cipher": CIPHER,
            "clinic_name": self.clinic_name,
            "kdf": self.kdf.as_dict(),
            "users": self.users,
            "recovery": self.recovery,
        }
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(body, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    # -- opening ---------------------------------------------------------------------------
    def unlock_user(self, username: str, password: str) -> bytes | None:
        """The data key if ``password`` is ``username``'s; None otherwise. An unknown user
        costs one derivation too, so the time taken does not tell which names exist."""
        wraps = self.users.get(username.strip(), [])
        if not wraps:
            derive(password, b"\0" * 16, self.kdf)
            return None
        for entry in wraps:
            key = unwrap(entry, password, "user:" + username.strip(), self.kdf)
            if key is not None:
                return key
        return None

    def unlock_recovery(self, recovery_key: str) -> bytes | None:
        if self.recovery is None:
            return None
        return unwrap(self.recovery, normalize_recovery(recovery_key), "recovery", self.kdf)

    # -- wraps -----------------------------------------------------------------------------
    def add_user(self, data_key: bytes, username: str, password: str) -> str:
        """A new wrap for ``username`` beside any they have; returns its id."""
        entry = wrap(data_key, password, "user:" + username.strip(), self.kdf)
        self.users.setdefault(username.strip(), []).append(entry)
        return entry["id"]

    def keep_only(self, username: str, wrap_id: str) -> None:
        wraps = self.users.get(username.strip(), [])
        self.users[username.strip()] = [w for w in wraps if w.get("id") == wrap_id]

    def drop(self, username: str, wrap_id: str | None = None) -> None:
        """Remove ``username``'s wraps (or just one of them)."""
        name = username.strip()
        if wrap_id is None:
            self.users.pop(name, None)
            return
        left = [w for w in self.users.get(name, []) if w.get("id") != wrap_id]
        if left:
            self.users[name] = left
        else:
            self.users.pop(name, None)

    def has_user(self, username: str) -> bool:
        return bool(self.users.get(username.strip()))

    def set_recovery(self, data_key: bytes, recovery_key: str) -> None:
        self.recovery = wrap(data_key, normalize_recovery(recovery_key), "recovery", self.kdf)

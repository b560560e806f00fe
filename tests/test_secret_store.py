"""The hub token never sits in settings.toml: a 0600 file on Linux, Windows' credential store
through keyring on Windows; a token an older version left in plain text is moved on load."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from app import secret_store
from app.config import SETTINGS_FILE, Settings

TOKEN = "tok-Xy9_secret-value-0123456789"


def test_the_token_is_kept_out_of_settings_toml_in_an_owner_only_file(tmp_path: Path) -> None:
    s = Settings(hub_url="https://county.example:8443", hub_token=TOKEN)
    s.save(tmp_path)
    assert TOKEN not in (tmp_path / SETTINGS_FILE).read_text(encoding="utf-8")
    token_file = tmp_path / secret_store.TOKEN_FILE
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    again = Settings.load(tmp_path)
    assert again.hub_token == TOKEN
    assert again.hub_url == "https://county.example:8443"
    # Clearing the token removes the file.
    again.hub_token = ""
    again.save(tmp_path)
    assert not token_file.exists()
    assert Settings.load(tmp_path).hub_token == ""


def test_a_plain_text_token_from_an_older_version_is_moved(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text(
        f'hub_url = "https://county.example"\nhub_token = "{TOKEN}"\n', encoding="utf-8"
    )
    s = Settings.load(tmp_path)
    assert s.hub_token == TOKEN
    with (tmp_path / SETTINGS_FILE).open("rb") as fh:
        assert "hub_token" not in tomllib.load(fh)
    assert (tmp_path / secret_store.TOKEN_FILE).read_text(encoding="utf-8") == TOKEN


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


def test_on_windows_the_token_goes_to_the_credential_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows' store is reached through keyring; here keyring gets an in-memory backend."""
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(secret_store, "uses_keyring", lambda: True)
    try:
        one, two = tmp_path / "clinic-a", tmp_path / "clinic-b"
        one.mkdir()
        two.mkdir()
        Settings(hub_token=TOKEN).save(one)
        Settings(hub_token="other-token").save(two)
        assert not (one / secret_store.TOKEN_FILE).exists()
        assert TOKEN not in (one / SETTINGS_FILE).read_text(encoding="utf-8")
        assert Settings.load(one).hub_token == TOKEN
        assert Settings.load(two).hub_token == "other-token"
        Settings(hub_token="").save(one)
        assert Settings.load(one).hub_token == ""
        assert list(backend.store.values()) == ["other-token"]
    finally:
        keyring.set_keyring(previous)

"""Two clinics and a hub: records made offline at both, synced by the headless command."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main as app_main
from app.config import Settings
from tests.hub_server import running_hub
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients, assert_same, hub_records


def test_two_clinics_offline_then_synced(
    tmp_path: Path, migrated_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = make_clinic(tmp_path, migrated_template, "A001")
    b = make_clinic(tmp_path, migrated_template, "B002")
    add_patients(a, 12, "甲")
    add_patients(b, 7, "乙")
    # offline: nothing listens on this port
    assert (
        app_main(
            ["--data-dir", str(a.data_dir), "sync", "--hub", "http://127.0.0.1:9", "--token", "x"]
        )
        == 1
    )
    assert "待上传" in capsys.readouterr().out
    with running_hub(tmp_path) as hub:
        ta, tb = register(hub, "A001"), register(hub, "B002")
        assert (
            app_main(["--data-dir", str(a.data_dir), "sync", "--hub", hub.url, "--token", ta]) == 0
        )
        assert "上传 12 条" in capsys.readouterr().out
        assert Settings.load(a.data_dir).hub_url == hub.url
        assert (
            app_main(["--data-dir", str(b.data_dir), "sync", "--hub", hub.url, "--token", tb]) == 0
        )
        assert len(hub_records(hub, "A001")) == 12 and len(hub_records(hub, "B002")) == 7
        assert assert_same(a, hub) == 12 and assert_same(b, hub) == 7
        # a revoked/wrong token stops with the admin message, non-zero
        assert app_main(["--data-dir", str(b.data_dir), "sync", "--token", "wrong"]) == 3
        assert "令牌" in capsys.readouterr().out


def test_headless_round_exits_1_while_a_county_record_cannot_be_stored(
    tmp_path: Path, migrated_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.sync.helpers import store_unchecked
    from tests.sync.test_ownership import answer, send_down

    a = make_clinic(tmp_path, migrated_template, "A001")
    with running_hub(tmp_path) as hub:
        token = register(hub, "A001")
        bad = send_down(hub, "A001")
        store_unchecked(hub, bad, followup_date="2026-02-30")  # no such day
        argv = ["--data-dir", str(a.data_dir), "sync", "--hub", hub.url, "--token", token]
        assert app_main(argv) == 1
        out = capsys.readouterr().out
        assert bad in out and "followup_date" in out  # the record and the field, named
        answer(hub, bad, followup_date="2026-03-02")
        assert app_main(argv) == 0
        assert bad not in capsys.readouterr().out

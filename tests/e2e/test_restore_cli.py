"""The scheduled-task path: backup → edits → sync → restore → edit → sync, all by the headless
commands against a real hub; the clinic and the hub end equal, field by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.cli import main as app_main
from app.db.backup import list_backups
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from tests.conftest import ADMIN_PASSWORD, fast_hasher
from tests.hub_server import running_hub
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import assert_same, hub_records


def test_backup_sync_restore_sync_by_command(
    tmp_path: Path, migrated_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = make_clinic(tmp_path, migrated_template, "A001")
    d = a.data_dir
    born = date(1955, 6, 1)
    first = a.patients.create(PatientInput(name="甲一", sex="1", birth_date=born)).id
    with running_hub(tmp_path) as hub:
        token = register(hub, "A001")
        sync = ["--data-dir", str(d), "sync", "--hub", hub.url, "--token", token]
        assert app_main(sync) == 0
        assert app_main(["--data-dir", str(d), "backup"]) == 0
        (made,) = list_backups(d / "backups")
        later = a.patients.create(PatientInput(name="甲二", sex="2", birth_date=born)).id
        assert app_main(sync) == 0
        a.ctx.dispose()
        capsys.readouterr()
        assert app_main(["--data-dir", str(d), "restore", str(made.path), "--yes"]) == 0
        assert "已恢复" in capsys.readouterr().out
        b = AppServices.create(ServiceContext.open(d, password_hasher=fast_hasher()), d)
        b.users.login("admin", ADMIN_PASSWORD)
        assert [p.name for p in b.patients.search("甲")] == ["甲一"]
        b.patients.create(PatientInput(name="甲三", sex="1", birth_date=born))
        assert app_main(sync) == 0
        assert "取回本站的 1 条" in capsys.readouterr().out
        names = sorted(p.name for p in b.patients.search("甲"))
        assert names == sorted(["甲一", "甲二", "甲三"])
        assert {first, later} <= {k[1] for k in hub_records(hub, "A001")}
        assert assert_same(b, hub) == 3
        b.ctx.dispose()

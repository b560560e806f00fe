"""Unexpected errors go to a rotating log in the data directory with their traceback and no
patient data; the user gets a Chinese message naming the log."""

from __future__ import annotations

import logging
import logging.handlers
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app.crashlog import log_file, report_crash, setup_logging
from app.domain.patient import PatientInput
from app.services.bundle import AppServices


@pytest.fixture
def logging_to(data_dir: Path):  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(data_dir)
    yield log_file(data_dir)
    for h in root.handlers:
        if h not in before:
            h.close()
            root.removeHandler(h)


def test_a_crash_is_logged_without_record_values(
    services: AppServices, data_dir: Path, logging_to: Path
) -> None:
    row = services.patients.create(
        PatientInput(name="隐私测试", sex="1", birth_date=date(1960, 1, 1), phone="13955501234")
    )
    with pytest.raises(IntegrityError) as err, services.ctx.session() as s:
        from app.db.models import Patient

        twin = Patient(id=row.id, name="隐私测试", clinic_code="TH001", phone="13955501234")
        s.add(twin)
        s.flush()
    message = report_crash(data_dir, type(err.value), err.value, err.value.__traceback__)
    assert str(logging_to) in message and "意外错误" in message
    text = logging_to.read_text(encoding="utf-8")
    assert "Traceback" in text and "IntegrityError" in text
    assert "隐私测试" not in text and "13955501234" not in text
    handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert handlers and handlers[0].maxBytes > 0 and handlers[0].backupCount > 0


def test_the_headless_commands_report_a_bug_with_the_log_and_code_9(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import main
    from app.commands import check

    def boom(_d: Path) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(check, "run_check", boom)
    try:
        assert main(["--data-dir", str(data_dir), "check"]) == 9
    finally:
        root = logging.getLogger()
        for h in list(root.handlers):
            if isinstance(h, logging.FileHandler) and str(data_dir) in h.baseFilename:
                h.close()
                root.removeHandler(h)
    out = capsys.readouterr().out
    assert "cliniclink.log" in out and "Traceback" not in out
    assert "a bug" in log_file(data_dir).read_text(encoding="utf-8")

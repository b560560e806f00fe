"""The hub's logs carry ids and reasons, never record content or search terms: a push that
fails in the database and an office search that fails, with every logger at DEBUG and SQLAlchemy
logging each statement, leave no name, ID number, phone or search term in any log."""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest

from app.sync.protocol import PROTOCOL_VERSION
from tests.county.conftest import RunningHub
from tests.county.test_office import login

NAME, ID_NUMBER, PHONE, TERM = "欧阳锋测", "11010519491231002X", "13912345678", "司马懿查"


def test_a_failed_push_and_a_failed_search_log_no_content(
    running: RunningHub, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement, as an admin
    pg = running.engine.dialect.name == "postgresql"
    with running.engine.begin() as c:  # the database now refuses every new record
        if pg:
            c.exec_driver_sql(
                "ALTER TABLE records ADD CONSTRAINT ck_refuse_all CHECK (version < 0) NOT VALID"
            )
        else:
            c.exec_driver_sql(
                "CREATE TRIGGER refuse_all BEFORE INSERT ON records "
                "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            )
    changes = [
        {
            "type": "patient",
            "id": str(uuid.uuid4()),
            "version": 1,
            "data": {
                "name": NAME,
                "sex": "1",
                "birth_date": "1949-12-31",
                "id_number": ID_NUMBER,
                "phone": PHONE,
            },
        }
    ]
    r = httpx.post(
        running.url + "/api/v1/sync/push",
        timeout=30,
        headers={"Authorization": f"Bearer {running.tokens['A001']}"},
        json={"protocol": PROTOCOL_VERSION, "changes": changes},
    )
    assert r.status_code == 500 and NAME not in r.text and len(r.content) < 300

    with httpx.Client(base_url=running.url, timeout=30) as office:
        assert login(office).status_code == 303
        with running.engine.begin() as c:  # ... and every query of the records fails
            c.exec_driver_sql("ALTER TABLE records RENAME COLUMN data TO data_gone")
        r = office.get("/office/referrals", params={"q": TERM, "status": "pending"})
        assert r.status_code == 500 and TERM not in r.text, r.text[:300]

    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    failures = [rec.getMessage() for rec in caplog.records if rec.name == "county.errors"]
    assert any("/api/v1/sync/push" in m and "IntegrityError" in m for m in failures), failures
    assert any("/office/referrals" in m and "Error" in m for m in failures), (failures, err[-2000:])
    if pg:
        assert "SQLSTATE 23514" in logged  # the reason, by its code
    for secret in (NAME, ID_NUMBER, PHONE, TERM):
        assert secret not in logged, secret

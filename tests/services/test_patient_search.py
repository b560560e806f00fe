"""The residents list as a clinic uses it: which residents a query finds (record numbers with
letters, ID region codes, mixed text), the default order and page, and a broad query on a
table big enough that the search walks the last-change index instead of sorting matches."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.patients import patient_row

T0 = datetime(2026, 1, 1, 0, 0)


@pytest.fixture
def residents(services: AppServices) -> AppServices:
    services.patients.create(
        PatientInput(
            name="张三",
            id_number="11010519491231002X",
            phone="13812345678",
            record_number="JK20260001",
        )
    )
    services.patients.create(
        PatientInput(name="Anna Li", sex="2", birth_date=date(1980, 5, 1), phone="13900001111")
    )
    return services


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("jk", ["张三"]),  # a record number's letters, typed in lower case
        ("JK2026", ["张三"]),  # letters and digits: the record number's start
        ("Anna L", ["Anna Li"]),  # mixed text: the name's start
        ("110105", ["张三"]),  # an ID number's region code (six digits on)
        ("11010", []),  # five digits: not enough for an ID number's start
        ("jk2027", []),
        ("Anna X", []),
    ],
)
def test_what_a_query_finds(residents: AppServices, query: str, found: list[str]) -> None:
    assert [p.name for p in residents.patients.search(query)] == found
    assert residents.patients.count(query) == len(found)


def insert(data_dir: Path, names: list[str]) -> None:
    """Residents in bulk with the columns the service writes, the last name changed last."""
    rows = [
        patient_row(
            PatientInput(name=name, sex="1", birth_date=date(1950, 1, 1)),
            f"p{i:04d}",
            "TH001",
            1,
            T0,
            T0 + timedelta(minutes=i),
            False,
        )
        for i, name in enumerate(names)
    ]
    cols = list(rows[0])
    with sqlite3.connect(db_path(data_dir)) as c:
        c.executemany(
            f"INSERT INTO patients ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [[r[k] for k in cols] for r in rows],
        )


def test_the_list_opens_on_the_last_changed_a_page_at_a_time(
    services: AppServices, data_dir: Path
) -> None:
    insert(data_dir, [f"王{i:03d}" for i in range(130)])
    first = services.patients.search()
    assert len(first) == 100
    assert [p.name for p in first[:3]] == ["王129", "王128", "王127"]
    assert services.patients.search(sort="no-such-column")[0].name == "王129"
    rest = services.patients.search(offset=100)
    assert [p.name for p in rest[-2:]] == ["王001", "王000"] and len(rest) == 30


def test_a_broad_query_lists_only_its_matches(services: AppServices, data_dir: Path) -> None:
    """Most of the table matches "张": the search walks the last-change index then; the page
    still holds only residents named 张…, newest change first, though others changed later."""
    insert(data_dir, [f"张{i:03d}" for i in range(120)] + [f"李{i}" for i in range(10)])
    page = services.patients.search("张")
    assert len(page) == 100
    assert {p.name[0] for p in page} == {"张"}
    assert [p.name for p in page[:2]] == ["张119", "张118"]
    assert len(services.patients.search("张", offset=100)) == 20
    assert services.patients.count("张") == 120
    by_name = services.patients.search("张", sort="name", descending=False, limit=3)
    assert [p.name for p in by_name] == ["张000", "张001", "张002"]

"""bench/bench_sync.py runs end to end at tiny sizes (no timing asserted): a hub process on
127.0.0.1, push and pull through the real engine, a few clinics at once, and the bench's own
no-loss / no-duplicate verification passes."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from app.db.engine import db_path

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench_sync():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("bench_sync")
    finally:
        sys.path.remove(str(BENCH))


def test_bench_sync_runs_tiny(bench_sync, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    make_dataset = importlib.import_module("make_dataset")
    data = tmp_path / "data"
    make_dataset.main(["--patients", "120", "--out", str(data)])
    assert db_path(data).exists()
    results = tmp_path / "results"
    monkeypatch.setattr(bench_sync, "save", lambda name, r: _save(results, name, r))
    # SQLite hub only: the bench empties the PostgreSQL database it is given
    rc = bench_sync.main(
        [
            "--backend",
            "sqlite",
            "--records",
            "40",
            "--clinics",
            "3",
            "--per-clinic",
            "5",
            "--workers",
            "1",
            "--data",
            str(data),
            "--work",
            str(tmp_path / "work"),
            "--out-name",
            "sync-test",
        ]
    )
    out = json.loads((results / "sync-test.json").read_text(encoding="utf-8"))
    assert rc == 0
    (tp,) = out["throughput"]
    assert tp["push"]["pushed"] == 40 and tp["pull"]["pulled"] == 40
    assert tp["verified"]["ok"]
    (many,) = out["concurrent"]
    assert many["ok"] and many["pushed"] == 15 and many["hub_records"] == 15
    assert many["batches"] == 3


def _save(d: Path, name: str, result: dict) -> Path:  # type: ignore[type-arg]
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{name}.json"
    p.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return p

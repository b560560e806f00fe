"""SIGKILL during writes (a few runs here; bench/bench_kill.py runs 200): every run passes the
full start-up checks, no acknowledged write is lost, the database reopens unaided."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_kill import run


@pytest.mark.slow
def test_killed_writes_lose_nothing_acknowledged(tmp_path: Path) -> None:
    result = run(8, seed=3, data_dir=tmp_path)
    assert result["failures"] == []
    assert int(result["acknowledged_records"]) > 0  # type: ignore[call-overload]

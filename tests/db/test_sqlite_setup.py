"""SQLite's count of its memory is off in the programs (app/db/sqlite_setup.py): the lock it
takes around every allocation made the 统计 threads wait for each other. Each check runs in a
fresh process, as the setting may only change before any database is opened."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Opens a plain and an encrypted database, writes and reads them, then prints what each
# SQLite library says it has allocated (0 when it does not count).
USE_BOTH = """
import ctypes, sqlite3, _sqlite3, sys
from sqlcipher3 import dbapi2 as cipher, _sqlite3 as cipher_lib
tmp = sys.argv[1]
plain = sqlite3.connect(tmp + "/plain.db")
plain.execute("CREATE TABLE t (x)")
plain.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
plain.commit()
secret = cipher.connect(tmp + "/secret.db")
secret.execute("PRAGMA key = \\"x'" + "11" * 32 + "'\\"")
secret.execute("CREATE TABLE t (x)")
secret.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
secret.commit()
assert plain.execute("SELECT sum(x) FROM t").fetchone() == (499500,)
assert secret.execute("SELECT sum(x) FROM t").fetchone() == (499500,)
for path in (_sqlite3.__file__, cipher_lib.__file__):
    used = ctypes.CDLL(path).sqlite3_memory_used
    used.restype = ctypes.c_int64
    print(used())
"""


def run(code: str, tmp: Path) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.split()


def test_without_it_sqlite_counts_its_memory(tmp_path: Path) -> None:
    counted = run(USE_BOTH, tmp_path)
    assert len(counted) == 2 and all(int(n) > 0 for n in counted)


def test_turned_off_both_libraries_stop_counting_and_still_work(tmp_path: Path) -> None:
    code = (
        "from app.db.sqlite_setup import without_memory_statistics as off\n"
        "print(','.join(off()))\n" + USE_BOTH
    )
    names, *counted = run(code, tmp_path)
    assert names == "sqlite3,sqlcipher3"
    assert counted == ["0", "0"]


def test_the_programs_turn_it_off_before_they_open_a_database(tmp_path: Path) -> None:
    """``python -m app`` and ``python -m county`` (their entry modules, with ``main``
    replaced by the work above)."""
    for package, cli in (("app", "app.cli"), ("county", "county.cli")):
        code = (
            f"import runpy, {cli} as cli\n"
            "def main(argv=None):\n"
            "    exec(compile(BODY, 'body', 'exec'), {})\n"
            "    return 0\n"
            "cli.main = main\n"
            f"BODY = {USE_BOTH!r}\n"
            "import sys\n"
            "try:\n"
            f"    runpy.run_module({package!r}, run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n"
        )
        (tmp_path / package).mkdir()
        assert run(code, tmp_path / package) == ["0", "0"], package

"""Turn off SQLite's count of the memory it uses, once, before any database is opened.

Unless told otherwise (``SQLITE_CONFIG_MEMSTATUS``), SQLite counts every byte it allocates and
takes one lock, for the whole process, around each allocation to do so. The 统计 figures count
on several threads at once (the 考核 in two halves of the residents, the referrals and the
monthly counts beside them); with that lock the threads queued for it, and two halves of a
year's 考核 on two threads took as long as one after the other (ten-year clinic: 290–420 ms
against 320 ms). Without it they take 155–180 ms together, and each alone is ~10 % faster.
ClinicLink never reads those counts.

Python's ``sqlite3`` module has no way to set it, so it is set through the library's own C
interface (``ctypes``): ``sqlite3_shutdown``, ``sqlite3_config``, ``sqlite3_initialize``.
SQLite allows this only while no database is open, so it runs first thing in the process, from
the program's entry point (``python -m app``, ``python -m county``), never from code that may
run with a database open. It is set in each SQLite the process has: the standard library's and
the one inside ``sqlcipher3`` (encrypted databases). Where a library does not export these
functions (on Windows the SQLite inside ``sqlcipher3``) it is left as it is: everything works
the same, the figures take longer.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

SQLITE_OK = 0
SQLITE_CONFIG_MEMSTATUS = 9


def _libraries() -> list[tuple[str, str]]:
    """(name, path) of each SQLite library the process loads for its database modules."""
    import _sqlite3  # the standard library's binding

    found = [("sqlite3", str(_sqlite3.__file__))]
    if sys.platform == "win32":  # the binding does not re-export SQLite; its DLL does
        found = [("sqlite3", "sqlite3")]
    try:
        from sqlcipher3 import _sqlite3 as cipher  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - pyproject requires it
        pass
    else:
        found.append(("sqlcipher3", str(Path(cipher.__file__))))
    return found


def without_memory_statistics() -> list[str]:
    """Turn the memory count off in every SQLite library of the process that allows it;
    the names of those where it is now off. Call before opening any database."""
    done = []
    for name, path in _libraries():
        try:
            lib = ctypes.CDLL(path)
            shutdown, config, initialize = (
                lib.sqlite3_shutdown,
                lib.sqlite3_config,
                lib.sqlite3_initialize,
            )
        except (OSError, AttributeError) as exc:
            log.info("SQLite memory count left on in %s: %s", name, exc)
            continue
        if shutdown() != SQLITE_OK:
            continue
        ok = config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK
        initialize()
        if ok:
            done.append(name)
    return done

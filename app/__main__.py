"""Entry point: ``python -m app [--data-dir DIR] [--demo] [--lang zh_CN|en] [--smoke] [COMMAND]``.

Commands run headless and exit: ``check`` (integrity and consistency). Without a command the
workstation window opens (first-run setup or login).
"""

from __future__ import annotations

import sys

from app.cli import main
from app.db.sqlite_setup import without_memory_statistics

if __name__ == "__main__":
    without_memory_statistics()  # before any database is opened
    sys.exit(main())

"""Entry point: ``python -m county``."""

from app.db.sqlite_setup import without_memory_statistics
from county.cli import main

without_memory_statistics()  # before any database is opened
raise SystemExit(main())

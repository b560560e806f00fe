"""Entry point: ``python -m county``."""

from county.cli import main

raise SystemExit(main())

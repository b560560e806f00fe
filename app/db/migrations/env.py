"""Alembic environment: always driven from app.db.migrate with a live connection.

No ``fileConfig``: it would silence the application's loggers.
"""

from __future__ import annotations

from alembic import context

from app.db import all_models  # noqa: F401  (registers every table on Base.metadata)
from app.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("ClinicLink migrations run only through app.db.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transactional_ddl=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()

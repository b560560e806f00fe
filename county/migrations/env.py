"""Alembic environment of the hub: runs on the connection handed in by county.migrate."""

from __future__ import annotations

from alembic import context

from county.db import HubBase

conn = context.config.attributes["connection"]
context.configure(connection=conn, target_metadata=HubBase.metadata)
with context.begin_transaction():
    context.run_migrations()

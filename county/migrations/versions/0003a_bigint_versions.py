"""Versions up to 2^63-1: what a clinic may send (64-bit integers) the hub can store.

PostgreSQL's INTEGER holds 32 bits; SQLite's INTEGER is 64-bit already.

Revision ID: 0003a_bigint_versions
Revises: 0002_office
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003a_bigint_versions"
down_revision = "0002_office"
branch_labels = None
depends_on = None

COLUMNS = (("records", "version"), ("records", "county_rev"), ("refused_writes", "version"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_nullable=False)

"""The audit log becomes a hash chain and append-only (triggers refuse UPDATE and DELETE).

Existing rows are chained in id order. The hash is computed here with a frozen copy of the
rule (a migration must not import code that may change later); app.domain.audit_chain holds
the same rule, and a test checks the two agree.

Revision ID: 0018b_audit_chain
Revises: 0018a_user_lockout
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0018b_audit_chain"
down_revision = "0018a_user_lockout"
branch_labels = None
depends_on = None

NO_UPDATE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)
NO_DELETE = (
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)


def _hash(prev: str, row: sa.Row) -> str:
    at = row.at
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    text = json.dumps(
        [
            prev,
            at.strftime("%Y-%m-%d %H:%M:%S.%f"),
            row.user_id,
            row.username,
            row.action,
            row.record_type,
            row.record_id,
            row.detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, at, user_id, username, action, record_type, record_id, detail "
            "FROM audit_log ORDER BY id"
        )
    ).fetchall()
    prev = ""
    updates = []
    for row in rows:
        h = _hash(prev, row)
        updates.append({"id": row.id, "p": prev, "h": h})
        prev = h
    if updates:
        conn.execute(sa.text("UPDATE audit_log SET prev_hash=:p, hash=:h WHERE id=:id"), updates)
    op.execute(NO_UPDATE)
    op.execute(NO_DELETE)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")

"""Named office accounts, audit trail, login attempts (throttle), hub settings, the session's
account, and the workstation version each clinic last synced with.

Revision ID: 0004a_office_accounts
Revises: 0002_office
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004a_office_accounts"
down_revision = "0002_office"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("department", sa.String(50), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("must_change", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "office_audit",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_name", sa.String(50), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("department", sa.String(50), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("record_type", sa.String(30), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("record_number", sa.String(40), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_office_audit_at", "office_audit", ["at"])
    op.create_index("ix_office_audit_record", "office_audit", ["record_id"])
    op.create_index("ix_office_audit_user", "office_audit", ["user_name", "at"])
    op.create_table(
        "office_login_attempts",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("account", sa.String(50), nullable=False),
    )
    op.create_index("ix_office_login_attempts_at", "office_login_attempts", ["at"])
    op.create_index("ix_office_login_attempts_address", "office_login_attempts", ["address", "at"])
    op.create_index("ix_office_login_attempts_account", "office_login_attempts", ["account", "at"])
    op.create_table(
        "hub_settings",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    # Sessions of the one shared password cannot say who is signed in: end them.
    op.execute("DELETE FROM office_sessions")
    with op.batch_alter_table("office_sessions") as b:
        b.add_column(sa.Column("user_id", sa.Integer, nullable=True))
    with op.batch_alter_table("clinics") as b:
        b.add_column(sa.Column("client_version", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clinics") as b:
        b.drop_column("client_version")
    with op.batch_alter_table("office_sessions") as b:
        b.drop_column("user_id")
    for t in ("hub_settings", "office_login_attempts", "office_audit", "office_users"):
        op.drop_table(t)

"""The 统计 figures of closed periods, kept in the database under their year's token, so the
first look at a closed year after the workstation starts costs no counting either
(app/services/stats_cache.py). A row is used only while its token is still the year's token
in ``stats_marks`` and it was written by the same counting code; nothing else reads it.

Revision ID: 0019d_stats_kept
Revises: 0019c_stats_marks
"""

from __future__ import annotations

from alembic import op

revision = "0019d_stats_kept"
down_revision = "0019c_stats_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE stats_kept (key VARCHAR(400) NOT NULL, area VARCHAR(20) NOT NULL, "
        "year INTEGER NOT NULL, token INTEGER NOT NULL, code VARCHAR(64) NOT NULL, "
        "figures TEXT NOT NULL, CONSTRAINT pk_stats_kept PRIMARY KEY (key))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE stats_kept")

"""Each managed patient's 考核 verdicts of a period, stored (one row per period, the verdicts
as text) with the position in ``stats_changes`` they were counted at, so the first look
after the workstation starts recounts only the residents named in the log since
(app/services/stats_tally.py) instead of the whole year. A row is used only by the same
counting code (``code``); the last few periods used are kept. Nothing else reads this
table; it is not synced.

Revision ID: 0020c_stats_verdicts
Revises: 0020a_stats_changes
"""

from __future__ import annotations

from alembic import op

revision = "0020c_stats_verdicts"
down_revision = "0020a_stats_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE stats_verdict_sets (name VARCHAR(400) NOT NULL, code VARCHAR(64) NOT NULL, "
        "position INTEGER NOT NULL, used INTEGER NOT NULL, verdicts TEXT NOT NULL, "
        "CONSTRAINT pk_stats_verdict_sets PRIMARY KEY (name))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE stats_verdict_sets")

"""Bookkeeping for the 统计 figures kept per closed period (app/services/stats_cache.py).

``stats_marks`` holds one random token per area and year. Triggers (migration 0019c) give a
year a new token whenever a record the figures of that year are counted from is written —
by the services, a pull from the hub, bulk seeding or plain SQL alike — so figures kept
under a token are those of the records as they are exactly while the token is unchanged.
A restored backup brings its own tokens. Not synced.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class StatsMark(Base):
    __tablename__ = "stats_marks"
    area: Mapped[str] = mapped_column(String(20), primary_key=True)  # referrals / followups
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(Integer, nullable=False)


class StatsKept(Base):
    """Figures of a closed period (JSON) as counted under ``token`` of their area and year
    by the counting code ``code``; used only while both still hold. Not synced."""

    __tablename__ = "stats_kept"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    area: Mapped[str] = mapped_column(String(20), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    token: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    figures: Mapped[str] = mapped_column(Text, nullable=False)


class StatsChange(Base):
    """A resident whose 考核 standing may have changed (``patient_id``, or the resident of
    ``plan_id`` as it is when read), in write order; written by triggers only (migration
    0020a), read by app/services/stats_tally.py. Not synced."""

    __tablename__ = "stats_changes"
    __table_args__ = {"sqlite_autoincrement": True}
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class StatsVerdictSet(Base):
    """One period's stored 考核 verdicts (``name``: the period, kinds, targets and zone), as
    counted by the code ``code`` up to ``position`` in stats_changes; ``verdicts``: per kind
    and combination (1 规范管理, 2 控制, 4 失访, 8 no reading), the residents. Not synced."""

    __tablename__ = "stats_verdict_sets"
    name: Mapped[str] = mapped_column(String(400), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    used: Mapped[int] = mapped_column(Integer, nullable=False)
    verdicts: Mapped[str] = mapped_column(Text, nullable=False)

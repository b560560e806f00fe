"""All services of one running workstation, handed to the UI and the commands.

Each area adds its service as a field here (one line in the class, one in ``create``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services.audit import AuditService
from app.services.context import ServiceContext
from app.services.followups import FollowUpService
from app.services.patients import PatientService
from app.services.referrals import ReferralService
from app.services.stats import StatsService, credit_shortfalls_from
from app.services.sync_runner import SyncRunner
from app.services.sync_status import SyncStatusService
from app.services.training import TrainingService
from app.services.users import UserService


@dataclass
class AppServices:
    ctx: ServiceContext
    data_dir: Path
    users: UserService
    patients: PatientService
    referrals: ReferralService
    training: TrainingService
    followups: FollowUpService
    sync: SyncStatusService
    sync_runner: SyncRunner
    audit: AuditService
    stats: StatsService

    @classmethod
    def create(cls, ctx: ServiceContext, data_dir: Path) -> AppServices:
        training = TrainingService.for_data_dir(ctx, data_dir)
        followups = FollowUpService.for_data_dir(ctx, data_dir)
        return cls(
            ctx=ctx,
            data_dir=Path(data_dir),
            users=UserService(ctx),
            patients=PatientService(ctx),
            referrals=ReferralService(ctx),
            training=training,
            followups=followups,
            sync=SyncStatusService(ctx),
            sync_runner=SyncRunner(ctx, data_dir),
            stats=StatsService(
                ctx,
                overdue_count=lambda today: followups.worklist_count("overdue", today=today),
                overdue_list=lambda today: followups.worklist(
                    "overdue", today=today, limit=1_000_000
                ),
                credit_shortfalls=credit_shortfalls_from(training),
                targets=lambda: followups.targets,
            ),
            audit=AuditService(ctx),
        )

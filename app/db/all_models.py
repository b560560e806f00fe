"""Import every model module so Base.metadata is complete (migrations compare against it).

Each area adds its module to the import below.
"""

from __future__ import annotations

from app.db import (  # noqa: F401
    followup_models,
    models,
    referral_models,
    stats_models,
    sync_models,
    training_models,
)

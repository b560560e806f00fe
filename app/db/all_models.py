"""Import every model module so Base.metadata and SYNCED_MODELS are complete.

Each area adds its module here (one line), e.g. ``from app.db import referral_models``.
"""

from __future__ import annotations

from app.db import models  # noqa: F401

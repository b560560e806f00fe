"""Tests change a record type's entry in the registry for one test (``monkeypatch`` undoes it):
the services, the pages and the office read the registry when they act, so they follow."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest

from app import registry


def swap_perms(
    monkeypatch: pytest.MonkeyPatch,
    type_: str,
    changes: Mapping[str, Any],
    field: str = "perms",
) -> None:
    """Change ``type_``'s ``perms`` (or ``county_perms``): action -> permission, None removes."""
    t = registry.REGISTRY[type_]
    current: Mapping[str, Any] = getattr(t, field)
    merged = {**current, **changes}
    kept = {k: v for k, v in merged.items() if v is not None}
    new = dataclasses.replace(t, **{field: kept})  # type: ignore[arg-type]
    table = {**registry.REGISTRY, type_: new}
    monkeypatch.setattr(registry, "REGISTRY", MappingProxyType(table))

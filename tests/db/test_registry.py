"""The record-type registry is complete and names only real columns.

A synced table without an entry would not sync at all (or, worse, sync with every field
clinic-owned); an entry naming a column that does not exist would silently protect nothing.
"""

from __future__ import annotations

import dataclasses

import pytest

from app import registry
from app.db import all_models  # noqa: F401  (every table on Base.metadata)
from app.db.base import Base, SyncColumns
from app.domain.roles import Perm


def synced_models() -> set[type]:
    return {m.class_ for m in Base.registry.mappers if issubclass(m.class_, SyncColumns)}


def test_every_synced_table_has_exactly_one_entry() -> None:
    declared = [t.model for t in registry.TYPES]
    assert len(declared) == len(set(declared)), "a model declared twice"
    missing = {m.__name__ for m in synced_models() - set(declared)}
    assert missing == set(), f"synced tables without a registry entry: {missing}"
    assert len({t.name for t in registry.TYPES}) == len(registry.TYPES)


@pytest.mark.parametrize("t", registry.TYPES, ids=lambda t: t.name)
def test_entry_names_only_columns_of_its_table(t: registry.RecordType) -> None:
    cols = t.columns()
    for what, names in t.declared_fields().items():
        assert names <= cols, f"{t.name}.{what} names no such column: {sorted(names - cols)}"
    # A field has one owner: the county's answers are never the clinic's part, nor local.
    assert not (t.county_fields & t.clinic_fields)
    assert not (t.local_fields & (t.county_fields | t.clinic_fields))
    assert not (t.local_fields & registry.META)
    assert (t.derive is None) == (not t.derived_fields)
    assert t.label and not t.label.isascii()
    assert "view" in t.perms and all(isinstance(p, Perm) for p in t.perms.values())


def test_a_missing_entry_or_a_wrong_column_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two tests above really fail on the mistakes they are for."""
    without_staff = tuple(t for t in registry.TYPES if t.name != "staff")
    monkeypatch.setattr(registry, "TYPES", without_staff)
    with pytest.raises(AssertionError, match="Staff"):
        test_every_synced_table_has_exactly_one_entry()
    monkeypatch.undo()
    bad = registry.RecordType(
        "referral",
        registry.entry("referral").model,
        "转诊单",
        county_fields=frozenset({"received_at", "recieved_by"}),
        perms={"view": Perm.REFERRAL_VIEW},
    )
    with pytest.raises(AssertionError, match="recieved_by"):
        test_entry_names_only_columns_of_its_table(bad)
    # a follow-up visit's form field that is not a column of its table (a form-only field
    # such as the heart rate lives in the visit's ``form``, not in a column)
    visit = registry.entry("followup_visit")
    assert "doctor" in visit.form_fields
    wrong = dataclasses.replace(visit, form_fields=(*visit.form_fields, "heart_rate"))
    with pytest.raises(AssertionError, match="form_fields names no such column.*heart_rate"):
        test_entry_names_only_columns_of_its_table(wrong)


def test_lookups() -> None:
    assert registry.model("patient") is registry.entry("patient").model
    assert registry.get("no_such_type") is None and registry.model("no_such_type") is None
    assert registry.label("referral") == "转诊单" and registry.label("x") == "x"
    referral = registry.entry("referral")
    assert registry.for_model(referral.model) is referral
    assert referral.perm("print") is Perm.REFERRAL_PRINT
    # the derived status follows the county's receipt, but never revives a cancelled one
    assert referral.derive is not None
    up = {"direction": "up", "status": "pending", "received_at": "2026-11-30T09:30:00"}
    assert referral.derive(up) == {"status": "received"}
    assert referral.derive({**up, "status": "cancelled"}) == {}

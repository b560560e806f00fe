"""Patients (居民): register, edit, void, find, and search as you type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from app.db.models import Patient
from app.domain import clinic_clock
from app.domain import patient as rules
from app.domain.codes import SEX, payment_label
from app.domain.errors import FieldError, NotFound, ValidationError
from app.domain.idcard import age_on, upgrade_15
from app.domain.names import pinyin_keys
from app.domain.search import QueryKind, classify, prefix_upper_bound
from app.services.context import Changes, ServiceContext
from app.services.recording import record_write

RECORD_TYPE = "patient"
EDITABLE = [f.name for f in fields(rules.PatientInput) if f.name != "extra"]


@dataclass(frozen=True)
class PatientRow:
    id: str
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    village: str
    address: str
    record_number: str
    payment_type: str
    allergies: str
    notes: str
    deleted: bool
    void_reason: str
    sync_state: str
    version: int
    updated_at: datetime

    @property
    def sex_label(self) -> str:
        return SEX.get(self.sex, "")

    @property
    def payment_label(self) -> str:
        return payment_label(self.payment_type)

    def age(self, on: date) -> int:
        return age_on(self.birth_date, on)

    def age_text(self, on: date | None = None) -> str:
        return f"{self.age(on or clinic_clock.today())}岁"

    def to_input(self) -> rules.PatientInput:
        return rules.PatientInput(**{k: getattr(self, k) for k in EDITABLE})


class DuplicateIdNumber(Exception):
    """An active patient already has this ID number; the caller may confirm and go on."""

    def __init__(self, existing: list[PatientRow]) -> None:
        self.existing = existing
        names = "、".join(p.name for p in existing)
        super().__init__(f"身份证号码已登记：{names}")


# Sort keys the table may ask for; names sort by pinyin, which is how clinics alphabetise.
SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "name": (Patient.name_pinyin, Patient.name),
    "sex": (Patient.sex,),
    "birth_date": (Patient.birth_date,),
    "id_number": (Patient.id_number,),
    "phone": (Patient.phone,),
    "village": (Patient.village,),
    "record_number": (Patient.record_number,),
    "updated_at": (Patient.updated_at,),
    "sync_state": (Patient.sync_state,),
}


ROW_COLUMNS = [getattr(Patient, f.name) for f in fields(PatientRow)]


def _clean(m: Mapping[Any, Any]) -> dict[str, Any]:
    d = dict(m)
    d["id_number"] = d["id_number"] or ""
    return d


def to_row(p: Patient) -> PatientRow:
    return PatientRow(
        id=p.id,
        name=p.name,
        sex=p.sex,
        birth_date=p.birth_date,
        id_number=p.id_number or "",
        phone=p.phone,
        village=p.village,
        address=p.address,
        record_number=p.record_number,
        payment_type=p.payment_type,
        allergies=p.allergies,
        notes=p.notes,
        deleted=p.deleted,
        void_reason=p.void_reason,
        sync_state=p.sync_state,
        version=p.version,
        updated_at=p.updated_at,
    )


def _prefix(col: Any, text: str, indexed: bool) -> ColumnElement[bool]:
    # ``col || ''`` hides the index from SQLite's planner: used for broad queries, whose page
    # is read faster by walking the sort column's index than by sorting every match.
    c = col if indexed else col.concat("")
    return and_(c >= text, c < prefix_upper_bound(text))


def search_condition(query: str, *, indexed: bool = True) -> ColumnElement[bool] | None:
    """Index-friendly match for a search box query (ranges, never ``LIKE 'x%'``)."""
    q = classify(query)
    if q.kind is QueryKind.EMPTY:
        return None
    t = q.text
    i = indexed
    if q.kind is QueryKind.NAME:
        return _prefix(Patient.name, t, i)
    if q.kind is QueryKind.PINYIN:
        return or_(
            _prefix(Patient.name_initials, t, i),
            _prefix(Patient.name_pinyin, t, i),
            _prefix(Patient.record_number, t.upper(), i),
        )
    if q.kind is QueryKind.DIGITS:
        terms = [_prefix(Patient.record_number, t, i), _prefix(Patient.phone, t, i)]
        if len(t) >= 4:
            # "last 4+ digits" of the ID number or phone: prefix of the reversed column.
            terms.append(_prefix(Patient.id_number_rev, t[::-1], i))
            terms.append(_prefix(Patient.phone_rev, t[::-1], i))
        if len(t) >= 6:
            terms.append(_prefix(Patient.id_number, t, i))
        if len(t) == 15:
            terms.append(Patient.id_number == upgrade_15(t))
        return or_(*terms)
    return or_(_prefix(Patient.record_number, t, i), _prefix(Patient.name, t, i))


class PatientService:
    # -- reading -------------------------------------------------------------------------
    def get(self, patient_id: str) -> PatientRow:
        self.ctx.require_action(RECORD_TYPE, "view")
        with self.ctx.reader() as s:
            p = s.get(Patient, patient_id)
            if p is None:
                raise NotFound(patient_id)
            return to_row(p)

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._table_size: int | None = None

    def search(
        self,
        query: str = "",
        *,
        offset: int = 0,
        limit: int = 100,
        sort: str = "updated_at",
        descending: bool = True,
        include_voided: bool = False,
    ) -> list[PatientRow]:
        """One page of patients matching ``query`` (name, pinyin, ID, phone, record no.)."""
        self.ctx.require_action(RECORD_TYPE, "view")
        cond = search_condition(query)
        where = [] if include_voided else [Patient.deleted.is_(False)]
        cols = (*SORT_COLUMNS.get(sort, (Patient.updated_at,)), Patient.id)
        order = [c.desc() if descending else c.asc() for c in cols]
        with self.ctx.reader() as s:
            stmt = select(*ROW_COLUMNS)
            if cond is not None:
                if sort == "updated_at" and self._is_broad(s, cond, offset + limit):
                    cond = search_condition(query, indexed=False)
                stmt = stmt.where(cond)  # type: ignore[arg-type]
            stmt = stmt.where(*where).order_by(*order).offset(offset).limit(limit)
            return [PatientRow(**_clean(r._mapping)) for r in s.execute(stmt)]

    def _is_broad(self, s: Session, cond: ColumnElement[bool], wanted: int) -> bool:
        """Whether walking the updated_at index beats sorting every match.

        Walking reads about wanted * N / matches rows, sorting reads all matches: walking wins
        past sqrt(wanted * N) matches. Counting up to that bound reads only the key indexes.
        (Only for the default sort by last change, which does not correlate with any search
        key; a name-ordered walk over a pinyin query would read most of the table.)
        """
        if self._table_size is None:
            self._table_size = int(
                s.scalar(select(func.max(literal_column("rowid"))).select_from(Patient)) or 0
            )
        bound = int((wanted * max(self._table_size, 1)) ** 0.5)
        capped = select(literal_column("1")).where(cond).limit(bound + 1).subquery()
        return int(s.scalar(select(func.count()).select_from(capped)) or 0) > bound

    def count(self, query: str = "", include_voided: bool = False) -> int:
        self.ctx.require_action(RECORD_TYPE, "view")
        stmt = select(func.count()).select_from(Patient)
        cond = search_condition(query)
        if cond is not None:
            stmt = stmt.where(cond)
        if not include_voided:
            stmt = stmt.where(Patient.deleted.is_(False))
        with self.ctx.reader() as s:
            return int(s.scalar(stmt) or 0)

    @staticmethod
    def _same_id(s: Session, number: str, exclude_id: str | None) -> list[PatientRow]:
        if not number:
            return []
        stmt = select(Patient).where(Patient.id_number == number, Patient.deleted.is_(False))
        if exclude_id:
            stmt = stmt.where(Patient.id != exclude_id)
        return [to_row(p) for p in s.scalars(stmt)]

    # -- writing -------------------------------------------------------------------------
    def create(self, data: rules.PatientInput, *, allow_duplicate: bool = False) -> PatientRow:
        self.ctx.require_action(RECORD_TYPE, "create")
        clean = rules.validate(data, self.ctx.today())
        with self.ctx.session() as s:
            dup = self._same_id(s, clean.id_number, None)
            if dup and not allow_duplicate:
                raise DuplicateIdNumber(dup)
            p = Patient()
            fill_patient(p, clean)
            detail = {"duplicate_of": [d.id for d in dup]} if dup else {}
            record_write(s, self.ctx, p, RECORD_TYPE, "create", detail, new=True)
            row = to_row(p)
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "create"))
        return row

    def update(
        self,
        patient_id: str,
        data: rules.PatientInput,
        *,
        expected_version: int | None = None,
        allow_duplicate: bool = False,
    ) -> PatientRow:
        self.ctx.require_action(RECORD_TYPE, "edit")
        clean = rules.validate(data, self.ctx.today())
        with self.ctx.session() as s:
            p = s.get(Patient, patient_id)
            if p is None:
                raise NotFound(patient_id)
            if p.deleted:
                raise ValidationError([FieldError("name", "voided", "该居民档案已作废，不能修改")])
            if expected_version is not None and p.version != expected_version:
                raise ValidationError(
                    [FieldError("name", "stale", "该档案已被他人修改，请关闭后重新打开")]
                )
            dup = self._same_id(s, clean.id_number, patient_id)
            if dup and not allow_duplicate and clean.id_number != (p.id_number or ""):
                raise DuplicateIdNumber(dup)
            before = to_row(p)
            fill_patient(p, clean)
            changed = [k for k in EDITABLE if getattr(before, k) != getattr(to_row(p), k)]
            if not changed:
                return before
            record_write(s, self.ctx, p, RECORD_TYPE, "edit", {"fields": changed})
            row = to_row(p)
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "edit"))
        return row

    def void(self, patient_id: str, reason: str) -> PatientRow:
        self.ctx.require_action(RECORD_TYPE, "void")
        reason = reason.strip()
        if not reason:
            raise ValidationError([FieldError("void_reason", "required", "请填写作废原因")])
        with self.ctx.session() as s:
            p = s.get(Patient, patient_id)
            if p is None:
                raise NotFound(patient_id)
            if p.deleted:
                return to_row(p)
            p.deleted = True
            p.void_reason = reason[:200]
            record_write(s, self.ctx, p, RECORD_TYPE, "void", {"reason": p.void_reason})
            row = to_row(p)
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "void"))
        return row

    def restore(self, patient_id: str) -> PatientRow:
        """Administrator: bring a voided resident back (a record voided by mistake).

        Refused while another live record holds the same ID number: restoring would make a
        duplicate; void or correct that one first."""
        self.ctx.require_action(RECORD_TYPE, "restore")
        with self.ctx.session() as s:
            p = s.get(Patient, patient_id)
            if p is None:
                raise NotFound(patient_id)
            if not p.deleted:
                return to_row(p)
            if p.id_number:
                other = s.scalar(
                    select(Patient.name).where(
                        Patient.id_number == p.id_number,
                        Patient.deleted.is_(False),
                        Patient.id != p.id,
                    )
                )
                if other is not None:
                    raise ValidationError(
                        [
                            FieldError(
                                "id_number",
                                "duplicate",
                                f"已有同一身份证号码的在册居民“{other}”，不能恢复",
                            )
                        ]
                    )
            was = p.void_reason
            p.deleted = False
            p.void_reason = ""
            record_write(s, self.ctx, p, RECORD_TYPE, "restore", {"void_reason_was": was})
            row = to_row(p)
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "restore"))
        return row


def fill_patient(p: Patient, clean: rules.PatientInput) -> None:
    """Set a resident's columns from validated input, with the search keys derived from it
    (pinyin, reversed ID number and phone). Every writer of a resident goes through this (the
    service, the sync engine's adoption of a county slip's resident)."""
    for column, value in patient_columns(clean).items():
        setattr(p, column, value)


def patient_columns(clean: rules.PatientInput) -> dict[str, Any]:
    """What a validated patient is stored as, with the derived search keys (pinyin keys,
    reversed ID number and phone): the service writes this, bulk writers insert it."""
    assert clean.birth_date is not None
    initials, full = pinyin_keys(clean.name)
    return {
        "name": clean.name,
        "name_initials": initials,
        "name_pinyin": full,
        "sex": clean.sex,
        "birth_date": clean.birth_date,
        "id_number": clean.id_number or None,
        "id_number_rev": clean.id_number[::-1] if clean.id_number else None,
        "phone": clean.phone,
        "phone_rev": clean.phone[::-1],
        "village": clean.village,
        "address": clean.address,
        "record_number": clean.record_number,
        "payment_type": clean.payment_type,
        "allergies": clean.allergies,
        "notes": clean.notes,
    }


def patient_row(
    data: rules.PatientInput,
    pid: str,
    code: str,
    version: int,
    created: datetime,
    updated: datetime,
    pending: bool,
) -> dict[str, Any]:
    """A whole ``patients`` row for bulk inserts (the benches' datasets): sync columns plus
    ``patient_columns``. ``data`` is any object with PatientInput's fields."""
    return {
        "id": pid,
        "clinic_code": code,
        "version": version,
        "created_at": created,
        "updated_at": updated,
        "deleted": False,
        "sync_state": "pending" if pending else "synced",
        "sync_error": None,
        **patient_columns(data),
        "void_reason": "",
    }

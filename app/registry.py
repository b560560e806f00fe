"""Every record type that syncs, declared once.

One ``RecordType`` per type: its name on the wire, its table, its Chinese label, who owns
which field, the fields that follow from others (and the rule), what the workstation does
when the county sends a new one, the fields its form or slip shows, and the permission each
action needs. The sync engine, the county hub (``county/store.py``), the referral office, the
同步 page and ``python -m app check`` read this module; nothing else decides whether or how
a type syncs. ``tests/db/test_registry.py`` fails when a synced table has no entry here or an
entry names a column its table does not have.

Ownership, for a record a clinic wrote (the usual case): the clinic owns every field except
``county_fields`` (the county's answers, e.g. a referral's receipt). For a record the county
wrote (a downward referral, ``clinic_code == "county"`` at the clinic): the county owns every
field except ``clinic_fields`` (the addressed clinic's acknowledgement). ``local_fields`` never
leave the PC. Whoever owns a field is the only side that may change it; the hub refuses (and
keeps) a write to the other side's field.

No Qt, and nothing from ``app.services`` at import time: the county hub imports this module.
The workstation's receive hooks are plain functions below that import their service when
called.

To add a record type: see docs/ARCHITECTURE.md, "Adding a record type".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from app.db.base import SyncColumns
from app.db.followup_models import ContactAttempt, FollowUpPlan, FollowUpVisit
from app.db.models import Patient
from app.db.referral_models import Referral, ReferralEvent
from app.db.training_models import (
    Secondment,
    Staff,
    SupportStationing,
    TrainingActivity,
    TrainingAttendance,
)
from app.domain.followup import VISIT_FORM_FIELDS
from app.domain.referral import REFERRAL_FORM_FIELDS, Direction, Status, status_after_answers
from app.domain.roles import OfficePerm, OfficeRole, Perm, office_allowed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.context import ServiceContext

COUNTY = "county"  # clinic_code (and hub owner) of records the county hospital wrote
NOT_SENT = frozenset({"sync_state", "sync_error"})  # the PC's own bookkeeping, every type
META = frozenset({"created_at", "updated_at"})  # no owner: the latest writer sets them

Receive = Callable[["Session", "ServiceContext", Any], None]
# (session, context, new rows of one pull page) -> a bulk writer with take(row) -> bool,
# .pending and write() (see ``app.sync.adopt.ReferralPage``)
ReceivePage = Callable[["Session", "ServiceContext", list[dict[str, Any]]], Any]
Derive = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class RecordType:
    name: str  # on the wire, in the outbox and the audit log
    model: type[SyncColumns]
    label: str  # Chinese, as the 同步 page lists it
    # Ownership (see the module docstring)
    county_fields: frozenset[str] = frozenset()
    clinic_fields: frozenset[str] = frozenset()
    local_fields: frozenset[str] = frozenset()
    # NOT NULL columns the clinic fills when it stores a record the county wrote (the hub does
    # not require them of the county).
    receiver_fills: frozenset[str] = frozenset()
    # Fields that follow from others by ``derive`` (same rule on hub and clinic): ``derive``
    # takes the record's wire values and returns the derived fields that change.
    derived_fields: frozenset[str] = frozenset()
    derive: Derive | None = None
    # The workstation stores a new record the county wrote with this (default: as it came).
    receive: Receive | None = None
    # ... and a pull page's new records of this type in bulk (same rows as ``receive``)
    receive_page: ReceivePage | None = None
    # May the county write new records of this type for a clinic (a downward referral)?
    county_creates: bool = False
    # The field holding the resident a record concerns (the 同步 page names them), if any.
    patient_field: str | None = None
    # The fields the record's form or printed slip shows, in order.
    form_fields: tuple[str, ...] = ()
    # Action -> the permission it needs at the clinic ("view", "create", "edit", ...).
    perms: Mapping[str, Perm] = field(default_factory=dict)
    # Action -> the permission it needs at the county referral office (``county/office``; the
    # office's roles are in ``app.domain.roles``): what the office pages offer, and what the
    # hub's county-side writes (``county/store.py``) accept from a signed-in account.
    county_perms: Mapping[str, OfficePerm] = field(default_factory=dict)

    @property
    def table_name(self) -> str:
        return str(getattr(self.model, "__tablename__"))  # noqa: B009 (mixin: not typed)

    def columns(self) -> frozenset[str]:
        table: Any = getattr(self.model, "__table__")  # noqa: B009 (mixin: not typed)
        return frozenset(c.key for c in table.columns)

    def perm(self, action: str) -> Perm:
        return self.perms[action]

    def actions(self) -> frozenset[str]:
        """Every action this type declares a permission for."""
        return frozenset(self.perms)

    def declared_fields(self) -> dict[str, frozenset[str]]:
        """Every field set this entry names (for the test that they are real columns)."""
        return {
            "county_fields": self.county_fields,
            "clinic_fields": self.clinic_fields,
            "local_fields": self.local_fields,
            "receiver_fills": self.receiver_fills,
            "derived_fields": self.derived_fields,
            "form_fields": frozenset(self.form_fields),
            "patient_field": frozenset({self.patient_field} if self.patient_field else ()),
        }


# --- rules and hooks the entries name -----------------------------------------------------


def referral_status(values: Mapping[str, Any]) -> dict[str, Any]:
    """A referral's status follows from the county's answers (receipt, rejection, arrival),
    moving only along county-side transitions allowed from the current status: a referral
    the clinic cancelled stays cancelled when the receipt arrives later."""
    try:
        direction, current = Direction(values["direction"]), Status(values["status"])
    except (KeyError, ValueError):
        return {}
    status = status_after_answers(
        direction,
        current,
        received=bool(values.get("received_at")),
        rejected=bool(values.get("rejected_reason")),
        arrived=bool(values.get("arrived_at")),
    )
    return {"status": status.value} if status is not current else {}


def receive_referral(s: Session, ctx: ServiceContext, rec: Any) -> None:
    """A downward referral the county wrote: attached to a resident here, its plan started."""
    from app.sync.adopt import receive_referral as receive

    receive(s, ctx, rec)


def receive_referral_page(s: Session, ctx: ServiceContext, rows: list[dict[str, Any]]) -> Any:
    from app.sync.adopt import ReferralPage

    return ReferralPage(s, ctx, rows)


# --- the entries --------------------------------------------------------------------------

_REFERRAL_FORM = REFERRAL_FORM_FIELDS

_FOLLOWUP = {
    "view": Perm.FOLLOWUP_VIEW,
    "create": Perm.FOLLOWUP_RECORD,
    "edit": Perm.FOLLOWUP_RECORD,
    "status": Perm.FOLLOWUP_RECORD,  # a plan paused, ended, resumed
}
_TRAINING = {"view": Perm.TRAINING_VIEW, "create": Perm.TRAINING_EDIT, "edit": Perm.TRAINING_EDIT}

TYPES: tuple[RecordType, ...] = (
    RecordType(
        "patient",
        Patient,
        "居民",
        patient_field="id",
        form_fields=(
            "name",
            "sex",
            "birth_date",
            "id_number",
            "phone",
            "village",
            "address",
            "record_number",
            "payment_type",
            "allergies",
            "notes",
        ),
        perms={
            "view": Perm.PATIENT_VIEW,
            "create": Perm.PATIENT_CREATE,
            "edit": Perm.PATIENT_EDIT,
            "void": Perm.PATIENT_VOID,
            "restore": Perm.USER_MANAGE,  # an administrator brings a voided record back
        },
    ),
    RecordType(
        "referral",
        Referral,
        "转诊单",
        # The county's answers to an upward referral (with the booking given on receipt,
        # 预约到诊时间, and when it refused). The clinic shows them read-only.
        county_fields=frozenset(
            {
                "received_at",
                "receiving_doctor",
                "rejected_reason",
                "arrived_at",
                "county_note",
                "appointment_at",
                "rejected_at",
            }
        ),
        # The clinic's part of a downward referral the county wrote: its acknowledgement, and
        # which of its residents the slip is attached to; and on every referral the 回执 the
        # clinic heard by phone or read on paper (the county's own answer wins on its fields).
        clinic_fields=frozenset(
            {
                "status",
                "acknowledged_at",
                "clinic_arrived_at",
                "completed_at",
                "cancel_reason",
                "patient_id",
                "feedback_method",
                "feedback_by",
                "feedback_at",
                "feedback_result",
                "feedback_reason",
                "feedback_arrived_at",
            }
        ),
        local_fields=frozenset({"print_count"}),  # how often this PC printed the slip
        receiver_fills=frozenset({"patient_id"}),
        derived_fields=frozenset({"status"}),
        derive=referral_status,
        receive=receive_referral,
        receive_page=receive_referral_page,
        county_creates=True,
        patient_field="patient_id",
        form_fields=_REFERRAL_FORM,
        perms={
            "view": Perm.REFERRAL_VIEW,
            "create": Perm.REFERRAL_CREATE,
            "edit": Perm.REFERRAL_CREATE,  # a draft
            "submit": Perm.REFERRAL_CREATE,  # a draft sent (待接收)
            "complete": Perm.REFERRAL_CREATE,  # an upward referral closed (转诊完成)
            "cancel": Perm.REFERRAL_CANCEL,
            "ack": Perm.REFERRAL_ACK,  # a downward referral's receipt and arrival
            "feedback": Perm.REFERRAL_ACK,  # a 回执 heard by phone or read on paper
            "print": Perm.REFERRAL_PRINT,
        },
        county_perms={
            "view": OfficePerm.REFERRALS,  # the list and a slip (a department: its own)
            "receive": OfficePerm.ANSWER,  # 接收 (with the booking)
            "reject": OfficePerm.ANSWER,  # 回执: refused, with the reason
            "arrive": OfficePerm.ANSWER,  # 到院
            "create": OfficePerm.WRITE_DOWN,  # 下转: a 回转单 for a clinic
            "edit": OfficePerm.WRITE_DOWN,  # a 回转单 the county wrote, changed
            "print": OfficePerm.PRINT,
        },
    ),
    RecordType(
        "referral_event",
        ReferralEvent,
        "转诊记录",
        perms={"view": Perm.REFERRAL_VIEW},  # written by the referral's own actions
    ),
    RecordType(
        "followup_plan", FollowUpPlan, "随访计划", patient_field="patient_id", perms=_FOLLOWUP
    ),
    RecordType(
        "followup_visit",
        FollowUpVisit,
        "随访记录",
        patient_field="patient_id",
        form_fields=VISIT_FORM_FIELDS,
        perms=_FOLLOWUP,
    ),
    RecordType(
        "followup_contact",
        ContactAttempt,
        "随访联系",
        perms={"view": Perm.FOLLOWUP_VIEW, "create": Perm.FOLLOWUP_CONTACT},
    ),
    RecordType(
        "staff",
        Staff,
        "人员",
        perms={"view": Perm.TRAINING_VIEW, "create": Perm.STAFF_EDIT, "edit": Perm.STAFF_EDIT},
    ),
    RecordType(
        "training_activity",
        TrainingActivity,
        "培训活动",
        # voided with its attendance; moved along planned / sheet printed / closed
        perms={**_TRAINING, "void": Perm.TRAINING_EDIT, "status": Perm.TRAINING_EDIT},
    ),
    RecordType("training_attendance", TrainingAttendance, "培训签到", perms=_TRAINING),
    RecordType("secondment", Secondment, "进修", perms=_TRAINING),
    RecordType("support_stationing", SupportStationing, "驻点帮扶", perms=_TRAINING),
)

REGISTRY: Mapping[str, RecordType] = MappingProxyType({t.name: t for t in TYPES})
_BY_MODEL: Mapping[type, RecordType] = MappingProxyType({t.model: t for t in TYPES})


def get(name: str) -> RecordType | None:
    """The entry for a wire name; None for a type this version does not know."""
    return REGISTRY.get(name)


def entry(name: str) -> RecordType:
    return REGISTRY[name]


def for_model(cls: type) -> RecordType:
    return _BY_MODEL[cls]


def model(name: str) -> type[SyncColumns] | None:
    t = REGISTRY.get(name)
    return None if t is None else t.model


def label(name: str) -> str:
    t = REGISTRY.get(name)
    return name if t is None else t.label


def county_permission(name: str, action: str) -> OfficePerm | None:
    """The office permission ``action`` on a record type needs; None: none declared (then no
    office account may do it)."""
    t = REGISTRY.get(name)
    return None if t is None else t.county_perms.get(action)


def office_may(role: OfficeRole | str, name: str, action: str) -> bool:
    """Whether an office account of ``role`` may do ``action`` to a record type."""
    perm = county_permission(name, action)
    return perm is not None and office_allowed(role, perm)


def permission(name: str, action: str) -> Perm | None:
    """The clinic permission ``action`` on a record type needs; None when the registry
    declares none (then nobody may do it: the services refuse an undeclared action)."""
    t = REGISTRY.get(name)
    return None if t is None else t.perms.get(action)

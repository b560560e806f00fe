"""Who may write what on a synced record: the hub's checks, as pure functions.

Every function takes (record type, the stored record, the incoming write, the side that
writes) and returns None when the write may be stored, else the reason in Chinese naming
the field by its label. The hub calls ``check_write`` for every change a clinic pushes and
every answer the county gives (office page or command line alike).

The rules, for every type:

- **Ownership.** A side writes only the fields it owns (``Ownership``): on a clinic's own
  record everything but the county's answers; on a record the county wrote only the clinic's
  part. A field the writer does not own may come along unchanged, never different.
- **Voiding.** Only the author voids (``deleted``); a voided record is frozen: nothing of it
  changes again, and it is never restored.
- **Per type** (``TYPE_RULES``): for a referral, the status machine of
  ``app.domain.referral`` — see ``referral_rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain import referral as rf
from app.domain.field_labels import field_label, field_labels
from app.domain.referral import Direction, Side, Status

META = frozenset({"created_at", "updated_at"})  # whoever writes last sets them


@dataclass(frozen=True)
class Ownership:
    """The fields of a type that are not its author's: the county's answers on a clinic's
    record (``county_fields``), the clinic's part of a record the county wrote
    (``clinic_fields``)."""

    county_fields: frozenset[str] = frozenset()
    clinic_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Stored:
    """The record as the hub holds it."""

    data: Mapping[str, Any]
    deleted: bool = False
    county_wrote: bool = False


@dataclass(frozen=True)
class Incoming:
    """What a side sends: the fields it sends (not necessarily all) and the void flag."""

    data: Mapping[str, Any]
    deleted: bool = False
    fields_sent: frozenset[str] = field(default_factory=frozenset)


def owns(side: Side, own: Ownership, county_wrote: bool, key: str) -> bool:
    """Whether ``side`` owns ``key`` on a record the county (or a clinic) wrote."""
    if key in META:
        return True
    author = Side.COUNTY if county_wrote else Side.CLINIC
    if side is author:
        return key not in (own.clinic_fields if county_wrote else own.county_fields)
    return key in (own.clinic_fields if county_wrote else own.county_fields)


def _empty(v: Any) -> bool:
    return v is None or v == ""


# Record types whose author may bring a voided record back (an administrator's 恢复).
RESTORABLE = frozenset({"patient"})


def check_write(
    type_: str, own: Ownership, stored: Stored | None, incoming: Incoming, side: Side
) -> str | None:
    """None when ``side`` may write ``incoming`` over ``stored`` (None: a new record, which
    ``side`` then authors), else why not."""
    data = incoming.data
    if stored is None:
        if side is Side.CLINIC:
            theirs = {k for k in own.county_fields if not _empty(data.get(k))}
            if theirs:
                return "以下内容由县医院填写，卫生院不能填写：" + field_labels(type_, theirs)
    else:
        author = Side.COUNTY if stored.county_wrote else Side.CLINIC
        if stored.deleted:
            changed = {
                k for k in data if k not in META and _differs(data.get(k), stored.data.get(k))
            }
            if not incoming.deleted:
                # A resident voided by mistake may be restored by the clinic that wrote it: an
                # administrator's 恢复 clears the void reason and changes nothing else. Any
                # other un-void (a stale copy still carrying its reason) stays refused.
                restore = (
                    type_ in RESTORABLE
                    and side is author
                    and _empty(data.get("void_reason"))
                    and not changed - {"void_reason"}
                )
                if not restore:
                    return "记录已作废，不能恢复"
            elif changed:
                return "记录已作废，不能再修改：" + field_labels(type_, changed)
        if incoming.deleted and not stored.deleted and side is not author:
            return (
                "这是县医院写的记录，卫生院不能作废"
                if author is Side.COUNTY
                else "这是卫生院的记录，县医院不能作废"
            )
        foreign = {
            k
            for k in data
            if not owns(side, own, stored.county_wrote, k)
            and _differs(data.get(k), stored.data.get(k))
        }
        if foreign:
            who = "县医院" if side is Side.CLINIC else "卫生院"
            return f"以下内容由{who}负责，不能修改：" + field_labels(type_, foreign)
    rule = TYPE_RULES.get(type_)
    return rule(stored, incoming, side) if rule is not None else None


def _differs(a: Any, b: Any) -> bool:
    return not (_empty(a) and _empty(b)) and a != b


# --- referral ---------------------------------------------------------------------------

# What the record must carry once it reaches a status (the clinic's service writes these with
# the move): a forged status without them is not a move the clinic made.
EVIDENCE: dict[tuple[Direction, Status], str] = {
    (Direction.UP, Status.COMPLETED): "completed_at",
    (Direction.DOWN, Status.RECEIVED): "acknowledged_at",
    (Direction.DOWN, Status.ARRIVED): "clinic_arrived_at",
    (Direction.DOWN, Status.COMPLETED): "completed_at",
}
# Where a move's required reason is kept (TRANSITIONS says which moves need one).
REASON_FIELD: dict[tuple[Direction, Side], str] = {
    (Direction.UP, Side.CLINIC): "cancel_reason",
    (Direction.DOWN, Side.CLINIC): "cancel_reason",
    (Direction.UP, Side.COUNTY): "rejected_reason",
}
# Where a record starts when its author creates it: a clinic's upward slip as a draft, a
# downward slip (the county's, or a paper one the clinic copies in) as pending.
START = {Direction.UP: Status.DRAFT, Direction.DOWN: Status.PENDING}


def _reach(direction: Direction, start: Status, side: Side) -> set[Status]:
    """Every status ``side`` can reach from ``start`` by its own moves (any number: a clinic
    offline for a week may acknowledge, record the arrival and close in one upload)."""
    seen, todo = {start}, [start]
    while todo:
        cur = todo.pop()
        for nxt in rf.allowed_targets(direction, cur, side):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _reached_before(direction: Direction, current: Status, other: Side) -> set[Status]:
    """Statuses the writer may still believe the record is in: ``current`` and every status
    from which the other side's moves lead to it (its answer has not been pulled yet)."""
    return {s for s in Status if current in _reach(direction, s, other)}


def _status(value: Any) -> Status | None:
    try:
        return Status(value) if isinstance(value, str) else None
    except ValueError:
        return None


def referral_rule(stored: Stored | None, incoming: Incoming, side: Side) -> str | None:
    """Status moves a side pushes follow its side of the status machine.

    The status a writer sends is first read with the answers the hub already holds (a
    clinic's stale "待接收" over a receipt it has not pulled is no move). It must then be
    reachable by the writer's own moves from the stored status, or from a status the other
    side has moved on from meanwhile (a clinic's cancel crossing the county's receipt); a
    new record from where its author starts. The other side's statuses come only through
    its answers; a move that needs a reason, or leaves a mark (a completion time), carries
    it. Direction never changes.
    """
    new = incoming.data
    old = stored.data if stored is not None else {}
    if side is Side.COUNTY and stored is not None and not stored.county_wrote:
        return county_answer_rule(stored, incoming)
    merged = {**old, **new}
    try:
        direction = Direction(str(merged.get("direction")))
    except ValueError:
        return "转诊方向应为“上转”或“下转”"
    if stored is not None and "direction" in new and new["direction"] != old.get("direction"):
        return "转诊方向不能修改"
    if "status" not in new and stored is not None:
        return None
    target = _status(merged.get("status"))
    if target is None:
        return f"{field_label('referral', 'status')}不是有效的状态"
    target = rf.status_after_answers(
        direction,
        target,
        received=bool(merged.get("received_at")),
        rejected=bool(merged.get("rejected_reason")),
        arrived=bool(merged.get("arrived_at")),
    )
    other = Side.COUNTY if side is Side.CLINIC else Side.CLINIC
    if stored is None:
        starts = {START[direction]}
    else:
        current = _status(old.get("status"))
        if current is None:
            return None  # an unreadable stored status: the write repairs it
        if target is current:
            return None
        starts = _reached_before(direction, current, other)
    if not any(target in _reach(direction, s, side) for s in starts):
        name = rf.STATUS_NAMES[target]
        if any(target in _reach(direction, s, other) for s in Status):
            who, me = ("县医院", "卫生院") if other is Side.COUNTY else ("卫生院", "县医院")
            return f"“{name}”只能由{who}确认，{me}不能改为此状态"
        frm = rf.STATUS_NAMES[_status(old.get("status")) or START[direction]]
        return f"{rf.DIRECTION_NAMES[direction]}转诊单不能从“{frm}”改为“{name}”"
    mark = EVIDENCE.get((direction, target))
    if mark and side is Side.CLINIC and _empty(merged.get(mark)):
        return f"改为“{rf.STATUS_NAMES[target]}”须有{field_label('referral', mark)}"
    needs_reason = any(
        d is direction and to is target and who is side and reason
        for (d, _frm, to), (who, reason) in rf.TRANSITIONS.items()
    )
    key = REASON_FIELD.get((direction, side))
    if needs_reason and key and _empty(merged.get(key)):
        return f"改为“{rf.STATUS_NAMES[target]}”须填写{field_label('referral', key)}"
    return None


# The county's answers to a clinic's upward referral, each the move it makes, in the order
# they can happen.
ANSWERS: tuple[tuple[str, Status], ...] = (
    ("received_at", Status.RECEIVED),
    ("rejected_reason", Status.REJECTED),
    ("arrived_at", Status.ARRIVED),
)


def county_answer_rule(stored: Stored, incoming: Incoming) -> str | None:
    """The county's answer to a clinic's referral, as the office form allows it: only to an
    upward referral; each answer a county move from where the referral is (as the county
    sees it, its earlier answers applied); a receipt names the receiving doctor; a
    rejection gives its reason."""
    old, new = stored.data, incoming.data
    if old.get("direction") != Direction.UP.value:
        return "只能答复卫生院的上转单"
    current = _status(old.get("status"))
    if current is None:
        return f"{field_label('referral', 'status')}不是有效的状态"
    current = rf.status_after_answers(
        Direction.UP,
        current,
        received=bool(old.get("received_at")),
        rejected=bool(old.get("rejected_reason")),
        arrived=bool(old.get("arrived_at")),
    )
    for key, target in ANSWERS:
        if key not in new:
            continue
        if _empty(new.get(key)):  # an answer is given, never taken back
            return f"请填写{field_label('referral', key)}"
        if not _differs(new.get(key), old.get(key)):
            continue  # the same answer again
        reason = str(new.get("rejected_reason") or "") if target is Status.REJECTED else ""
        try:
            rf.check_transition(Direction.UP, current, target, Side.COUNTY, reason)
        except rf.TransitionRefused as e:
            return e.message
        current = target
    if not _empty(new.get("received_at")) and _empty(
        new.get("receiving_doctor", old.get("receiving_doctor"))
    ):
        return f"请填写{field_label('referral', 'receiving_doctor')}"
    return None


# Per-type rules beyond ownership and voiding, by wire type (the record-type registry may
# point at these).
TYPE_RULES: dict[str, Callable[[Stored | None, Incoming, Side], str | None]] = {
    "referral": referral_rule,
}

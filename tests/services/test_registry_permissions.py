"""The services check a record type's permissions where the registry declares them.

The static half reads the service modules' own code: every write transaction that stores a
synced record (``record_write``) first checks the registry's permission for a type it
writes (``ctx.require_action``), and every action it names is declared. Nobody lists the
write actions by hand: a new service write without a registry permission fails here.

The behavioural half changes the registry and watches the service and the page follow.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from app import registry
from app.domain.errors import PermissionDenied
from app.domain.patient import PatientInput
from app.domain.referral import Direction, ReferralInput, Side, Status, allowed_targets
from app.domain.roles import Perm
from app.services.bundle import AppServices
from app.services.referrals import status_action
from tests.conftest import login_as
from tests.registry_swap import swap_perms as swap

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"


@dataclasses.dataclass
class Fn:
    name: str
    node: ast.FunctionDef
    cls: str | None
    calls: set[tuple[str | None, str]] = dataclasses.field(default_factory=set)
    writes: set[str] = dataclasses.field(default_factory=set)  # record types
    checks: set[str] = dataclasses.field(default_factory=set)  # record types
    perm_checks: list[str] = dataclasses.field(default_factory=list)  # require(Perm.X)
    opens_write: bool = False


def _constants(tree: ast.Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets[0]
            names = targets.elts if isinstance(targets, ast.Tuple) else [targets]
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            for t, v in zip(names, values, strict=False):
                if isinstance(t, ast.Name) and isinstance(v, ast.Constant):
                    out[t.id] = v.value if isinstance(v.value, str) else ""
    return out


def _value(node: ast.expr, consts: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    return None


def _module_functions(path: Path) -> tuple[dict[tuple[str | None, str], Fn], list[str]]:
    """Every function and method of a service module, with what it calls, writes and
    checks; and the (type, action) pairs its ``require_action`` calls name, unresolved
    ones marked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    consts = _constants(tree)
    fns: dict[tuple[str | None, str], Fn] = {}
    problems: list[str] = []

    def visit(node: ast.FunctionDef, cls: str | None) -> None:
        fn = Fn(node.name, node, cls)
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            f = sub.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                if f.value.id == "self":
                    fn.calls.add((cls, name))
            elif isinstance(f, ast.Name):
                fn.calls.add((None, name))
            if name == "record_write" and len(sub.args) >= 4:
                t = _value(sub.args[3], consts)
                fn.writes.add(t or "?")
                if t is None:
                    problems.append(f"{path.name}:{sub.lineno} record_write of an unknown type")
            elif name == "require_action":
                t = _value(sub.args[0], consts)
                action = _value(sub.args[1], consts)
                if t is None or registry.get(t) is None:
                    problems.append(f"{path.name}:{sub.lineno} require_action of no registry type")
                    continue
                fn.checks.add(t)
                if action is not None and action not in registry.entry(t).perms:
                    problems.append(f"{path.name}:{sub.lineno} {t}.{action} has no permission")
            elif name == "require" and sub.args:
                fn.perm_checks.append(ast.unparse(sub.args[0]))
            elif name == "session" and isinstance(f, ast.Attribute):
                fn.opens_write = True
        fns[(cls, node.name)] = fn

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            visit(node, None)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    visit(item, node.name)
    return fns, problems


def _closure(fns: dict[tuple[str | None, str], Fn], start: Fn, attr: str) -> set[str]:
    """``attr`` (writes / checks) of ``start`` and of everything it calls in its module."""
    seen, todo, out = {(start.cls, start.name)}, [start], set()
    while todo:
        fn = todo.pop()
        out |= getattr(fn, attr)
        for cls, name in fn.calls:
            callee = fns.get((cls, name)) or fns.get((None, name))
            if callee is not None and (callee.cls, callee.name) not in seen:
                seen.add((callee.cls, callee.name))
                todo.append(callee)
    return out


def write_transactions() -> list[tuple[str, Fn, set[str], set[str], list[str]]]:
    """(where, function, types written, types checked, other checks) of every function in
    app/services that opens a write transaction storing a synced record."""
    out = []
    for path in sorted(SERVICES.glob("*.py")):
        fns, _ = _module_functions(path)
        for fn in fns.values():
            if not fn.opens_write:
                continue
            writes = _closure(fns, fn, "writes")
            if writes:
                where = f"{path.name}:{fn.cls + '.' if fn.cls else ''}{fn.name}"
                out.append((where, fn, writes, _closure(fns, fn, "checks"), fn.perm_checks))
    return out


def test_every_write_transaction_checks_a_registry_permission_of_what_it_writes() -> None:
    found = write_transactions()
    # the scan sees the services' writes (patients, referrals, follow-ups, training, 回执)
    assert len(found) >= 15, [w for w, *_ in found]
    written = set().union(*(w for _, _, w, _, _ in found))
    assert written == {t.name for t in registry.TYPES}, written
    bad = [
        f"{where} writes {sorted(writes)} and checks {sorted(checks) or 'nothing'}"
        for where, _fn, writes, checks, _perms in found
        if not writes & checks
    ]
    assert bad == []
    # a synced record's write is never let through by a permission named outside the registry
    assert [(w, p) for w, _f, _wr, _c, p in found if p] == []


def test_every_action_the_services_name_is_declared_in_the_registry() -> None:
    problems = [p for path in sorted(SERVICES.glob("*.py")) for p in _module_functions(path)[1]]
    assert problems == []
    # the referral's status moves name their action at run time: each clinic move's action
    moves = {t for d in Direction for s in Status for t in allowed_targets(d, s, Side.CLINIC)}
    assert moves, "the clinic makes status moves"
    for target in moves:
        assert status_action(target) in registry.entry("referral").perms, target


def test_the_scan_sees_a_write_without_a_permission(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "R = 'referral'\n"
        "class S:\n"
        "    def sneak(self):\n"
        "        with self.ctx.session() as s:\n"
        "            self._w(s)\n"
        "    def _w(self, s):\n"
        "        record_write(s, self.ctx, r, R, 'edit')\n"
        "    def typo(self):\n"
        "        self.ctx.require_action(R, 'edti')\n",
        encoding="utf-8",
    )
    fns, problems = _module_functions(bad)
    assert _closure(fns, fns[("S", "sneak")], "writes") == {"referral"}
    assert _closure(fns, fns[("S", "sneak")], "checks") == set()
    assert problems == ["bad.py:9 referral.edti has no permission"]


# --- the registry changes, the service follows ----------------------------------------------


Swap = Callable[..., None]


@pytest.fixture
def swap_perms(monkeypatch: pytest.MonkeyPatch) -> Swap:
    """Change a type's permissions in the registry for one test (None removes one)."""

    def change(type_: str, **changes: Perm | None) -> None:
        swap(monkeypatch, type_, changes)

    return change


def test_a_permission_changed_in_the_registry_is_the_one_the_service_checks(
    services: AppServices, swap_perms: Swap
) -> None:
    resident = PatientInput(name="王建国", sex="1", birth_date=date(1958, 3, 1))
    login_as(services, "nurse")
    services.patients.create(resident)  # a nurse registers residents
    # The registry moves "create" to the right to void: the nurse is refused, by that name.
    swap_perms("patient", create=Perm.PATIENT_VOID)
    with pytest.raises(PermissionDenied, match="护士无权作废居民档案"):
        services.patients.create(resident)
    assert services.patients.count() == 1
    # ... and a nurse, who writes no slips, may once the registry gives "create" to printers.
    patient_id = services.patients.search("王建国")[0].id
    with pytest.raises(PermissionDenied):
        services.referrals.create_upward(ReferralInput(patient_id=patient_id), submit=False)
    swap_perms("referral", create=Perm.REFERRAL_PRINT)
    draft = services.referrals.create_upward(ReferralInput(patient_id=patient_id), submit=False)
    assert draft.status == "draft"
    # An action the registry declares no permission for is nobody's, not everybody's.
    login_as(services, "admin")
    swap_perms("patient", void=None)
    with pytest.raises(PermissionDenied, match="居民的此项操作未设权限"):
        services.patients.void(patient_id, "录错")
    assert not services.patients.get(patient_id).deleted

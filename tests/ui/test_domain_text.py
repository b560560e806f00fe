"""The domain's Chinese labels and the services' Chinese messages have English for the UI.

The messages are found by reading the source (ast), not from a list kept by hand: every
Chinese string (an f-string becomes a template, its values ``%1``, ``%2``...) given to a
``raise``, to ``FieldError``, to an outcome or report the UI shows, or returned by a function
whose name says it makes a message, in app/domain, app/services and app/sync. Each must come
out of the English catalogue with no Chinese character left.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.ui import domain_text
from app.ui.domain_text import CJK, Catalogue

ROOT = Path(__file__).resolve().parents[2]
MESSAGE_SOURCES = (
    "app/domain",
    "app/services",
    "app/sync",
    "app/db",
    # the hub's answers a clinic shows on its 同步 page (a refused record, a refused batch)
    "county/api.py",
    "county/store.py",
    "county/wire.py",
    "county/logsafe.py",
)
# Calls whose Chinese arguments the UI shows (besides the exceptions the modules define).
MESSAGE_CALLS = {
    "FieldError",
    "Failure",
    "ConnectionReport",
    "RoundReport",
    "TransitionRefused",
    "__init__",  # super().__init__(message) in an exception
}
# Functions whose returned text is a message (the hub's refusals on the 同步 page too).
MESSAGE_FUNCTIONS = re.compile(r"message|reason|hint|problem|_rule$|^check_")
# Modules only the command line, the printed forms or the hub use.
NOT_SHOWN = {
    "app/domain/consortium.py",  # the county's statistics pages and Excel
    "app/domain/audit_chain.py",  # `check`'s report
    "app/services/stats.py",  # the printed/exported report; the screen uses app/ui/stats_text
    "app/services/stats_kaohe.py",
}


def _template(node: ast.AST) -> str | None:
    """A string, an f-string or a sum of strings as one template, the values ``%1``, ``%2``."""
    parts: list[str | None] = []  # None: a value

    def flatten(n: ast.AST) -> None:
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            parts.append(n.value)
        elif isinstance(n, ast.JoinedStr):
            for v in n.values:
                parts.append(str(v.value) if isinstance(v, ast.Constant) else None)
        elif isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            flatten(n.left)
            flatten(n.right)
        else:
            parts.append(None)

    if not isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp):
        return None
    flatten(node)
    # a str.format template ("…{where}…") varies where its fields are
    split: list[str | None] = []
    for p in parts:
        if p is None:
            split.append(None)
            continue
        pieces = re.split(r"\{[a-z_0-9]*\}", p)
        for i, piece in enumerate(pieces):
            if i:
                split.append(None)
            split.append(piece)
    parts[:] = split
    if not any(isinstance(p, str) for p in parts):
        return None
    out, n = [], 0
    for p in parts:
        if p is None:
            n += 1
            out.append(f"%{n}")
        else:
            out.append(p)
    return "".join(out)


def _strings(node: ast.AST) -> list[str]:
    """The Chinese strings in an expression, f-strings as templates (not their pieces)."""
    found: list[str] = []

    def visit(n: ast.AST) -> None:
        t = _template(n)
        if t is not None:
            if CJK.search(t):
                found.append(t)
            return
        for child in ast.iter_child_nodes(n):
            visit(child)

    visit(node)
    return found


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def exception_classes() -> set[str]:
    """The exceptions app/ defines (their text reaches the user through ui_error)."""
    bases: dict[str, set[str]] = {}
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                bases.setdefault(node.name, set()).update(names)
    found = {"Exception", "ValueError", "RuntimeError", "OSError"}
    while True:
        more = {name for name, b in bases.items() if b & found} - found
        if not more:
            return found
        found |= more


def scanned_messages() -> dict[str, str]:
    """template → where it is (file:line)."""
    out: dict[str, str] = {}
    exceptions = exception_classes()
    for folder in MESSAGE_SOURCES:
        where = ROOT / folder
        for path in sorted(where.rglob("*.py") if where.is_dir() else [where]):
            rel = str(path.relative_to(ROOT))
            if rel in NOT_SHOWN:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                exprs: list[ast.AST] = []
                if isinstance(node, ast.Raise) and node.exc is not None:
                    exprs.append(node.exc)
                elif isinstance(node, ast.Call) and (
                    _callee(node) in MESSAGE_CALLS or _callee(node) in exceptions
                ):
                    exprs.extend([*node.args, *(k.value for k in node.keywords)])
                elif isinstance(node, ast.FunctionDef) and MESSAGE_FUNCTIONS.search(node.name):
                    exprs.extend(
                        r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value
                    )
                elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and re.search(r"MESSAGE$|^message$|_HOW$", t.id)
                    for t in node.targets
                ):
                    exprs.append(node.value)
                for e in exprs:
                    for s in _strings(e):
                        out.setdefault(s, f"{rel}:{getattr(e, 'lineno', 0)}")
    return out


def _parts_named(func: ast.FunctionDef, names: set[str], tree: ast.AST) -> list[ast.AST]:
    """Where the values of ``names`` (used in a message of ``func``) come from: the
    arguments its callers give for those parameters, and the literal lists a loop in it
    takes them from (``for key, label in (("village", "村/社区"), ...)``)."""
    sources: list[ast.AST] = []
    params = [a.arg for a in func.args.args]
    wanted = [i for i, p in enumerate(params) if p in names]
    if wanted:
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _callee(call) == func.name:
                sources.extend(call.args[i] for i in wanted if i < len(call.args))
    for loop in ast.walk(func):
        if not isinstance(loop, ast.For) or not isinstance(loop.iter, ast.Tuple | ast.List):
            continue
        if names & {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}:
            sources.append(loop.iter)
    return sources


def scanned_parts() -> dict[str, str]:
    """The Chinese values put into messages (field names): each must have English too."""
    out: dict[str, str] = {}
    for folder in MESSAGE_SOURCES:
        where = ROOT / folder
        for path in sorted(where.rglob("*.py") if where.is_dir() else [where]):
            rel = str(path.relative_to(ROOT))
            if rel in NOT_SHOWN:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef):
                    continue
                names: set[str] = set()
                for call in ast.walk(func):
                    if isinstance(call, ast.Call) and _callee(call) in MESSAGE_CALLS:
                        for arg in call.args:
                            if isinstance(arg, ast.JoinedStr):
                                for v in arg.values:
                                    if isinstance(v, ast.FormattedValue) and isinstance(
                                        v.value, ast.Name
                                    ):
                                        names.add(v.value.id)
                if not names:
                    continue
                for source in _parts_named(func, names, tree):
                    for text in _strings(source):
                        out.setdefault(text, f"{rel}:{getattr(source, 'lineno', 0)}")
    return out


def untranslated(catalogue: Catalogue, texts: dict[str, str]) -> list[str]:
    """The varying parts as a value would be: a number fits %1 and %#1 alike."""
    return sorted(
        f"{where}: {text}"
        for text, where in texts.items()
        if CJK.search(catalogue.translate(re.sub(r"%\d", "1", text)))
    )


def test_every_label_the_ui_shows_has_english() -> None:
    missing = untranslated(domain_text.english(), {v: "label" for v in domain_text.label_values()})
    assert missing == [], "no English in resources/translations/en:\n" + "\n".join(missing)


def test_every_message_the_services_raise_has_english() -> None:
    messages = scanned_messages()
    assert len(messages) > 150  # the scan found the services' messages
    missing = untranslated(domain_text.english(), messages)
    assert missing == [], "no English in resources/translations/en:\n" + "\n".join(missing)


def test_every_field_a_message_names_has_english() -> None:
    parts = scanned_parts()
    assert "主要现病史(转出原因)" in parts  # the referral slip's required fields
    assert "村/社区" in parts  # a loop over (key, label) pairs
    missing = untranslated(domain_text.english(), parts)
    assert missing == [], "no English in resources/translations/en:\n" + "\n".join(missing)


def test_the_scan_finds_a_new_message(tmp_path: Path) -> None:
    tree = ast.parse('raise ValidationError([FieldError("x", "required", f"{label}必须是新的")])')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Raise))
    assert _strings(call.exc) == ["%1必须是新的"]
    assert untranslated(Catalogue({}), {"%1必须是新的": "here"}) == ["here: %1必须是新的"]


def test_messages_are_translated_by_their_parts() -> None:
    c = Catalogue(
        {
            "%1不能为空": "%1 is required",
            "联系电话": "Phone",
            "%1应为 %2–%3 天": "%1 must be %2–%3 days",
            "高血压随访间隔": "Hypertension visit interval",
        }
    )
    assert c.translate("联系电话不能为空") == "Phone is required"
    assert (
        c.translate("高血压随访间隔应为 7–90 天") == "Hypertension visit interval must be 7–90 days"
    )
    # a ValidationError as text: its messages one by one
    assert c.translate("联系电话不能为空；高血压随访间隔不能为空") == (
        "Phone is required; Hypertension visit interval is required"
    )
    # data is shown as it is
    assert c.translate("张三") == "张三"
    assert c.translate("张三不能为空") == "张三 is required"


@pytest.fixture
def english_ui():  # type: ignore[no-untyped-def]
    domain_text.use_language("en")
    yield
    domain_text.use_language("zh_CN")


def test_ui_text_follows_the_language(english_ui) -> None:  # type: ignore[no-untyped-def]
    assert domain_text.ui("管理员") == "Administrator"
    domain_text.use_language("zh_CN")
    assert domain_text.ui("管理员") == "管理员"


def test_sentences_joined_into_one_message_are_translated_one_by_one() -> None:
    c = Catalogue(
        {
            "磁盘空间不足：%1 已满。": "The disk of %1 is full.",
            "程序未做任何改动。": "Nothing was changed.",
        }
    )
    assert c.translate("磁盘空间不足：D:\\ 已满。程序未做任何改动。") == (
        "The disk of D:\\ is full. Nothing was changed."
    )
    assert c.translate("张三。李四") == "张三。李四"  # no English for either: as it is


def test_a_number_placeholder_never_takes_a_name() -> None:
    c = Catalogue({"%#1年": "%1", "%#1岁": "%1 years"})
    assert c.translate("2026年") == "2026"
    assert c.translate("50岁") == "50 years"
    assert c.translate("王永年") == "王永年"  # a patient's name stays whole

"""Chinese text from the domain and the services, shown in the UI's language.

The domain and the services stay Chinese-first: their labels (roles, statuses, sexes, payment
types, plan kinds, ...) and their messages (a ValidationError naming the field, a refused
status change, a sync outcome) are the Chinese the command line, the logs and the printed
national forms use. The UI shows every such text through :func:`ui` (or :func:`ui_error` for
an exception), at the edge, just before it reaches a widget.

In the Chinese UI both are the identity. Under ``--lang en`` they look the text up in the
English catalogue, ``resources/translations/en/*.tsv``: lines ``中文<TAB>English``, where
``%1``, ``%2``, ... stand for the parts that vary (a name, a number, a field; ``%#1`` only
a number, so that ``%#1年`` reads a year and never a name ending in 年). A message with
parts is matched against those templates; each part is itself looked up, so
``联系电话不能为空`` becomes "Phone is required" from the template ``%1不能为空`` and the
label ``联系电话``. Several messages joined by ``；`` (a ValidationError as text) or by
line breaks are translated one by one. Text with no entry (patient names, villages, a message
nobody has translated yet) is shown as it is.

Printed slips and forms are national Chinese forms: they are printed in Chinese in both
languages and never pass through here.

``tests/ui/test_domain_text.py`` enumerates the labels the UI shows (:func:`label_tables`) and
every Chinese message the domain, services and sync raise or return, and fails on one with
no English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from app.resources import resource_path

PLACEHOLDER = re.compile(r"%#?(\d)")  # %1: any text; %#1: a number (2026年, 5岁)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATORS = ("\n", "；")
_MAX_DEPTH = 3


def label_tables() -> dict[str, Mapping[object, str] | Iterable[str]]:
    """The domain's label tables the UI shows (each value needs an English entry). Imported
    here, not at start-up: the login window comes before SQLAlchemy is loaded."""
    from app.domain import (
        codes,
        field_labels,
        followup,
        followup_criteria,
        referral,
        referral_feedback,
        roles,
        training,
    )
    from app.services import credit_rules, followup_intervals
    from app.services.audit import ACTION_NAMES

    return {
        "roles.ROLE_NAMES": roles.ROLE_NAMES,
        "codes.SEX": codes.SEX,
        "codes.PAYMENT_TYPES": codes.PAYMENT_TYPES,
        "referral.DIRECTION_NAMES": referral.DIRECTION_NAMES,
        "referral.STATUS_NAMES": referral.STATUS_NAMES,
        "referral.URGENCY": referral.URGENCY,
        "referral_feedback.METHODS": referral_feedback.METHODS,
        "referral_feedback.RESULTS": referral_feedback.RESULTS,
        "followup.PLAN_KIND_NAMES": followup.PLAN_KIND_NAMES,
        "followup.PLAN_STATUS_NAMES": followup.PLAN_STATUS_NAMES,
        "followup.METHODS": followup.METHODS,
        "followup.ADHERENCE": followup.ADHERENCE,
        "followup.HYPOGLYCEMIA": followup.HYPOGLYCEMIA,
        "followup.CONTACT_OUTCOMES": followup.CONTACT_OUTCOMES,
        "followup.CLASS_NAMES": followup.CLASS_NAMES,
        "training.STATUS_NAMES": training.STATUS_NAMES,
        "training.ATTENDANCE_NAMES": training.ATTENDANCE_NAMES,
        "training.SUPPORT_COUNTS": training.SUPPORT_COUNTS,
        "training.REQUIREMENT_NAMES": training.REQUIREMENT_NAMES,
        "training.ACTIVITY_TYPES": training.ACTIVITY_TYPES,
        "training.CREDIT_CLASSES": training.CREDIT_CLASSES,
        "training.PRACTICE_CATEGORIES": training.PRACTICE_CATEGORIES,
        "training.SummaryFigures.LABELS": dict(training.SummaryFigures.LABELS),
        "followup.DM_SYMPTOMS": followup.DM_SYMPTOMS,
        "followup.HTN_SYMPTOMS": followup.HTN_SYMPTOMS,
        "followup.FOOT_PULSE": followup.FOOT_PULSE,
        "followup.SALT": followup.SALT,
        "followup.GOOD_FAIR_POOR": followup.GOOD_FAIR_POOR,
        "followup.OUTCOMES": followup.OUTCOMES,
        "followup_criteria.HTN_EMERGENCY_ITEMS": [
            i.label for i in followup_criteria.HTN_EMERGENCY_ITEMS
        ],
        "followup_criteria.DM_EMERGENCY_ITEMS": [
            i.label for i in followup_criteria.DM_EMERGENCY_ITEMS
        ],
        "referral.UP_INDICATIONS": referral.UP_INDICATIONS,
        "referral.DOWN_INDICATIONS": referral.DOWN_INDICATIONS,
        "referral.OTHER": [referral.OTHER],
        "referral.PATIENT_TYPES": referral.PATIENT_TYPES,
        "referral.TRANSPORT": referral.TRANSPORT,
        "referral.OUTCOMES": referral.OUTCOMES,
        "audit.ACTION_NAMES": ACTION_NAMES,
        "field_labels.FIELD_LABELS": {
            f"{t}.{k}": v
            for t, labels in {"": field_labels.COMMON, **field_labels.FIELD_LABELS}.items()
            for k, v in labels.items()
        },
        "followup.LIMITS": [label for _lo, _hi, label in followup.LIMITS.values()],
        "followup_intervals.FIELDS": [v[1] for v in followup_intervals.FIELDS.values()],
        "followup_intervals.TARGET_FIELDS": [
            v[1] for v in followup_intervals.TARGET_FIELDS.values()
        ],
        "credit_rules.FIELDS": [v[1] for v in credit_rules.FIELDS.values()],
    }


def label_values() -> list[str]:
    """Every label of :data:`LABEL_TABLES` (the completeness test's first list)."""
    out: list[str] = []
    for table in label_tables().values():
        values = table.values() if isinstance(table, Mapping) else table
        out.extend(v for v in values if isinstance(v, str))
    return out


class Catalogue:
    """Chinese → English: exact entries, and templates with %n for the parts that vary."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.exact: dict[str, str] = {}
        templates: list[tuple[int, re.Pattern[str], list[int], str]] = []
        for zh, en in entries.items():
            if PLACEHOLDER.search(zh):
                order = [int(n) for n in PLACEHOLDER.findall(zh)]
                parts = PLACEHOLDER.split(zh)[::2]  # the literal text between placeholders
                kinds = [
                    "([0-9][0-9.,]*)" if m.group(0)[1] == "#" else "(.+?)"
                    for m in PLACEHOLDER.finditer(zh)
                ]
                pattern = re.escape(parts[0]) + "".join(
                    kind + re.escape(part) for kind, part in zip(kinds, parts[1:], strict=True)
                )
                fixed = sum(len(p) for p in parts)
                templates.append((fixed, re.compile(f"^{pattern}$", re.S), order, en))
            else:
                self.exact[zh] = en
        # The most specific template first: the one with the most fixed text.
        templates.sort(key=lambda t: -t[0])
        self.templates = [(p, o, en) for _, p, o, en in templates]

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        entries: dict[str, str] = {}
        for f in sorted(folder.glob("*.tsv")):
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip() or line.startswith("#"):
                    continue
                parts = [p.replace("\\n", "\n") for p in line.split("\t")]
                if len(parts) != 2 or not parts[0] or not parts[1]:
                    raise ValueError(f"{f.name}:{n}: expected 中文<TAB>English")
                entries[parts[0]] = parts[1]
        return cls(entries)

    def translate(self, text: str, depth: int = 0) -> str:
        if not text or not CJK.search(text):
            return text
        found = self.exact.get(text)
        if found is not None:
            return found
        stripped = text.strip()
        if stripped != text:
            return text.replace(stripped, self.translate(stripped, depth))
        for sep in _SEPARATORS:
            if sep in text:
                joined = "; " if sep == "；" else sep
                return joined.join(self.translate(p, depth) for p in text.split(sep))
        if depth < _MAX_DEPTH:
            for pattern, order, en in self.templates:
                m = pattern.match(text)
                if m is None:
                    continue
                out = en
                for index, value in zip(order, m.groups(), strict=True):
                    out = out.replace(f"%{index}", self.translate(value, depth + 1), 1)
                return out
        if "、" in text:  # a list of field names
            return ", ".join(self.translate(p, depth) for p in text.split("、"))
        if text.endswith("。"):
            inner = self.translate(text[:-1], depth)
            if not CJK.search(inner):
                return inner if inner.endswith(".") else inner + "."
        # Sentences joined into one message (a message and what was or was not done).
        for i, ch in enumerate(text[:-1]):
            if ch == "。" and depth < _MAX_DEPTH:
                head = self.translate(text[: i + 1], depth + 1)
                tail = self.translate(text[i + 1 :], depth + 1)
                if not CJK.search(head) and not CJK.search(tail):
                    return f"{head} {tail}"
        return text


_catalogue: Catalogue | None = None


def use_language(language: str) -> None:
    """Called once at start-up with the UI language (and by tests switching languages)."""
    global _catalogue
    _catalogue = None if language == "zh_CN" else english()
    ui.cache_clear()


def translating() -> bool:
    """The UI is in another language than the domain's Chinese."""
    return _catalogue is not None


@lru_cache(maxsize=1)
def english() -> Catalogue:
    return Catalogue.load(resource_path("translations", "en"))


@lru_cache(maxsize=4096)
def ui(text: str) -> str:
    """A Chinese label or message from the domain or services, in the UI's language."""
    if _catalogue is None:
        return text
    return _catalogue.translate(text)


def ui_error(exc: BaseException) -> str:
    """An exception's (Chinese) message, in the UI's language."""
    return ui(str(exc))

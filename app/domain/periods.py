"""Reporting periods (统计期): a month, a quarter or a year, in the clinic's local dates.

``parse_period`` reads what the command line and the report dialog accept — ``2026-10``,
``2026Q4`` and ``2026`` — and refuses anything else with a Chinese message. A period is the
half-open range of local dates ``[start, end)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class BadPeriod(ValueError):
    """The text is not a period; the message is Chinese and names the accepted forms."""


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    year: int
    number: int = 0  # month 1–12 or quarter 1–4; 0 for a year

    @property
    def start(self) -> date:
        if self.kind is PeriodKind.MONTH:
            return date(self.year, self.number, 1)
        if self.kind is PeriodKind.QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.kind is PeriodKind.MONTH:
            y, m = (self.year + 1, 1) if self.number == 12 else (self.year, self.number + 1)
            return date(y, m, 1)
        if self.kind is PeriodKind.QUARTER:
            if self.number == 4:
                return date(self.year + 1, 1, 1)
            return date(self.year, 3 * self.number + 1, 1)
        return date(self.year + 1, 1, 1)

    @property
    def code(self) -> str:
        """The form the command line takes: 2026-10, 2026Q4, 2026."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        """As printed on the report: 2026年10月, 2026年第4季度, 2026年."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年"

    @property
    def report_name(self) -> str:
        return {
            PeriodKind.MONTH: "月报",
            PeriodKind.QUARTER: "季报",
            PeriodKind.YEAR: "年报",
        }[self.kind]

    def year_earlier(self) -> Period:
        return Period(self.kind, self.year - 1, self.number)

    def months(self) -> list[Period]:
        """The months the period is made of, in order."""
        first = self.start.month
        count = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
        return [Period(PeriodKind.MONTH, self.year, m) for m in range(first, first + count)]

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def month(year: int, number: int) -> Period:
    return Period(PeriodKind.MONTH, year, number)


def quarter(year: int, number: int) -> Period:
    return Period(PeriodKind.QUARTER, year, number)


def year(y: int) -> Period:
    return Period(PeriodKind.YEAR, y)


def parse_period(text: str) -> Period:
    """``2026-10`` (a month), ``2026Q4`` (a quarter) or ``2026`` (a year)."""
    t = (text or "").strip()
    hint = "统计期格式应为 2026-10（月）、2026Q4（季度）或 2026（年）"
    for pattern, kind in ((_MONTH, PeriodKind.MONTH), (_QUARTER, PeriodKind.QUARTER)):
        m = pattern.match(t)
        if m:
            y, n = int(m.group(1)), int(m.group(2))
            if kind is PeriodKind.MONTH and not 1 <= n <= 12:
                raise BadPeriod(f"月份“{n}”不存在：{hint}")
            _check_year(y, hint)
            return Period(kind, y, n)
    m = _YEAR.match(t)
    if m:
        _check_year(int(m.group(1)), hint)
        return Period(PeriodKind.YEAR, int(m.group(1)))
    raise BadPeriod(f"统计期“{t}”无法识别：{hint}")


def _check_year(y: int, hint: str) -> None:
    if not 2000 <= y <= 2100:
        raise BadPeriod(f"年份“{y}”超出范围（2000–2100）：{hint}")


def overlap_days(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    """Days two half-open date ranges share."""
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days)


def split_by_days(total: int, span_start: date, span_last: date, start: date, end: date) -> int:
    """The part of ``total`` (counted over the days ``span_start``..``span_last`` inclusive)
    that falls in ``[start, end)``, in proportion to the days.

    Rounded on the running sum, so the parts of any split of the span (months, quarters) add
    up to ``total`` exactly.
    """
    span_end = date.fromordinal(span_last.toordinal() + 1)
    length = (span_end - span_start).days
    if total == 0 or length <= 0:
        return 0

    def upto(d: date) -> int:  # the share of the days before d, rounded half up
        days = max(0, min(length, (d - span_start).days))
        return (2 * total * days + length) // (2 * length)

    return upto(end) - upto(start) if end > start else 0

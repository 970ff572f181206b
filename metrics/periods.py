"""Reporting periods: a year, a quarter, a month or an inclusive date range.

The text forms are the command line's `--period`: YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD..YYYY-MM-DD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """An inclusive date range, and which kind of period it is: year, quarter, month or range."""

    start: date
    end: date
    kind: str = "range"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before: the previous year, quarter or month,
        or for a free range the same number of days ending the day before it starts."""
        if self.kind == "year":
            return year(self.start.year - 1)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3
            return quarter(self.start.year - (q == 0), (q - 1) % 4 + 1)
        if self.kind == "month":
            return month(self.start.year - (self.start.month == 1), (self.start.month - 2) % 12 + 1)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year")


def quarter(y: int, q: int) -> Period:
    start = date(y, 3 * q - 2, 1)
    return Period(start, _month_end(y, 3 * q), "quarter")


def month(y: int, m: int) -> Period:
    return Period(date(y, m, 1), _month_end(y, m), "month")


def _month_end(y: int, m: int) -> date:
    return (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)


def parse(text: str) -> Period:
    """Read YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD; raise ValueError otherwise."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return year(int(text))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE):
            return quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if end >= start:
                return Period(start, end)
    except ValueError:
        pass
    raise ValueError(
        f"not a period: {text!r} (write 2026, 2026-Q3, 2026-09 or 2026-07-01..2026-09-30)"
    )


def last_complete(kind: str, today: date) -> Period:
    """The latest month, quarter or year that ended before `today`."""
    current = {
        "month": month(today.year, today.month),
        "quarter": quarter(today.year, (today.month - 1) // 3 + 1),
        "year": year(today.year),
    }[kind]
    return current if current.end < today else current.previous()


def last_complete_month(today: date) -> Period:
    """The default period: the steering group meets monthly and asks what changed since."""
    return last_complete("month", today)

"""Calendar arithmetic for the demo: every date is worked out from as_of, never the clock."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np


def ramp(days: np.ndarray, start: date, years: float, concave: bool = False) -> np.ndarray:
    """0 before start, rising to 1 over `years`; concave rises fast first, then levels off."""
    x = np.clip((np.asarray(days, dtype=float) - start.toordinal()) / (365.25 * years), 0, 1)
    return 1 - (1 - x) ** 1.5 if concave else x


def friday_in_month(day: date) -> date:
    """The Friday before day, or after it where that would fall in the previous month.

    Keeping the month keeps each round in its own year (and half-year), so round ids differ.
    """
    before = day - timedelta(days=(day.weekday() - 4) % 7)
    return before if before.month == day.month else day + timedelta(days=(4 - day.weekday()) % 7)


def weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def years_before(day: date, years: int) -> date:
    return months_before(day, 12 * years).replace(day=min(day.day, 28))


def add_years(day: date, years: int) -> date:
    return months_before(day, -12 * years)


def month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def next_month(day: date) -> date:
    return months_before(day.replace(day=1), -1)

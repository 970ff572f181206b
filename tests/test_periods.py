from datetime import date

import pytest

from metrics import periods


@pytest.mark.parametrize(
    ("text", "start", "end", "previous"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2025"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
        ("2026-q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q2"),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
        ("2026-03-01..2026-03-10", date(2026, 3, 1), date(2026, 3, 10), "2026-02-19..2026-02-28"),
    ],
)
def test_period_forms_and_their_previous_period(text, start, end, previous):
    period = periods.parse(text)
    assert (period.start, period.end) == (start, end)
    assert str(period.previous()) == previous


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-03-10..2026-03-01", "huomenna"])
def test_bad_period_is_refused(text):
    with pytest.raises(ValueError, match="not a period"):
        periods.parse(text)


def test_default_period_is_the_last_complete_month():
    assert str(periods.last_complete_month(date(2026, 11, 27))) == "2026-10"
    assert str(periods.last_complete_month(date(2026, 12, 1))) == "2026-11"
    assert str(periods.last_complete("quarter", date(2026, 11, 27))) == "2026-Q3"

"""Every report by name: what it shows, its columns and the options it accepts.

`python -m metrics report --list`, the report command, the pages and the README read this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from metrics import overview


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    columns: tuple[str, ...]
    options: tuple[str, ...]  # of: period, unit, round, from_round, to_round
    build: Callable[..., pd.DataFrame]


def _overview(con, *, period, unit=None, **_) -> pd.DataFrame:
    return overview.overview(con, period=period, unit=unit)


REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report(
            "overview",
            "Programme headline figures for the period beside the previous period of equal "
            "length; change = value - previous (percentage points for survey rows).",
            ("metric", "value", "previous", "change"),
            ("period", "unit"),
            _overview,
        ),
    )
}

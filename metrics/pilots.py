"""Pilot teams' development projects."""

from __future__ import annotations

import pandas as pd

from metrics import store
from metrics.units import SCOPE_SQL

PROJECT_STATUS_COUNTS_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT p.status, count(*) AS projects
    FROM projects p JOIN teams t USING (team_id) JOIN scope ON scope.unit_id = t.unit_id
    GROUP BY p.status
"""


def project_status_counts(con, *, unit: str | None = None) -> pd.Series:
    """Projects by current status (planned, on_track, at_risk, late, done, stopped), zeros kept."""
    from metrics.contract import PROJECT_STATUSES

    frame = store.read(con, PROJECT_STATUS_COUNTS_SQL, {"unit": unit})
    counts = dict(zip(frame["status"], frame["projects"], strict=True))
    return pd.Series({s: int(counts.get(s, 0)) for s in PROJECT_STATUSES}, name="projects")

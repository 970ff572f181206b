"""The organisation's unit tree and headcounts: the denominators every rate uses."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import store

# The units in scope: one unit with every unit below it, or (unit NULL) all units of the
# home organisation. Used as a CTE by every metric that takes `unit=`. The views and the
# headcount_on macro it and HEADCOUNT_ON_SQL read are defined once, in store.MIGRATIONS.
SCOPE_SQL = """
    SELECT c.unit_id FROM unit_closure c WHERE c.ancestor_id = $unit
    UNION ALL
    SELECT unit_id FROM home_units WHERE $unit IS NULL
"""

# Each unit's staff and supervisors on the day $on.
HEADCOUNT_ON_SQL = "SELECT * FROM headcount_on($on)"


def units(con) -> pd.DataFrame:
    """unit_id, name, parent_id, org_id, depth (0 for a top unit), ordered as a tree."""
    return store.read(
        con,
        """
        WITH RECURSIVE tree(unit_id, depth, path) AS (
            SELECT unit_id, 0, name FROM units WHERE parent_id IS NULL
            UNION ALL
            SELECT u.unit_id, t.depth + 1, t.path || ' / ' || u.name
            FROM tree t JOIN units u ON u.parent_id = t.unit_id
        )
        SELECT u.unit_id, u.name, u.parent_id, u.org_id, t.depth
        FROM units u JOIN tree t USING (unit_id) ORDER BY t.path
        """,
    )


def unit_exists(con, unit: str) -> bool:
    return not store.read(con, "SELECT 1 FROM units WHERE unit_id = ?", [unit]).empty


def headcount(con, *, on: date, unit: str | None = None) -> int:
    """Staff in the unit and every unit below it (or the whole home organisation) on a date."""
    frame = store.read(
        con,
        f"WITH scope AS ({SCOPE_SQL}), hc AS ({HEADCOUNT_ON_SQL}) "
        "SELECT coalesce(sum(hc.headcount), 0) AS headcount FROM hc JOIN scope USING (unit_id)",
        {"unit": unit, "on": on},
    )
    return int(frame.iloc[0, 0])

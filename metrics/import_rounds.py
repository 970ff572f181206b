"""Survey rounds loaded once: the check and the write that keep a closed round as published.

A closed survey round is frozen as published (docs/design.md, Anonymity). Its answers are
loaded once: loaded again with a respondent fewer, or with a unit added, two copies of a report
would subtract to a hidden group's figures. Within survey.correction_window_days of their first
load an admin may replace them whole (replace_round), and that is logged. The round's unit tree
is taken when data about its units (answers, or a vendor's results for units) is first loaded,
by then the round has closed; later loads add units it lacks as they are then and never move
one, and a replacement takes the tree again (metrics.survey reads it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from metrics import settings
from metrics.import_reasons import Reason
from metrics.validation import ImportRejected, RowError

if TYPE_CHECKING:
    from metrics.import_check import Part

_LOADED_ROUNDS_SQL = """
SELECT r.round_id, l.first_loaded_at, l.first_loaded_at + to_days($days) AS window_closes,
       coalesce(l.first_loaded_at + to_days($days) > current_timestamp::TIMESTAMP, false)
           AS window_open
FROM (SELECT DISTINCT unnest($rounds::VARCHAR[]) AS round_id) r
LEFT JOIN survey_round_loads l USING (round_id)
WHERE l.first_loaded_at IS NOT NULL
   OR r.round_id IN (SELECT round_id FROM survey_unit_sums)
ORDER BY r.round_id
"""


def _part_rounds(parts: list[Part], *, units_only: bool = False) -> list[str]:
    """The survey rounds a file's answers name (with units_only, its vendor results for units
    too)."""
    found = set()
    for part in parts:
        if part.staged is None or "round_id" not in part.staged:
            continue
        if part.kind == "survey_responses":
            found |= set(part.staged["round_id"].dropna().astype(str))
        elif part.kind == "survey_results" and units_only and "unit_id" in part.staged:
            rows = part.staged[part.staged["unit_id"].notna()]
            found |= set(rows["round_id"].dropna().astype(str))
    return sorted(found)


def loaded_rounds(cur, parts: list[Part], file_name: str, *, replace: bool) -> list[tuple]:
    """The survey rounds whose answers the file brings, that have other answers already, as
    (round_id, first_loaded_at): to be replaced, which `replace` asks for and the round's
    correction window allows. Raises ImportRejected, saying why and naming the option, for
    every round that may not be loaded again. A round given again exactly as it is stored (a
    downloaded file loaded back) changes no figure and passes."""
    rounds = _part_rounds(parts)
    if not rounds:
        return []
    days = settings.load().correction_window_days
    params = {"rounds": rounds, "days": days}
    loaded = cur.execute(_LOADED_ROUNDS_SQL, params).fetchall()
    if not loaded:
        return []
    changed = _changed_rounds(cur, parts, [r for r, *_ in loaded])
    loaded = [row for row in loaded if row[0] in changed]
    errors = []
    for round_id, first, closes, window_open in loaded:
        if window_open and replace:
            continue
        values = {"first": _when(first), "days": days}
        if window_open:
            reason = Reason("round_loaded", closes=_when(closes), **values)
        else:
            reason = Reason("round_frozen", **values)
        errors.append(RowError(0, "round_id", round_id, reason))
    if errors:
        raise ImportRejected(file_name, errors)
    return [(round_id, first) for round_id, first, *_ in loaded]


def _when(moment) -> str:
    """A first load or a window's end as the reason writes it (a round loaded before Pöhinä
    recorded first loads has none)."""
    return f"{moment:%Y-%m-%d %H:%M}" if moment else Reason("round_first_load_unknown")


_CHANGED_ROUNDS_SQL = """
WITH given AS (
    SELECT round_id, unit_id, respondent, item_id, value::TINYINT AS value
    FROM (UNPIVOT given_answers ON COLUMNS(* EXCLUDE (round_id, unit_id, respondent))
          INTO NAME item_id VALUE value)
    WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
),
stored AS (
    SELECT round_id, unit_id, respondent, item_id, value FROM survey_answers
    WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
)
SELECT DISTINCT round_id FROM (
    (SELECT * FROM given EXCEPT ALL SELECT * FROM stored)
    UNION ALL (SELECT * FROM stored EXCEPT ALL SELECT * FROM given)
)
"""


def _changed_rounds(cur, parts: list[Part], rounds: list[str]) -> set[str]:
    """The rounds among `rounds` whose answers in the file differ from those stored."""
    wide = [wide_answers(p.staged) for p in parts if p.kind == "survey_responses"]
    if not all(len(w.columns) > 3 for w in wide):  # a file without item columns
        return set(rounds)
    cur.register("given_answers", pd.concat(wide, ignore_index=True))
    try:
        found = cur.execute(_CHANGED_ROUNDS_SQL, {"rounds": rounds}).fetchall()
    finally:
        cur.unregister("given_answers")
    return {r for (r,) in found}


def wide_answers(staged: pd.DataFrame) -> pd.DataFrame:
    """round_id, unit_id, respondent and a column per item, named by its item_id."""
    item_columns = [c for c in staged.columns if isinstance(c, tuple)]
    wide = staged[["round_id", "unit_id", "respondent", *item_columns]]
    wide.columns = ["round_id", "unit_id", "respondent", *(c[1] for c in item_columns)]
    return wide


_ROUND_RESPONDENTS_SQL = """
SELECT round_id, count(DISTINCT (unit_id, respondent)) FROM survey_answers
WHERE round_id IN (SELECT unnest($rounds::VARCHAR[])) GROUP BY ALL
"""


def replace_rounds(
    cur, parts: list[Part], file_name: str, *, replace: bool
) -> list[tuple[str, str]]:
    """Delete the answers and sums of the rounds the file replaces (checked again here, inside
    the write's transaction); return (round_id, note) for the log."""
    replaced = loaded_rounds(cur, parts, file_name, replace=replace)
    if not replaced:
        return []
    params = {"rounds": [r for r, _ in replaced]}
    before = dict(cur.execute(_ROUND_RESPONDENTS_SQL, params).fetchall())
    cur.execute(f"DELETE FROM survey_answers WHERE {_IN_ROUNDS}", params)
    cur.execute(f"DELETE FROM survey_unit_sums WHERE {_IN_ROUNDS}", params)
    days = settings.load().correction_window_days
    return [
        (
            round_id,
            f"replaced survey round {round_id}: its {before.get(round_id, 0)} respondents' "
            f"answers (first loaded {first:%Y-%m-%d %H:%M}) were deleted and the file's loaded, "
            f"within the correction window of {days} days",
        )
        for round_id, first in replaced
    ]


def freeze_rounds(cur, parts: list[Part], *, replaced: list[str] = ()) -> None:
    """Keep the unit tree of each round the file brings data about units for, and when its
    answers were first loaded (see loaded_rounds); a replaced round takes its tree again."""
    rounds = _part_rounds(parts, units_only=True)
    if not rounds:
        return
    again = {"rounds": list(replaced)}
    cur.execute(f"DELETE FROM survey_round_units WHERE {_IN_ROUNDS}", again)
    cur.execute(
        f"UPDATE survey_round_loads SET frozen_at = current_timestamp WHERE {_IN_ROUNDS}", again
    )
    cur.execute(_FIRST_LOAD_SQL, {"rounds": rounds, "answered": _part_rounds(parts)})
    cur.execute(_ROUND_UNITS_SQL, {"rounds": rounds})


_IN_ROUNDS = "round_id IN (SELECT unnest($rounds::VARCHAR[]))"
_FIRST_LOAD_SQL = """
INSERT INTO survey_round_loads (round_id, frozen_at, first_loaded_at)
SELECT r, current_timestamp,
       CASE WHEN list_contains($answered::VARCHAR[], r) THEN current_timestamp END
FROM (SELECT unnest($rounds::VARCHAR[]) AS r)
ON CONFLICT (round_id) DO UPDATE SET first_loaded_at = coalesce(
    survey_round_loads.first_loaded_at, excluded.first_loaded_at
)
"""
# the units the round's tree lacks, as they are now (every unit, the first time), in the
# units' order (metrics.survey reads a round's tree in it)
_ROUND_UNITS_SQL = """
INSERT INTO survey_round_units (round_id, unit_id, parent_id, org_id, name)
SELECT r, u.unit_id, u.parent_id, u.org_id, u.name
FROM (SELECT unnest($rounds::VARCHAR[]) AS r) CROSS JOIN units u
WHERE NOT EXISTS (
    SELECT 1 FROM survey_round_units f WHERE f.round_id = r AND f.unit_id = u.unit_id
)
ORDER BY r, u.rowid
"""

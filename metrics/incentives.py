"""Incentive standings: points per unit and period, shrunk towards the organisation mean, ranked.

The rules are the steering group's, in data/incentive_rules.toml (or the file POHINA_INCENTIVE_RULES
names): the points each event earns, the default period length and the prior weight k.

Events, each credited to a unit (never to a person: nothing here reads or groups by submitter):
    idea_submitted       an idea sent in the period (submitted_on), except ideas merged into
                         another as duplicates (status merged, counted nowhere) and anonymous
                         ideas still new: those are idea_awaiting_triage, worth no points
                         until triage moves them on
    idea_implemented     an idea implemented in the period (status implemented; implemented_on,
                         or the day its status changed where that is missing), whenever sent
    milestone_reached    a pilot-project milestone reached in the period, credited to the unit
                         of the project's team
    workshop_attendance  each person from the unit at a supervisor workshop in the period (the
                         participants of the unit's activities row; a row without a count is one)
    practice_published   a good practice of the unit published in the period
Optional, off unless the rules give them points (OPTIONAL_EVENTS; standings stay about
developing the work, not about being liked, and support is easy to gather by asking around):
    idea_supported       a support given in the period to an idea of the unit (its
                         supported_on), merged ideas aside
    idea_commented       a comment or reply written in the period on an idea of the unit,
                         hidden ones aside

Which units are ranked (LEVELS), each in its own table:
    units    every unit of the home organisation without sub-units (the units staff work in),
             with its own events and staff;
    sectors  every top unit of the home organisation, with the events and staff of every unit
             below it. Units in between are not ranked; their staff and events count in their
             sector.

Staff is the headcount on the period's last day (a sector's: the sum over its units). A unit with
no staff then is left out (ranked False) and not counted in the mean. A unit whose first
headcount row is dated after the period's start did not exist for the whole period: it is ranked
and marked new_in_period. A unit created after the period is not listed.

Score (empirical-Bayes shrinkage; k = the rules' prior_weight, in tens of staff):
    mean  = Σ points / Σ (staff / 10)                    over the ranked units
    score = (points + k × mean) / (staff / 10 + k)
          = w × points_per_10_staff + (1 − w) × mean,    w = staff / (staff + 10 k)
so a unit is scored as if it also had 10 k more staff earning points at the organisation's mean
rate. k = 0 ranks by points per 10 staff alone. Ranks are competition ranks (1, 2, 2, 4) of the
score rounded to RANK_DECIMALS decimals, the highest score first.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from metrics import periods, store
from metrics.ideas import COUNTED_SQL, IMPLEMENTED_ON_SQL
from metrics.periods import Period
from metrics.units import SCOPE_SQL

EVENTS = (
    "idea_submitted",
    "idea_implemented",
    "milestone_reached",
    "workshop_attendance",
    "practice_published",
)
# Events counted only where the rules give them points (default 0: off), and then listed in
# the breakdown after EVENTS; see the rules file.
OPTIONAL_EVENTS = ("idea_supported", "idea_commented")
# An anonymous idea still new earns no points until triage has moved it on (anyone could send
# many); it is counted apart, worth 0, so idea_submitted + idea_awaiting_triage is the period's
# submitted ideas (metrics.ideas.idea_flow).
AWAITING_TRIAGE = "idea_awaiting_triage"
AWAITING_TRIAGE_SQL = "i.anonymous AND i.status = 'new'"
COUNTED_EVENTS = (*EVENTS, AWAITING_TRIAGE)
LEVELS = ("units", "sectors")
PERIOD_KINDS = ("month", "quarter", "year")
DEFAULT_RULES_PATH = Path("data/incentive_rules.toml")
RULES_ENV = "POHINA_INCENTIVE_RULES"
# Scores are compared after rounding, so float noise never breaks a tie.
RANK_DECIMALS = 9
# The rank history covers this many periods, ending with the chosen one.
HISTORY_PERIODS = 8
# Unit sizes the page uses to show how much of a score is the unit's own rate.
EXAMPLE_STAFF = (3, 10, 30, 100, 300)


# ----------------------------------------------------------------------------- the rules


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Rules:
    """The incentive rules: points per event, the default period length, the prior weight k."""

    idea_submitted: float = 1.0
    idea_implemented: float = 3.0
    milestone_reached: float = 5.0
    workshop_attendance: float = 1.0
    practice_published: float = 3.0
    idea_supported: float = 0.0
    idea_commented: float = 0.0
    period: str = "quarter"
    prior_weight: float = 5.0

    def points(self, event: str) -> float:
        """Points one event of the kind earns (an anonymous idea awaiting triage: none)."""
        if event == AWAITING_TRIAGE:
            return 0.0
        if event not in EVENTS and event not in OPTIONAL_EVENTS:
            raise ValueError(f"unknown event {event!r}")
        return float(getattr(self, event))

    @property
    def optional_on(self) -> tuple[str, ...]:
        """The optional events these rules give points (none by default)."""
        return tuple(e for e in OPTIONAL_EVENTS if self.points(e) > 0)


# Where each key lives in the file: [points] and [standings].
_SECTIONS = {"points": EVENTS + OPTIONAL_EVENTS, "standings": ("period", "prior_weight")}


def rules_path() -> Path:
    """The rules file: POHINA_INCENTIVE_RULES, or data/incentive_rules.toml."""
    return Path(os.environ.get(RULES_ENV) or DEFAULT_RULES_PATH)


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and check the rules file; a missing file gives the defaults (see Rules).

    Raises RulesError naming the file and the key for a misspelt key, a value of the wrong
    kind, a negative number or a period other than month, quarter or year.
    """
    path = Path(path or rules_path())
    if not path.exists():
        return Rules()
    try:
        values = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: not a valid TOML file: {error}") from None
    chosen: dict[str, object] = {}
    for section, content in values.items():
        if section not in _SECTIONS:
            raise RulesError(
                f"{path}: unknown section [{section}]; the sections are "
                + ", ".join(f"[{s}]" for s in _SECTIONS)
            )
        if not isinstance(content, dict):
            raise RulesError(f"{path}: {section} must be a section [{section}], not a value")
        for key, value in content.items():
            if key not in _SECTIONS[section]:
                raise RulesError(
                    f"{path}: unknown key {section}.{key}; the keys of [{section}] are "
                    + ", ".join(_SECTIONS[section])
                )
            chosen[key] = _checked(path, f"{section}.{key}", value)
    return Rules(**chosen)


def _checked(path: Path, name: str, value):
    if name == "standings.period":
        if value not in PERIOD_KINDS:
            raise RulesError(
                f"{path}: {name} is {value!r}; it must be one of " + ", ".join(PERIOD_KINDS)
            )
        return value
    number_ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not number_ok or not math.isfinite(value) or value < 0:
        raise RulesError(f"{path}: {name} is {value!r}; it must be a number 0 or more")
    return float(value)


def default_period(today: date | None = None) -> Period:
    """The period a standings call without one counts: the last complete month, as every page
    and report (the rules' `period` is the length the steering group compares, shown on the
    page; it no longer moves the default)."""
    return periods.last_complete_month(today or date.today())


def own_weight_examples(rules: Rules | None = None) -> pd.DataFrame:
    """How much of a score is the unit's own rate, for units of EXAMPLE_STAFF staff.

    staff, own_weight (fraction 0–1: staff / (staff + 10 k)), mean_weight (1 − own_weight).
    """
    k = (rules or load_rules()).prior_weight
    staff = pd.Series(EXAMPLE_STAFF, dtype=float)
    own = staff / (staff + 10 * k)
    return pd.DataFrame({"staff": list(EXAMPLE_STAFF), "own_weight": own, "mean_weight": 1 - own})


# ----------------------------------------------------------------------------- the counts

# The periods asked for, one row each (a rank history asks for several at once).
WINDOWS_SQL = (
    "SELECT unnest($labels) AS period, unnest($starts) AS start_on, unnest($ends) AS end_on"
)

# The ranked units of a level, and each one's members: itself and (for sectors) every unit below.
MEMBERS_SQL = """
    WITH ranked AS (
        SELECT unit_id FROM home_units WHERE $level = 'sectors' AND parent_id IS NULL
        UNION ALL
        SELECT unit_id FROM leaf_units WHERE $level = 'units'
    )
    SELECT c.ancestor_id AS ranked_unit, c.unit_id
    FROM unit_closure c JOIN ranked r ON r.unit_id = c.ancestor_id
"""

EVENT_COUNTS_SQL = f"""
    WITH windows AS ({WINDOWS_SQL}),
    members AS ({MEMBERS_SQL}),
    events AS (
        SELECT w.period, i.unit_id,
               CASE WHEN {AWAITING_TRIAGE_SQL} THEN 'idea_awaiting_triage'
                    ELSE 'idea_submitted' END AS event,
               count(*) AS n
        FROM ideas i JOIN windows w ON i.submitted_on BETWEEN w.start_on AND w.end_on
        WHERE {COUNTED_SQL}
        GROUP BY ALL
        UNION ALL
        SELECT w.period, i.unit_id, 'idea_implemented', count(*)
        FROM ideas i JOIN windows w ON {IMPLEMENTED_ON_SQL} BETWEEN w.start_on AND w.end_on
        WHERE i.status = 'implemented' AND {COUNTED_SQL}
        GROUP BY w.period, i.unit_id
        UNION ALL
        SELECT w.period, t.unit_id, 'milestone_reached', count(*)
        FROM milestones m JOIN projects p USING (project_id) JOIN teams t USING (team_id)
        JOIN windows w ON m.reached_on BETWEEN w.start_on AND w.end_on
        GROUP BY w.period, t.unit_id
        UNION ALL
        SELECT w.period, a.unit_id, 'workshop_attendance', sum(coalesce(a.participants, 1))
        FROM activities a JOIN windows w ON a.held_on BETWEEN w.start_on AND w.end_on
        WHERE a.kind = 'supervisor_workshop' AND a.unit_id IS NOT NULL
        GROUP BY w.period, a.unit_id
        UNION ALL
        SELECT w.period, pr.unit_id, 'practice_published', count(*)
        FROM practices pr JOIN windows w ON pr.published_on BETWEEN w.start_on AND w.end_on
        WHERE pr.unit_id IS NOT NULL
        GROUP BY w.period, pr.unit_id
        UNION ALL
        SELECT w.period, i.unit_id, 'idea_supported', count(*)
        FROM idea_supports s JOIN ideas i USING (idea_id)
        JOIN windows w ON s.supported_on BETWEEN w.start_on AND w.end_on
        WHERE list_contains($optional::VARCHAR[], 'idea_supported') AND {COUNTED_SQL}
        GROUP BY w.period, i.unit_id
        UNION ALL
        SELECT w.period, i.unit_id, 'idea_commented', count(*)
        FROM idea_comments c JOIN ideas i USING (idea_id)
        JOIN windows w ON CAST(c.posted_at AS DATE) BETWEEN w.start_on AND w.end_on
        WHERE list_contains($optional::VARCHAR[], 'idea_commented') AND c.hidden_at IS NULL
        GROUP BY w.period, i.unit_id
    )
    SELECT e.period, m.ranked_unit AS unit_id, e.event, sum(e.n)::BIGINT AS count
    FROM events e JOIN members m USING (unit_id)
    GROUP BY e.period, m.ranked_unit, e.event
    ORDER BY e.period, m.ranked_unit, e.event
"""

# Each period's ranked units with their staff on its last day (headcount_on that day)
# and the day they started (their first headcount row; NULL if they have always existed).
UNITS_SQL = f"""
    WITH windows AS ({WINDOWS_SQL}),
    members AS ({MEMBERS_SQL}),
    hc AS (
        SELECT w.period, hc.* FROM windows w,
        LATERAL headcount_on(w.end_on) hc
    ),
    staff AS (
        SELECT hc.period, m.ranked_unit AS unit_id, sum(hc.headcount)::BIGINT AS headcount
        FROM members m JOIN hc USING (unit_id)
        GROUP BY hc.period, m.ranked_unit
    ),
    started AS (
        SELECT unit_id, CASE WHEN bool_or(as_of IS NULL) THEN NULL ELSE min(as_of) END
                            AS started_on
        FROM unit_headcounts GROUP BY unit_id
    )
    SELECT w.period, w.start_on, u.unit_id, u.name AS unit_name,
           coalesce(s.headcount, 0)::BIGINT AS headcount, st.started_on
    FROM windows w
    CROSS JOIN (SELECT DISTINCT ranked_unit AS unit_id FROM members) r
    JOIN units u USING (unit_id)
    LEFT JOIN staff s ON s.period = w.period AND s.unit_id = r.unit_id
    LEFT JOIN started st ON st.unit_id = r.unit_id
    WHERE st.started_on IS NULL OR st.started_on <= w.end_on
"""

IN_SCOPE_SQL = f"SELECT unit_id FROM ({SCOPE_SQL})"


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; the levels are " + ", ".join(LEVELS))


def _windows(chosen: list[Period], level: str) -> dict:
    return {
        "labels": [str(p) for p in chosen],
        "starts": [p.start for p in chosen],
        "ends": [p.end for p in chosen],
        "level": level,
    }


def event_counts(
    con, *, period: Period, level: str = "units", rules: Rules | None = None
) -> pd.DataFrame:
    """How many of each event every ranked unit of the level had in the period.

    unit_id, event (one of EVENTS, or of OPTIONAL_EVENTS where `rules` give them points),
    count (events; people for workshop_attendance). Only non-zero counts are listed. A sector's
    counts include every unit below it.
    """
    _check_level(level)
    frame = store.read(con, EVENT_COUNTS_SQL, _counting([period], level, rules or load_rules()))
    return frame.drop(columns="period")


def _counting(chosen: list[Period], level: str, rules: Rules) -> dict:
    """EVENT_COUNTS_SQL's parameters: the windows and the optional events the rules count."""
    return {**_windows(chosen, level), "optional": list(rules.optional_on)}


# ----------------------------------------------------------------------------- the standings


def standings(
    con,
    *,
    period: Period | None = None,
    unit: str | None = None,
    level: str = "units",
    rules: Rules | None = None,
) -> pd.DataFrame:
    """The standings of the level's units in the period, the best first.

    Columns: period (its text form, e.g. 2026-Q3), unit_id, unit_name, headcount (staff on the
    period's last day), started_on (the unit's first headcount date; empty if it has always
    existed), new_in_period (started after the period's first day), ranked (False: left out),
    left_out ("no_staff" for a unit without staff on the period's last day, else empty),
    points (Σ events × their points), points_per_10_staff (points / (staff / 10)),
    mean_points_per_10_staff (the organisation's, over the ranked units), prior_weight (k, in
    tens of staff), tens_of_staff (staff / 10, the unit of the rate), own_weight (fraction
    0–1 of the score that is the unit's own rate), score (points per 10 staff, shrunk: see the
    module), rank (1 = best; ties share a rank),
    units_ranked (how many units the table ranks).
    The left-out units come last, without rate, score or rank. Ranks are always over the whole
    organisation; `unit` only narrows the rows to that unit and the units below it.
    Period default: the last complete month (default_period).
    """
    rules = rules or load_rules()
    period = period or default_period()
    frame = _standings_of(con, [period], level, rules).drop(columns="period_start")
    return _in_scope(con, frame, unit)


def _standings_of(con, chosen: list[Period], level: str, rules: Rules) -> pd.DataFrame:
    """The standings of several periods at once, one after the other, each with period_start."""
    _check_level(level)
    windows = _windows(chosen, level)
    frame = store.read(con, UNITS_SQL, windows).rename(columns={"start_on": "period_start"})
    counts = store.read(con, EVENT_COUNTS_SQL, _counting(chosen, level, rules))
    earned = (counts["count"] * counts["event"].map(rules.points)).groupby(
        [counts["period"], counts["unit_id"]]
    )
    keys = pd.MultiIndex.from_frame(frame[["period", "unit_id"]])
    frame["points"] = earned.sum().reindex(keys).fillna(0.0).to_numpy(dtype=float)
    started = pd.to_datetime(frame["started_on"])
    frame["started_on"] = started.dt.date
    starts = pd.to_datetime(frame["period_start"])
    frame["period_start"] = starts.dt.date
    frame["new_in_period"] = (started > starts).fillna(False).astype(bool)
    frame["ranked"] = frame["headcount"] > 0
    frame["left_out"] = np.where(frame["ranked"], "", "no_staff")
    order = {str(p): n for n, p in enumerate(chosen)}
    scored = [_score(part.copy(), rules.prior_weight) for _, part in frame.groupby("period")]
    frame = pd.concat(scored, ignore_index=True) if scored else _score(frame, rules.prior_weight)
    frame["order"] = frame["period"].map(order)
    frame = frame.sort_values(
        ["order", "ranked", "rank", "unit_name", "unit_id"],
        ascending=[True, False, True, True, True],
    )
    return frame[STANDINGS_COLUMNS].reset_index(drop=True)


STANDINGS_COLUMNS = [
    "period", "period_start", "unit_id", "unit_name", "headcount", "started_on",
    "new_in_period", "ranked", "left_out", "points", "points_per_10_staff",
    "mean_points_per_10_staff", "prior_weight", "tens_of_staff", "own_weight", "score", "rank",
    "units_ranked",
]  # fmt: skip


def shrunk_score(points, tens, k: float, mean: float):
    """The score: points per 10 staff shrunk towards the mean, (points + k × mean) / (tens + k),
    tens = staff / 10 (numbers or arrays). The one place the formula is written."""
    return (points + k * mean) / (tens + k)


def _score(frame: pd.DataFrame, k: float) -> pd.DataFrame:
    """One period's rate, organisation mean, shrunk score and rank (ranked rows only)."""
    ranked = frame["ranked"]
    tens = frame["headcount"].where(ranked) / 10
    total_tens = tens.sum()
    mean = frame["points"].where(ranked).sum() / total_tens if total_tens else math.nan
    frame["tens_of_staff"] = tens
    frame["points_per_10_staff"] = frame["points"].where(ranked) / tens
    frame["mean_points_per_10_staff"] = mean
    frame["prior_weight"] = k
    frame["own_weight"] = tens / (tens + k)
    frame["score"] = shrunk_score(frame["points"].where(ranked), tens, k, mean)
    frame["rank"] = _competition_rank(frame["score"])
    frame["units_ranked"] = int(ranked.sum())
    return frame


def _competition_rank(scores: pd.Series) -> pd.Series:
    """1 for the highest score; equal scores share a rank and the next rank is skipped."""
    rounded = scores.astype(float).round(RANK_DECIMALS)
    return rounded.rank(method="min", ascending=False).astype("Int64")


def _in_scope(con, frame: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    """The rows of `unit` and the units below it (all rows when unit is None)."""
    if unit is None:
        return frame
    in_scope = store.read(con, IN_SCOPE_SQL, {"unit": unit})["unit_id"]
    return frame[frame["unit_id"].isin(in_scope)].reset_index(drop=True)


def level_of(con, *, unit: str | None) -> str | None:
    """The level a unit is ranked at: "units" for a unit without sub-units, "sectors" for a top
    unit with sub-units, None for a unit in between (or no unit). An unknown unit raises."""
    if unit is None:
        return None
    frame = store.read(
        con,
        "SELECT parent_id IS NULL AS top,"
        " EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.unit_id) AS has_units"
        " FROM units u WHERE unit_id = $unit",
        {"unit": unit},
    )
    if frame.empty:
        raise ValueError(f"no unit {unit!r}")
    top, has_units = bool(frame.iloc[0]["top"]), bool(frame.iloc[0]["has_units"])
    return "units" if not has_units else "sectors" if top else None


# ----------------------------------------------------------------------------- one unit


def breakdown(
    con,
    *,
    period: Period | None = None,
    unit: str | None = None,
    level: str | None = None,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """Where a unit's points come from, and what would raise its rank; one row per event.

    Columns: event (every one of COUNTED_EVENTS, in that order: the rules' EVENTS, the
    OPTIONAL_EVENTS the rules give points, then the anonymous ideas awaiting triage, worth 0),
    count (events in the period; people for workshop_attendance), points_each (the rules' points
    for one), points (count × points_each; the rows sum to the unit's points in `standings`),
    rank_with_one_more (the unit's rank with one more such event), needed_to_move_up (how many
    more such events would lift the unit at least one place; empty at rank 1, for an event worth
    0 points, or for a unit not ranked), rank_when_moved_up (its rank with that many). The what-
    ifs move the organisation mean with the unit's extra points and keep every other unit as it
    is.
    `level` defaults to the level the unit is ranked at (level_of).
    """
    if not unit:
        raise ValueError(
            "standings_breakdown needs a unit: --unit ID (a unit without sub-units, or a top "
            "unit for the sectors' standings)"
        )
    rules = rules or load_rules()
    period = period or default_period()
    level = level or level_of(con, unit=unit)
    if level is None:
        raise ValueError(
            f"unit {unit!r} is not ranked: the standings rank units without sub-units and, "
            "separately, the top units (sectors)"
        )
    table = standings(con, period=period, level=level, rules=rules)
    counts = event_counts(con, period=period, level=level, rules=rules)
    mine = counts[counts["unit_id"] == unit].set_index("event")["count"]
    frame = pd.DataFrame({"event": [*EVENTS, *rules.optional_on, AWAITING_TRIAGE]})
    frame["count"] = frame["event"].map(mine).fillna(0).astype(int)
    frame["points_each"] = frame["event"].map(rules.points)
    frame["points"] = frame["count"] * frame["points_each"]
    what_if = _WhatIf(table, unit, rules.prior_weight)
    moves = [what_if.move_up(each) for each in frame["points_each"]]
    frame["rank_with_one_more"] = pd.array(
        [what_if.rank_with(each) for each in frame["points_each"]], dtype="Int64"
    )
    frame["needed_to_move_up"] = pd.array([m[0] for m in moves], dtype="Int64")
    frame["rank_when_moved_up"] = pd.array([m[1] for m in moves], dtype="Int64")
    return frame


class _WhatIf:
    """A unit's rank if it had more points, the other units' points and staff as they are."""

    def __init__(self, table: pd.DataFrame, unit: str, k: float):
        ranked = table[table["ranked"]]
        self.k = k
        self.tens = ranked["headcount"].to_numpy(dtype=float) / 10
        self.points = ranked["points"].to_numpy(dtype=float)
        self.mine = (ranked["unit_id"] == unit).to_numpy()
        self.rank = int(ranked.loc[self.mine, "rank"].iloc[0]) if self.mine.any() else None

    def rank_with(self, extra: float) -> int | None:
        if self.rank is None:
            return None
        points = self.points + np.where(self.mine, extra, 0.0)
        mean = points.sum() / self.tens.sum()
        score = np.round(shrunk_score(points, self.tens, self.k, mean), RANK_DECIMALS)
        return int((score > score[self.mine][0]).sum()) + 1

    def move_up(self, each: float) -> tuple[int | None, int | None]:
        """(how many more events of `each` points lift the unit a place, its rank then)."""
        if self.rank is None or self.rank == 1 or each <= 0:
            return None, None
        high = 1
        while self.rank_with(high * each) >= self.rank:
            high *= 2
            if high > 2**40:  # cannot happen while every ranked unit has staff
                return None, None
        low = high // 2  # rank_with(low × each) does not move the unit up (or low is 0)
        while high - low > 1:
            middle = (low + high) // 2
            if self.rank_with(middle * each) < self.rank:
                high = middle
            else:
                low = middle
        return high, self.rank_with(high * each)


# ----------------------------------------------------------------------------- over periods


def most_improved(
    con,
    *,
    period: Period | None = None,
    unit: str | None = None,
    level: str = "units",
    rules: Rules | None = None,
) -> pd.DataFrame:
    """Units by the change of their score against the previous period, the largest rise first.

    Columns: unit_id, unit_name, score, previous_score, score_change (score − previous score,
    points per 10 staff), rank, previous_rank, rank_change (previous rank − rank: positive =
    moved up), points, previous_points, improvement_rank (1 = the largest rise; ties share).
    Only units ranked in both periods are compared (a unit new since the previous period, or
    without staff in either, is not listed). `unit` narrows the rows as in `standings`.
    """
    rules = rules or load_rules()
    period = period or default_period()
    keep = ["unit_id", "unit_name", "score", "rank", "points"]
    both = _standings_of(con, [period, period.previous()], level, rules)
    both = _in_scope(con, both[both["ranked"]], unit)
    now = both[both["period"] == str(period)][keep]
    before = both[both["period"] == str(period.previous())][keep]
    frame = now.merge(
        before.drop(columns="unit_name").rename(
            columns={c: f"previous_{c}" for c in ("score", "rank", "points")}
        ),
        on="unit_id",
    )
    frame["score_change"] = frame["score"] - frame["previous_score"]
    frame["rank_change"] = frame["previous_rank"] - frame["rank"]
    frame["improvement_rank"] = _competition_rank(frame["score_change"])
    columns = [
        "unit_id", "unit_name", "score", "previous_score", "score_change", "rank",
        "previous_rank", "rank_change", "points", "previous_points", "improvement_rank",
    ]  # fmt: skip
    return frame.sort_values(["improvement_rank", "unit_name"])[columns].reset_index(drop=True)


def rank_history(
    con,
    *,
    period: Period | None = None,
    unit: str | None = None,
    level: str = "units",
    periods_back: int = HISTORY_PERIODS,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """Every ranked unit's rank in the `periods_back` periods ending with `period`, oldest first.

    Columns: period (text form), period_start (date), unit_id, unit_name, rank, score,
    points, units_ranked — the columns of `standings` for each period, ranked units only.
    """
    rules = rules or load_rules()
    period = period or default_period()
    chosen = [period]
    while len(chosen) < periods_back:
        chosen.append(chosen[-1].previous())
    table = _standings_of(con, list(reversed(chosen)), level, rules)
    table = _in_scope(con, table[table["ranked"]], unit)
    columns = ["period", "period_start", "unit_id", "unit_name", "rank", "score", "points",
               "units_ranked"]  # fmt: skip
    return table[columns].reset_index(drop=True)

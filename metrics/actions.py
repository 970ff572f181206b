"""Units' actions on their survey results: the action plans, who may write them, and whether
plans were made in time (docs/design.md, Survey: acting on the results).

An action responds to one round's results (round_id) for an indicator, and maybe one of its
items; it has an owner, a due date and a status (planned, in_progress, done, dropped). Actions
load as the `actions` file (every rule of metrics.validation) or are created and edited on the
unit page: a unit head for their own units, a change agent for theirs, the steering group and
admins for any unit, staff for none (`may_write`); the scope is checked before anything is
read for the write. Every write in the app is logged in action_events (who, when), which keys
the pages' caches (store.data_version). Only the steering group and admins publish an action
to all staff (`published`, the survey summary page); others' edits keep it as it was.

Plan coverage: of the units with results shown in a round (units without sub-units in the
round's own tree, with a figure the anonymity rules show), the share with an action plan (at
least one action for that round) created within PLAN_DAYS (56, eight weeks) of the round's
results (its closed_on). An action is overdue when its due date has passed and it is still
planned or in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from metrics import practices, store, survey
from metrics.anonymity import ORGANISATION
from metrics.contract import ACTION_STATUSES, KINDS, ROLES_WITH_UNITS
from metrics.units import SCOPE_SQL
from metrics.validation import validate

OPEN_STATUSES = ("planned", "in_progress")
PLAN_DAYS = 56  # an action plan counts when made within eight weeks of the results
PUBLISHERS = ("steering", "admin")  # who publish actions to all staff
WRITERS = (*PUBLISHERS, *ROLES_WITH_UNITS)

ACTION_COLUMNS = [
    "action_id", "unit_id", "unit_name", "round_id", "round_name", "indicator", "item_id",
    "title", "owner", "created_on", "due_on", "status", "practice_id", "practice_title",
    "project_id", "project_title", "published", "overdue", "days_overdue",
]  # fmt: skip

ACTIONS_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT a.action_id, a.unit_id, u.name AS unit_name, a.round_id, r.name AS round_name,
           a.indicator, a.item_id, a.title, a.owner, a.created_on, a.due_on, a.status,
           a.practice_id, p.title AS practice_title, a.project_id, j.title AS project_title,
           a.published,
           a.due_on < $on AND a.status IN ('planned', 'in_progress') AS overdue,
           CASE WHEN a.due_on < $on AND a.status IN ('planned', 'in_progress')
                THEN date_diff('day', a.due_on, $on) END AS days_overdue
    FROM actions a JOIN scope USING (unit_id)
    JOIN units u ON u.unit_id = a.unit_id
    LEFT JOIN survey_rounds r ON r.round_id = a.round_id
    LEFT JOIN practices p ON p.practice_id = a.practice_id
    LEFT JOIN projects j ON j.project_id = a.project_id
    WHERE ($round IS NULL OR a.round_id = $round)
      AND (NOT $published_only OR a.published)
    ORDER BY a.due_on, a.action_id
"""


def action_list(
    con,
    *,
    on: date,
    unit: str | None = None,
    round_id: str | None = None,
    published_only: bool = False,
) -> pd.DataFrame:
    """The actions of a unit with every unit below it (None: the whole organisation), of one
    round's results or all, soonest due first.

    Columns: ACTION_COLUMNS; overdue (due_on before `on`, still planned or in progress) and
    days_overdue (days past due_on on `on`; <NA> where not overdue). Dates as datetime64.
    """
    params = {"unit": unit, "on": on, "round": round_id, "published_only": published_only}
    frame = store.read(con, ACTIONS_SQL, params)
    frame["days_overdue"] = frame["days_overdue"].astype("Int64")
    return frame[ACTION_COLUMNS]


def action_totals(con, *, on: date, unit: str | None = None) -> pd.Series:
    """actions, open (planned or in progress), done, dropped and overdue (actions_overdue):
    counts of the scope's actions on `on`."""
    frame = action_list(con, on=on, unit=unit)
    return pd.Series(
        {
            "actions": len(frame),
            "open": int(frame["status"].isin(OPEN_STATUSES).sum()),
            "done": int((frame["status"] == "done").sum()),
            "dropped": int((frame["status"] == "dropped").sum()),
            "actions_overdue": int(frame["overdue"].sum()),
        }
    )


# ----------------------------------------------------------------------------- inspiration

# The tags (case ignored) that say a good practice is about an indicator: its slug, and the
# words the guide's tags use for it (the demo's and the joint seminars' practices among them).
INDICATOR_TAGS = {
    "satisfaction": ("satisfaction", "työtyytyväisyys", "työhyvinvointi", "hyvinvointi",
                     "kannustimet"),
    "internal_communication": ("internal_communication", "sisäinen viestintä", "viestintä",
                               "tiedotus", "kokoukset"),
    "change_leadership": ("change_leadership", "muutosjohtaminen", "esihenkilöt",
                          "muutosagentit", "mentorointi"),
}  # fmt: skip
INSPIRATION_SQL = f"""
    WITH guide AS ({practices.PRACTICES_SQL})
    SELECT practice_id, title, summary, unit_name, org_name, origin, tags, published_on
    FROM guide
    WHERE len(list_intersect([lower(tag) FOR tag IN tags], $tags::VARCHAR[])) > 0
    ORDER BY published_on DESC NULLS LAST, practice_id
"""
OTHERS_SQL = """
    SELECT a.title, u.name AS unit_name, a.status, a.due_on
    FROM actions a JOIN units u USING (unit_id)
    WHERE a.indicator = $indicator AND a.status IN ('in_progress', 'done')
      AND NOT list_contains($own::VARCHAR[], a.unit_id)
    ORDER BY a.status = 'done' DESC, a.due_on DESC, a.action_id
    LIMIT $limit
"""


def inspiration(con, *, indicator: str) -> pd.DataFrame:
    """Good practices tagged with an indicator (INDICATOR_TAGS), other municipalities' from
    the joint seminars among them (origin seminar), newest first.

    Columns: practice_id, title, summary, unit_name, org_name, origin, tags, published_on."""
    tags = [t.lower() for t in INDICATOR_TAGS.get(indicator, (indicator,))]
    return store.read(con, INSPIRATION_SQL, {"tags": tags})


def others_actions(
    con, *, indicator: str, own: tuple[str, ...] = (), limit: int = 10
) -> pd.DataFrame:
    """What other units do about the same indicator: their actions in progress or done (units
    in `own` left out), done first. Columns: title, unit_name, status, due_on."""
    return store.read(con, OTHERS_SQL, {"indicator": indicator, "own": list(own), "limit": limit})


# ----------------------------------------------------------------------------- plan coverage

# The units without sub-units in a round's own tree (home units), with their names today.
ROUND_LEAVES_SQL = f"""
    WITH tree AS ({survey.ROUND_UNITS_SQL}),
    scope AS ({SCOPE_SQL})
    SELECT t.unit_id, coalesce(u.name, t.unit_id) AS name
    FROM tree t JOIN organisations o USING (org_id) JOIN scope USING (unit_id)
    LEFT JOIN units u ON u.unit_id = t.unit_id
    WHERE o.home AND NOT EXISTS (
        SELECT 1 FROM tree c WHERE c.round_id = t.round_id AND c.parent_id = t.unit_id
    )
    ORDER BY t.position
"""
PLANS_SQL = """
    SELECT unit_id, count(*) AS actions, min(created_on) AS first_created_on,
           count(*) FILTER (WHERE created_on <= $window_end) AS in_time
    FROM actions WHERE round_id = $round GROUP BY unit_id
"""
PLAN_COLUMNS = ["unit_id", "name", "actions", "first_created_on", "has_plan"]


def results_day(con, round_id: str) -> date:
    """The day a round's results came: its closed_on (the rounds' file has no other date)."""
    rounds = survey.rounds(con).set_index("round_id")
    return pd.Timestamp(rounds.at[round_id, "closed_on"]).date()


def plan_status(con, *, round_id: str, unit: str | None = None) -> pd.DataFrame:
    """The units with results shown in a round (see the module), each with its action plan.

    One row per unit without sub-units in the round's own tree (in the scope: a unit with every
    unit below it, None: the whole organisation) whose figure for any indicator is shown.
    Columns: unit_id, name, actions (for that round, any status, a count), first_created_on,
    has_plan (at least one created within PLAN_DAYS of the round's closed_on).
    """
    survey.check_rounds(con, [round_id])
    leaves = store.read(con, ROUND_LEAVES_SQL, {"rounds": [round_id], "unit": unit})
    scores = survey.group_scores(con, round_ids=[round_id])
    shown = scores[(scores["group_id"] != ORGANISATION) & ~scores["suppressed"]]
    shown = set(shown.loc[shown["favourable_pct"].notna(), "group_id"])
    leaves = leaves[leaves["unit_id"].isin(shown)]
    window_end = results_day(con, round_id) + timedelta(days=PLAN_DAYS)
    plans = store.read(con, PLANS_SQL, {"round": round_id, "window_end": window_end})
    frame = leaves.merge(plans, on="unit_id", how="left")
    frame["actions"] = frame["actions"].fillna(0).astype(int)
    frame["has_plan"] = frame["in_time"].fillna(0).astype(int) > 0
    return frame[PLAN_COLUMNS].reset_index(drop=True)


def plan_coverage(con, *, round_id: str, on: date, unit: str | None = None) -> pd.Series:
    """How many units with results shown in the round made an action plan in time.

    round_id; units_with_results, units_with_plan (counts); action_plan_coverage (a share
    0-1, NaN without units); window_ends_on (closed_on + PLAN_DAYS); window_open (`on` is
    before it: plans may still come).
    """
    status = plan_status(con, round_id=round_id, unit=unit)
    ends = results_day(con, round_id) + timedelta(days=PLAN_DAYS)
    units, planned = len(status), int(status["has_plan"].sum())
    return pd.Series(
        {
            "round_id": round_id,
            "units_with_results": units,
            "units_with_plan": planned,
            "action_plan_coverage": planned / units if units else float("nan"),
            "window_ends_on": ends,
            "window_open": on <= ends,
        }
    )


# ----------------------------------------------------------------------------- writes


def may_write(role: str | None, scope: tuple[str, ...] | None, unit_id: str) -> bool:
    """Whether someone may create or edit an action of a unit: the steering group and admins
    any unit; a unit head or change agent only their own units (`scope`, with the units below
    them: metrics.access.allowed_units); staff and strangers none."""
    if role in PUBLISHERS:
        return True
    return role in ROLES_WITH_UNITS and scope is not None and unit_id in scope


class ActionRefused(ValueError):
    """Nothing was written. reason: not_allowed (the unit is outside the writer's units, or
    their role writes no actions), not_found (no such action to edit, or one of a unit outside
    the writer's units: a refusal tells nothing of it), who_required."""

    def __init__(self, reason: str, action_id: str | None = None):
        self.reason, self.action_id = reason, action_id
        super().__init__(f"{action_id or 'action'}: {reason}")


@dataclass(frozen=True)
class Saved:
    action_id: str
    created: bool


NEXT_NUMBER_SQL = """
    SELECT max(CAST(substr(action_id, $start) AS BIGINT)) FROM actions
    WHERE action_id LIKE $prefix || '%' AND regexp_full_match(action_id, $pattern)
"""
FIELDS = ("unit_id", "round_id", "indicator", "item_id", "title", "owner", "created_on",
          "due_on", "status", "practice_id", "project_id", "published")  # fmt: skip


def save_action(
    con,
    *,
    role: str | None,
    scope: tuple[str, ...] | None,
    who: str,
    unit_id: str,
    round_id: str,
    indicator: str,
    title: str,
    owner: str,
    due_on: date | None,
    status: str = "planned",
    item_id: str | None = None,
    practice_id: str | None = None,
    project_id: str | None = None,
    published: bool | None = None,
    action_id: str | None = None,
    now: datetime | None = None,
) -> Saved:
    """Create an action (action_id None: numbered A-YYYY-NNNNN) or edit one, and log it.

    The writer's role and units (`scope`, None: every unit) are checked first, for the unit
    and for an edited action's own unit (ActionRefused, nothing read or written). The row is
    then checked by every rule of an `actions` file (metrics.validation; ImportRejected naming
    each problem, nothing written). An edit keeps its unit, round and created_on; `published`
    is set only by the steering group and admins (None, or another role: kept as it was).
    """
    who = (who or "").strip()
    if not who:
        raise ActionRefused("who_required", action_id)
    if not may_write(role, scope, unit_id):
        raise ActionRefused("not_allowed", action_id)
    now = now or datetime.now()
    existing = None
    if action_id:
        found = store.read(con, "SELECT * FROM actions WHERE action_id = ?", [action_id])
        if found.empty or not may_write(role, scope, found.at[0, "unit_id"]):
            raise ActionRefused("not_found", action_id)
        existing = found.iloc[0]
        unit_id, round_id = existing["unit_id"], existing["round_id"]
    publish = role in PUBLISHERS and published is not None
    row = {
        "action_id": action_id or "A-0",  # a placeholder: the number is taken when written
        "unit_id": unit_id,
        "round_id": round_id,
        "indicator": indicator or "",
        "item_id": item_id or "",
        "title": (title or "").strip(),
        "owner": (owner or "").strip(),
        "created_on": (
            pd.Timestamp(existing["created_on"]).date() if existing is not None else now.date()
        ).isoformat(),
        "due_on": due_on.isoformat() if due_on else "",
        "status": status or "",
        "practice_id": practice_id or "",
        "project_id": project_id or "",
    }
    if publish:
        row["published"] = "true" if published else "false"
    staged = validate(con, KINDS["actions"], pd.DataFrame([row], dtype=str), "form", now.date())
    if not publish:  # the rules keep a published action published; a new one is not
        staged["published"] = bool(existing["published"]) if existing is not None else False
    values = {c: _plain(staged[c].iloc[0]) for c in FIELDS}

    def write(cur) -> Saved:
        number = action_id
        if number is None:
            number = _next_number(cur, now.year)
        names = ", ".join(("action_id", *FIELDS))
        marks = ", ".join("?" for _ in range(len(FIELDS) + 1))
        if action_id is not None:
            cur.execute("DELETE FROM actions WHERE action_id = ?", [action_id])
        cur.execute(f"INSERT INTO actions ({names}) VALUES ({marks})", [number, *values.values()])
        cur.execute(
            "INSERT INTO action_events (action_id, changed_at, changed_by, change, status)"
            " VALUES (?, ?, ?, ?, ?)",
            [number, now, who, "edited" if action_id else "created", values["status"]],
        )
        return Saved(number, created=action_id is None)

    # a duplicate key means another writer took the number first: take the next one
    return store.retrying(con, write, (duckdb.TransactionException, duckdb.ConstraintException))


def _next_number(cur, year: int) -> str:
    prefix = f"A-{year}-"
    params = {"start": len(prefix) + 1, "prefix": prefix, "pattern": f"A-{year}-[0-9]+"}
    highest = cur.execute(NEXT_NUMBER_SQL, params).fetchone()[0]
    return f"{prefix}{(highest or 0) + 1:05d}"


def _plain(value):
    """A staged cell as DuckDB takes it: None for a missing value."""
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy's scalars as Python's


def action_events(con, *, action_id: str) -> pd.DataFrame:
    """An action's log in the app: changed_at, changed_by, change (created, edited), status."""
    return store.read(
        con,
        "SELECT changed_at, changed_by, change, status FROM action_events"
        " WHERE action_id = ? ORDER BY event_id",
        [action_id],
    )


assert set(OPEN_STATUSES) <= set(ACTION_STATUSES)

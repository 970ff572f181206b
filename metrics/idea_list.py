"""Ideas one by one: the idea list, one idea and its events, the categories, the overdue ideas.

Also the rules an idea's row is read by (when it was decided, when implemented, whether it
waits for a decision), which the figures of metrics.ideas count with. Reading only, and never
a submitter: the form's and the triage's writes live in metrics/idea_actions.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from metrics import settings, store
from metrics.contract import DECIDED_STATUSES, IDEA_STATUSES
from metrics.idea_actions import normalise_idea_number
from metrics.periods import Period
from metrics.units import SCOPE_SQL

# Ideas waiting for a decision: the backlog.
WAITING_STATUSES = ("new", "in_review")
# The idea list shows at most this many ideas (the newest); the count says how many matched.
LIST_LIMIT = 500

# The decision date: decided_on, or for a decided idea without one, the day its status changed.
DECIDED_ON_SQL = "coalesce(i.decided_on, i.status_changed_on)"
# The implementation date, likewise.
IMPLEMENTED_ON_SQL = "coalesce(i.implemented_on, i.status_changed_on)"
DECIDED_SQL = f"i.status IN {tuple(DECIDED_STATUSES)}"
WAITING_SQL = f"i.status IN {tuple(WAITING_STATUSES)}"


def decision_target(target_days: int | None) -> int:
    """Days an idea may wait for a decision: target_days, or the setting
    ideas.decision_target_days (30 days)."""
    return settings.load().decision_target_days if target_days is None else int(target_days)


# The idea list's orders, by name (a whitelist: no ORDER BY text comes from a caller).
LIST_ORDERS = {
    "newest": "i.submitted_on DESC, i.idea_id DESC",
    "oldest": "i.submitted_on, i.idea_id",
    "decided": f"{DECIDED_ON_SQL} DESC NULLS LAST, i.idea_id DESC",  # the latest decision first
}

# How many support each idea, and its comments that are not hidden (metrics.idea_talk).
TALK_SQL = """
    LEFT JOIN (SELECT idea_id, count(*) AS supporters FROM idea_supports GROUP BY idea_id) s
        USING (idea_id)
    LEFT JOIN (
        SELECT idea_id, count(*) AS comments FROM idea_comments WHERE hidden_at IS NULL
        GROUP BY idea_id
    ) c USING (idea_id)
"""

LIST_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.idea_id, i.title, i.unit_id, u.name AS unit_name, i.status, i.category,
           i.submitted_on, date_diff('day', i.submitted_on, $on) AS age_days,
           CASE WHEN {DECIDED_SQL} THEN {DECIDED_ON_SQL} END AS decided_on,
           CASE WHEN i.status = 'implemented' THEN {IMPLEMENTED_ON_SQL} END AS implemented_on,
           i.merged_into, i.responsible, i.campaign_id, count(*) OVER () AS matching,
           coalesce(s.supporters, 0) AS supporters, coalesce(c.comments, 0) AS comments
    FROM ideas i JOIN scope USING (unit_id) JOIN units u USING (unit_id)
    {TALK_SQL}
    WHERE ($start IS NULL OR i.submitted_on BETWEEN $start AND $end)
      AND list_contains($statuses, i.status)
      AND ($search IS NULL
           OR contains(lower(i.title), $search)
           OR contains(lower(coalesce(i.description, '')), $search)
           OR lower(i.idea_id) = $number)
    ORDER BY {{order}}
    LIMIT $limit
"""


def idea_list(
    con,
    *,
    on: date,
    period: Period | None = None,
    unit: str | None = None,
    statuses: tuple[str, ...] | None = None,
    search: str | None = None,
    order: str = "newest",
    limit: int | None = LIST_LIMIT,
) -> pd.DataFrame:
    """Ideas matching the filters, newest (or oldest) first, at most `limit` of them.

    idea_id, title, unit_id, unit_name, status, category, submitted_on, age_days (days from
    submission to `on`), decided_on, implemented_on, merged_into, responsible (the person
    responsible for an accepted idea), campaign_id, matching (how many ideas match in all,
    however many are listed), supporters (how many support it), comments (its comments and
    replies not hidden). No submitter, ever, nor a supporter.
    `period` None lists every period; `statuses` None every status; `search` finds text in the
    title or description (case-insensitive) or an idea number, typed loosely ("I-2026-1",
    "2026-1": idea_actions.normalise_idea_number).
    """
    text = (search or "").strip().lower()
    params = {
        "unit": unit,
        "on": on,
        "start": period.start if period else None,
        "end": period.end if period else None,
        "statuses": list(statuses if statuses is not None else IDEA_STATUSES),
        "search": text or None,
        "number": normalise_idea_number(text).lower(),
        "limit": limit if limit is not None else 2**62,
    }
    sql = LIST_SQL.replace("{order}", LIST_ORDERS[order])
    return store.read(con, sql, params)


def ideas_report(con, *, period: Period, unit: str | None = None, on: date | None = None):
    """Every idea of the period with its status and age (report `ideas`); no submitters.

    The columns of idea_list, the dates written YYYY-MM-DD; age_days counts to `on`, default
    today.
    """
    frame = idea_list(con, on=on or date.today(), period=period, unit=unit, limit=None)
    for column in ("submitted_on", "decided_on", "implemented_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return frame


IDEA_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.idea_id, i.title, i.description, i.category, i.unit_id, u.name AS unit_name,
           u.change_agent, i.status, i.submitted_on, i.decided_on, i.implemented_on,
           i.merged_into, i.anonymous, i.benefit_hours_per_year, i.benefit_eur_per_year,
           i.responsible, i.campaign_id
    FROM ideas i JOIN scope USING (unit_id) JOIN units u USING (unit_id)
    WHERE upper(i.idea_id) = upper($idea_id)
    ORDER BY i.idea_id = $idea_id DESC
    LIMIT 1
"""


def idea(con, *, idea_id: str, unit: str | None = None) -> pd.DataFrame:
    """One idea by its number, case ignored and typed loosely ("I-2026-1" is I-2026-00001:
    idea_actions.normalise_idea_number), if it belongs to `unit` or a unit below it (any
    home unit when None); otherwise an empty frame. Columns: idea_id, title, description,
    category, unit_id, unit_name, change_agent, status, submitted_on, decided_on,
    implemented_on, merged_into, anonymous, benefit_hours_per_year, benefit_eur_per_year,
    responsible, campaign_id. No submitter."""
    return store.read(con, IDEA_SQL, {"idea_id": normalise_idea_number(idea_id), "unit": unit})


EVENTS_SQL = """
    SELECT changed_at, changed_by, from_status, to_status, merged_into, note
    FROM idea_events WHERE idea_id = $idea_id ORDER BY event_id
"""


def idea_events(con, *, idea_id: str) -> pd.DataFrame:
    """An idea's event log, oldest first: changed_at (timestamp), changed_by (empty for the
    submission, which never records who sent it), from_status (empty for the submission),
    to_status, merged_into, note."""
    return store.read(con, EVENTS_SQL, {"idea_id": idea_id.strip()})


def categories(con) -> list[str]:
    """The categories ideas have, the most used first (the form offers these)."""
    frame = store.read(
        con,
        "SELECT category FROM ideas WHERE category IS NOT NULL"
        " GROUP BY category ORDER BY count(*) DESC, category",
    )
    return frame["category"].tolist()


def overdue_ideas(
    con,
    *,
    on: date,
    unit: str | None = None,
    target_days: int | None = None,
    limit: int | None = LIST_LIMIT,
) -> pd.DataFrame:
    """The ideas waiting for a decision (new or in_review) on the day `on` for longer than the
    decision target (target_days, by default the setting ideas.decision_target_days), the
    oldest first: the columns of idea_list, matching counting the overdue ideas. No submitter."""
    waiting = idea_list(
        con, on=on, unit=unit, statuses=WAITING_STATUSES, order="oldest", limit=None
    )
    overdue = waiting[waiting["age_days"] > decision_target(target_days)]
    overdue = overdue.assign(matching=len(overdue)).reset_index(drop=True)
    return overdue if limit is None else overdue.head(limit)


# "You said, we did": the ideas implemented lately, with what they bring.
DONE_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.idea_id, i.title, u.name AS unit_name, {IMPLEMENTED_ON_SQL} AS implemented_on,
           i.benefit_hours_per_year, i.benefit_eur_per_year, i.responsible,
           coalesce(s.supporters, 0) AS supporters
    FROM ideas i JOIN scope USING (unit_id) JOIN units u USING (unit_id)
    LEFT JOIN (SELECT idea_id, count(*) AS supporters FROM idea_supports GROUP BY idea_id) s
        USING (idea_id)
    WHERE i.status = 'implemented' AND {IMPLEMENTED_ON_SQL} BETWEEN $since AND $on
    ORDER BY implemented_on DESC, i.idea_id DESC
    LIMIT $limit
"""
DONE_DAYS = 180
DONE_LIMIT = 20


def implemented_recently(
    con, *, on: date, unit: str | None = None, days: int = DONE_DAYS, limit: int = DONE_LIMIT
) -> pd.DataFrame:
    """The ideas implemented in the `days` days up to `on`, the latest first, at most `limit`
    ("you said, we did"): idea_id, title, unit_name, implemented_on, benefit_hours_per_year,
    benefit_eur_per_year (the estimate, where there is one), responsible, supporters."""
    since = on - timedelta(days=days)
    return store.read(con, DONE_SQL, {"unit": unit, "on": on, "since": since, "limit": limit})

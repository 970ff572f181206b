"""Idea campaigns: a time-boxed question to the staff of some units, and what came of it.

The steering group or a change agent opens a campaign (in the app, or a `campaigns` file): a
question (title), why it is asked, the units asked (each with every unit below it; none: the
whole organisation), the days it is open and optionally a survey indicator or a focus area it
serves. The idea form offers the campaigns open today for the sender's unit; an idea that
answers one carries its campaign_id.

A campaign's figures follow the idea figures' rules (docs/design.md): merged ideas count
nowhere; participants are the distinct named senders (pseudonyms, never shown) of its ideas, as
participation counts them, and anonymous ideas count in the ideas but not in the participants;
participation_rate = participants / the staff of the units asked on the campaign's last day
(or today, while it is open); decided and implemented count its ideas that have reached those
statuses so far.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from metrics import store
from metrics.contract import PROGRAMME_INDICATORS, TITLE_MAX, UNIT_SEPARATOR
from metrics.idea_list import DECIDED_SQL, IMPLEMENTED_ON_SQL
from metrics.validation import clean_text

WHY_MAX = 4000
STATES = ("upcoming", "open", "closed")
REPORT_COLUMNS = (
    "campaign_id", "title", "opens_on", "closes_on", "ideas", "participants", "decided",
    "implemented",
)  # fmt: skip


class CampaignRefused(ValueError):
    """A campaign was not opened or closed; nothing was written.

    reason: title_required, title_too_long, why_too_long, dates (closes before it opens),
    unknown_unit, outside_units (a change agent asks only their own units, and at least one),
    unknown_indicator, not_found, already_closed, not_open_yet (only an open campaign closes
    early), who_required.
    """

    def __init__(self, reason: str, **values):
        self.reason, self.values = reason, values
        super().__init__(reason + (f" {values}" if values else ""))


# Each campaign's asked units: every unit below the units it names (all home units for none).
ASKED_SQL = """
    SELECT c.campaign_id, uc.unit_id
    FROM campaigns c JOIN unit_closure uc
      ON list_contains(string_split(c.units, ';'), uc.ancestor_id)
    WHERE c.units IS NOT NULL
    UNION
    SELECT c.campaign_id, h.unit_id FROM campaigns c, home_units h WHERE c.units IS NULL
"""

LIST_SQL = """
    SELECT campaign_id, title, why, units, opens_on, closes_on, indicator, focus,
           CASE WHEN $on < opens_on THEN 'upcoming' WHEN $on > closes_on THEN 'closed'
                ELSE 'open' END AS state
    FROM campaigns
    ORDER BY (CASE WHEN $on BETWEEN opens_on AND closes_on THEN 0
                   WHEN $on < opens_on THEN 1 ELSE 2 END), closes_on DESC, campaign_id
"""


def campaigns(con, *, on: date) -> pd.DataFrame:
    """Every campaign: the open ones first (closing soonest last), then those ahead, then the
    closed, the latest first. campaign_id, title, why, units (ids separated by ';', empty for
    the whole organisation), opens_on, closes_on, indicator, focus, state (upcoming, open or
    closed on the day `on`)."""
    return store.read(con, LIST_SQL, {"on": on})


OPEN_FOR_SQL = f"""
    SELECT c.campaign_id, c.title, c.why, c.closes_on
    FROM campaigns c JOIN ({ASKED_SQL}) a USING (campaign_id)
    WHERE a.unit_id = $unit AND $on BETWEEN c.opens_on AND c.closes_on
    ORDER BY c.closes_on, c.campaign_id
"""


def open_for(con, *, unit: str, on: date) -> pd.DataFrame:
    """The campaigns open on the day `on` that ask `unit` (it, or a unit above it, is named):
    campaign_id, title, why, closes_on; the soonest to close first."""
    return store.read(con, OPEN_FOR_SQL, {"unit": unit, "on": on})


def open_for_any(con, *, unit: str | None, on: date) -> pd.DataFrame:
    """The campaigns open on the day `on` for `unit` (open_for); for no unit, every campaign
    open that day (the form offers these before a unit is chosen; the send checks the unit)."""
    if unit:
        return open_for(con, unit=unit, on=on)
    frame = campaigns(con, on=on)
    return frame[frame["state"] == "open"][["campaign_id", "title", "why", "closes_on"]]


def is_open_for(con, *, campaign_id: str, unit: str, on: date | None = None) -> bool:
    """Whether an idea of `unit` may answer the campaign on the day `on` (today)."""
    found = open_for(con, unit=unit, on=on or date.today())
    return campaign_id in set(found["campaign_id"])


FIGURES_SQL = f"""
    WITH asked AS ({ASKED_SQL}),
    mine AS (
        SELECT i.*, {DECIDED_SQL} AS is_decided, i.status = 'implemented' AS is_implemented
        FROM ideas i WHERE i.campaign_id IS NOT NULL AND i.status <> 'merged'
    ),
    counted AS (
        SELECT campaign_id, count(*) AS ideas,
               count(DISTINCT submitter) AS participants,
               count(DISTINCT unit_id) AS units_taking_part,
               count(*) FILTER (WHERE is_decided) AS decided,
               count(*) FILTER (WHERE is_implemented) AS implemented
        FROM mine GROUP BY campaign_id
    ),
    staff AS (
        SELECT a.campaign_id, count(*) AS units_asked, sum(hc.headcount) AS staff
        FROM asked a JOIN campaigns c USING (campaign_id)
        LEFT JOIN headcount_on(least(c.closes_on, $on)) hc USING (unit_id)
        GROUP BY a.campaign_id
    )
    SELECT c.campaign_id, c.title, c.opens_on, c.closes_on,
           coalesce(n.ideas, 0) AS ideas, coalesce(n.participants, 0) AS participants,
           coalesce(n.decided, 0) AS decided, coalesce(n.implemented, 0) AS implemented,
           coalesce(n.units_taking_part, 0) AS units_taking_part,
           coalesce(s.units_asked, 0) AS units_asked, coalesce(s.staff, 0) AS staff,
           CASE WHEN s.staff > 0 THEN coalesce(n.participants, 0) / s.staff END
               AS participation_rate
    FROM campaigns c LEFT JOIN counted n USING (campaign_id) LEFT JOIN staff s USING (campaign_id)
    WHERE $campaign IS NULL OR c.campaign_id = $campaign
    ORDER BY c.opens_on DESC, c.campaign_id
"""


def campaign_figures(con, *, on: date, campaign_id: str | None = None) -> pd.DataFrame:
    """Each campaign's figures (one campaign's with `campaign_id`), the latest first.

    campaign_id, title, opens_on, closes_on, ideas (its ideas, merged ones not counted),
    participants (distinct named senders), decided, implemented (its ideas that have reached
    those so far), units_taking_part (units its ideas came from), units_asked, staff (of the
    units asked, on its last day or `on` if earlier), participation_rate (participants / staff,
    a fraction; empty without staff)."""
    return store.read(con, FIGURES_SQL, {"on": on, "campaign": campaign_id})


def campaigns_report(con, *, on: date | None = None, **_) -> pd.DataFrame:
    """Report `campaigns`: every campaign with its figures in REPORT_COLUMNS, dates YYYY-MM-DD."""
    frame = campaign_figures(con, on=on or date.today())[list(REPORT_COLUMNS)].copy()
    for column in ("opens_on", "closes_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return frame


IDEAS_SQL = f"""
    SELECT i.idea_id, i.title, i.unit_id, u.name AS unit_name, i.status, i.submitted_on,
           CASE WHEN i.status = 'implemented' THEN {IMPLEMENTED_ON_SQL} END AS implemented_on,
           i.responsible,
           (SELECT count(*) FROM idea_supports s WHERE s.idea_id = i.idea_id) AS supporters
    FROM ideas i JOIN units u USING (unit_id)
    WHERE i.campaign_id = $campaign
      AND ($units IS NULL OR list_contains($units::VARCHAR[], i.unit_id))
    ORDER BY supporters DESC, i.submitted_on DESC, i.idea_id DESC
"""


def campaign_ideas(con, *, campaign_id: str, units: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A campaign's ideas, the most supported first: idea_id, title, unit_id, unit_name, status,
    submitted_on, implemented_on, responsible, supporters. `units` limits them to a visitor's
    units (None: all). No submitter."""
    return store.read(
        con, IDEAS_SQL, {"campaign": campaign_id, "units": list(units) if units else None}
    )


# ----------------------------------------------------------------------------- writes


def _next_id(cur, year: int) -> str:
    prefix = f"C-{year}-"
    (taken,) = cur.execute(
        "SELECT count(*) FROM campaigns WHERE campaign_id LIKE ?", [prefix + "%"]
    ).fetchone()
    number = taken + 1
    while cur.execute(
        "SELECT 1 FROM campaigns WHERE campaign_id = ?", [f"{prefix}{number:02d}"]
    ).fetchone():
        number += 1
    return f"{prefix}{number:02d}"


def _check_units(cur, units: tuple[str, ...], scope) -> None:
    known = {r[0] for r in cur.execute("SELECT unit_id FROM units").fetchall()}
    if unknown := [u for u in units if u not in known]:
        raise CampaignRefused("unknown_unit", unit=unknown[0])
    if scope is not None and (not units or any(u not in scope for u in units)):
        raise CampaignRefused("outside_units")


def open_campaign(
    con,
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    who: str,
    why: str = "",
    units: tuple[str, ...] = (),
    indicator: str | None = None,
    focus: str | None = None,
    scope: tuple[str, ...] | None = None,
    now: datetime | None = None,
) -> str:
    """Open a campaign in the app; returns its id (C-YYYY-NN). `scope` is the opener's units
    (None: every unit, the steering group's); a change agent asks only units of their own, and
    at least one. Logged in idea_talk_events with who opened it. Raises CampaignRefused."""
    title, why = clean_text(title or "").strip(), clean_text(why or "").strip()
    focus = clean_text(focus or "").strip() or None
    if not (who or "").strip():
        raise CampaignRefused("who_required")
    if not title:
        raise CampaignRefused("title_required")
    if len(title) > TITLE_MAX or (focus and len(focus) > TITLE_MAX):
        raise CampaignRefused("title_too_long", limit=TITLE_MAX)
    if len(why) > WHY_MAX:
        raise CampaignRefused("why_too_long", limit=WHY_MAX)
    if closes_on < opens_on:
        raise CampaignRefused("dates")
    units = tuple(dict.fromkeys(u for u in units if u))
    now = now or datetime.now()

    def write(cur) -> str:
        _check_units(cur, units, scope)
        known = (
            indicator in PROGRAMME_INDICATORS
            or cur.execute("SELECT 1 FROM survey_items WHERE indicator = ?", [indicator]).fetchone()
        )
        if indicator and not known:
            raise CampaignRefused("unknown_indicator")
        campaign_id = _next_id(cur, now.year)
        cur.execute(
            "INSERT INTO campaigns (campaign_id, title, why, units, opens_on, closes_on,"
            " indicator, focus) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [campaign_id, title, why or None, UNIT_SEPARATOR.join(units) or None, opens_on,
             closes_on, indicator or None, focus],
        )  # fmt: skip
        _log(cur, now, campaign_id, who, "opened")
        return campaign_id

    conflicts = (duckdb.TransactionException, duckdb.ConstraintException)
    return store.retrying(con, write, conflicts)


def close_campaign(
    con,
    *,
    campaign_id: str,
    who: str,
    on: date | None = None,
    scope: tuple[str, ...] | None = None,
    now: datetime | None = None,
) -> None:
    """Close a campaign early: it closes on the day `on` (today). A change agent closes only a
    campaign that asks their own units. Raises CampaignRefused (not_found, already_closed,
    outside_units)."""
    if not (who or "").strip():
        raise CampaignRefused("who_required")
    now = now or datetime.now()
    on = on or now.date()

    def write(cur) -> None:
        row = cur.execute(
            "SELECT units, opens_on, closes_on FROM campaigns WHERE campaign_id = ?",
            [campaign_id],
        ).fetchone()
        if row is None:
            raise CampaignRefused("not_found")
        if scope is not None:
            _check_units(cur, tuple(u for u in (row[0] or "").split(UNIT_SEPARATOR) if u), scope)
        if row[2] < on:
            raise CampaignRefused("already_closed")
        if row[1] > on:
            raise CampaignRefused("not_open_yet")
        cur.execute("UPDATE campaigns SET closes_on = ? WHERE campaign_id = ?", [on, campaign_id])
        _log(cur, now, campaign_id, who, "closed")

    store.retrying(con, write, (duckdb.TransactionException,))


def _log(cur, now, campaign_id, who, what) -> None:
    cur.execute(
        "INSERT INTO idea_talk_events (happened_at, action, campaign_id, done_by, note)"
        " VALUES (?, 'campaign', ?, ?, ?)",
        [now, campaign_id, who.strip(), what],
    )


def indicators(con) -> list[str]:
    """The survey indicators a campaign may serve: those of the survey items, in order."""
    frame = store.read(con, "SELECT DISTINCT indicator FROM survey_items ORDER BY indicator")
    return frame["indicator"].tolist()

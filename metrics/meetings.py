"""The steering group's meetings, and the days a meeting pack covers.

Meetings are kept in Pöhinä (the `meetings` kind: meeting_id, held_on, title), loaded from a
file or added on the meeting-pack page. A pack is for one meeting and covers the days since
the previous one:

- a meeting with an earlier one: from the earlier meeting's day to the day before this one
  (for a meeting still ahead, to yesterday, the last whole day of data);
- the first meeting: the last complete month before it;
- no meeting chosen: the next meeting (today's, or the first ahead) if there is one; else the
  days since the latest meeting, to yesterday; else, with no meetings at all, the last
  complete month.

Each pack is compared with the days the previous meeting's pack covered (for the first
meeting, or a period chosen by hand, with the period of equal length just before).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from metrics import periods, store
from metrics.periods import Period

MEETINGS_SQL = "SELECT meeting_id, held_on, title FROM meetings ORDER BY held_on, meeting_id"


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    held_on: date
    title: str = ""


@dataclass(frozen=True)
class Window:
    """The days a pack covers (period) and the days it is compared with (previous), with the
    meeting it is for and the meeting before it (None where there is none)."""

    period: Period
    previous: Period
    meeting: Meeting | None = None
    previous_meeting: Meeting | None = None


def meetings(con) -> list[Meeting]:
    """Every meeting, the earliest first."""
    frame = store.read(con, MEETINGS_SQL)
    return [
        Meeting(
            row.meeting_id,
            pd.Timestamp(row.held_on).date(),
            row.title if isinstance(row.title, str) else "",
        )
        for row in frame.itertuples()
    ]


def window(
    con,
    *,
    meeting_id: str | None = None,
    period: Period | None = None,
    since: date | None = None,
    today: date | None = None,
) -> Window:
    """The days a pack covers: for a meeting, a period, the days since a date (to yesterday),
    or by default (see the module). An unknown meeting or a date not before today raises
    ValueError."""
    today = today or date.today()
    if period is not None:
        return Window(period, period.previous())
    if since is not None:
        if since >= today:
            raise ValueError(f"--since {since.isoformat()}: the date must be before today")
        chosen = Period(since, today - timedelta(days=1))
        return Window(chosen, chosen.previous())
    found = meetings(con)
    if meeting_id is not None:
        ids = [m.meeting_id for m in found]
        if meeting_id not in ids:
            known = ", ".join(ids) or "none yet"
            raise ValueError(f"no meeting {meeting_id!r}; the meetings are: {known}")
        return _meeting_window(found, ids.index(meeting_id), today)
    ahead = [n for n, m in enumerate(found) if m.held_on >= today]
    if ahead:
        return _meeting_window(found, ahead[0], today)
    if found:
        latest = len(found) - 1
        start = found[latest].held_on
        chosen = Period(start, max(start, today - timedelta(days=1)))
        before = _meeting_window(found, latest, today).period
        return Window(chosen, before, None, found[latest])
    chosen = periods.last_complete_month(today)
    return Window(chosen, chosen.previous())


def _meeting_period(found: list[Meeting], index: int, today: date) -> Period:
    meeting = found[index]
    if index == 0:
        return periods.last_complete_month(min(meeting.held_on, today))
    start = found[index - 1].held_on
    end = min(meeting.held_on, today) - timedelta(days=1)
    return Period(start, max(start, end))


def _meeting_window(found: list[Meeting], index: int, today: date) -> Window:
    chosen = _meeting_period(found, index, today)
    if index == 0:
        return Window(chosen, chosen.previous(), found[index], None)
    before = _meeting_period(found, index - 1, today)
    return Window(chosen, before, found[index], found[index - 1])


def add_meeting(
    con, *, held_on: date, title: str = "", who: str | None = None, today: date | None = None
):
    """Add (or retitle) the meeting on a day, through the importer like a one-row `meetings`
    file: checked by the same rules, logged in the import log by `who`. Its id is M and the
    date (M20261105); adding the same day again changes its title. Returns the ImportResult;
    raises ImportRejected naming the problem."""
    from metrics import imports  # the importer builds on this package's reading modules

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["meeting_id", "held_on", "title"])
    writer.writerow([f"M{held_on:%Y%m%d}", held_on.isoformat(), (title or "").strip()])
    data = buffer.getvalue().encode("utf-8")
    checked = imports.check_file(con, "meetings", data, file_name="meeting form", today=today)
    return imports.commit(con, checked, imported_by=who)

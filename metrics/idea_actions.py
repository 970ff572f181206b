"""Writes to ideas: a staff member's submission, and a change agent's status changes and merges.

Every write is one transaction that also appends to the event log (idea_events: who, when,
from, to, note), and decided_on / implemented_on follow from the log. Concurrent writers are
safe: DuckDB refuses the second of two conflicting transactions (TransactionException, or a
duplicate key), and each action then runs again from the start, re-reading what it depends on.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from metrics import settings, store
from metrics.contract import DECIDED_STATUSES, TITLE_MAX
from metrics.validation import clean_text

# The path an idea takes is new → in_review → accepted → in_trial → implemented; any open
# status may also go to rejected or parked, or be merged into another idea. implemented,
# rejected and merged are final (no entry here).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_review", "rejected", "parked", "merged"),
    "in_review": ("accepted", "rejected", "parked", "merged"),
    "accepted": ("in_trial", "rejected", "parked", "merged"),
    "in_trial": ("implemented", "rejected", "parked", "merged"),
    "parked": ("rejected", "merged"),
}
OPEN_STATUSES = tuple(TRANSITIONS)
TITLE_MIN = 3
DESCRIPTION_MAX = 4000
NAME_MAX = 200


# An idea number as people type it: "I-2026-1", "i-2026-00001", "2026-1", "I 2026 1".
IDEA_NUMBER = re.compile(r"(?:I\s*-?\s*)?(\d{4})\s*[-\s]\s*(\d{1,9})", re.IGNORECASE)


def normalise_idea_number(text: str | None) -> str:
    """An idea number as it is stored, I-YYYY-NNNNN, from one typed loosely: "I-2026-1",
    "i-2026-00001" and "2026-1" are all I-2026-00001. Anything else (an imported file's own
    numbers, say "M4") comes back as typed, without the spaces around it; the lookups ignore
    its case."""
    typed = (text or "").strip()
    found = IDEA_NUMBER.fullmatch(typed)
    if found is None:
        return typed
    return f"I-{found[1]}-{int(found[2]):05d}"


def allowed_changes(status: str) -> tuple[str, ...]:
    """The statuses an idea in `status` may move to (merged means: merge into another idea)."""
    return TRANSITIONS.get(status, ())


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form's input: the field, a reason code and its values.

    Reasons: required, too_short, too_long (values: limit), unknown_unit, daily_limit (the
    sender has sent `limit` ideas today already; field: sender), not_open (field: campaign;
    the campaign is not open today for the idea's unit).
    """

    field: str
    reason: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" + (f" {self.values}" if self.values else "")


class IdeaInvalid(ValueError):
    """The idea was not saved; `problems` says what to fix, every problem at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class ChangeRefused(ValueError):
    """A status change or merge was refused; nothing was written.

    reason: not_found (the idea does not exist), not_allowed (the status does not allow the
    change; `allowed` lists what it does allow), merge_target_missing, merge_into_itself,
    merge_target_merged (merge into the idea it was merged into instead: `target_into`),
    merge_target_not_in_units (for someone with a scope of units: no idea of that number in
    their units, whether it is missing or another unit's, so nothing of it is told),
    merge_target_merged_outside (the target was merged into an idea outside their units),
    who_required, responsible_not_accepted (a responsible person is named for an accepted,
    in-trial or implemented idea only), responsible_too_long. An idea outside the acting
    person's units is not_found.
    """

    def __init__(
        self,
        reason: str,
        idea_id: str,
        *,
        status: str | None = None,
        wanted: str | None = None,
        target: str | None = None,
        target_into: str | None = None,
    ):
        self.reason, self.idea_id, self.status, self.wanted = reason, idea_id, status, wanted
        self.target, self.target_into = target, target_into
        self.allowed = allowed_changes(status) if status else ()
        text = f"{idea_id}: {reason}"
        if reason == "not_allowed":
            allowed = ", ".join(self.allowed) or "nothing: the status is final"
            text = f"{idea_id} is {status}; it cannot move to {wanted}. Allowed: {allowed}"
        super().__init__(text)


@dataclass(frozen=True)
class Submitted:
    idea_id: str
    created: bool  # False when the token had already sent this idea (a double click, a rerun)


def pseudonym(identity: str) -> str:
    """An opaque, stable pseudonym for a person (their name or e-mail, case and space ignored):
    a keyed hash, so the same person counts once in participation and is never shown.
    The key is POHINA_PSEUDONYM_KEY (set it in production; the default is for the demo)."""
    key = os.environ.get("POHINA_PSEUDONYM_KEY", "pohina-demo").encode()
    normalised = " ".join(identity.split()).casefold().encode()
    return "p-" + hmac.new(key, normalised, hashlib.sha256).hexdigest()[:20]


def check_idea(
    con,
    *,
    title: str,
    unit_id: str | None,
    description: str = "",
    category: str | None = None,
    anonymous: bool = True,
    identity: str | None = None,
    campaign_id: str | None = None,
    on: date | None = None,
) -> list[Problem]:
    """Every problem with a form's idea (an empty list when it can be saved). An idea for a
    campaign must be for a unit the campaign asks, on a day it is open (`on`, today)."""
    problems = []
    title = (title or "").strip()
    if not title:
        problems.append(Problem("title", "required"))
    elif len(title) < TITLE_MIN:
        problems.append(Problem("title", "too_short", {"limit": TITLE_MIN}))
    elif len(title) > TITLE_MAX:
        problems.append(Problem("title", "too_long", {"limit": TITLE_MAX}))
    if len((description or "").strip()) > DESCRIPTION_MAX:
        problems.append(Problem("description", "too_long", {"limit": DESCRIPTION_MAX}))
    if category and len(category) > TITLE_MAX:
        problems.append(Problem("category", "too_long", {"limit": TITLE_MAX}))
    if not unit_id:
        problems.append(Problem("unit", "required"))
    elif store.read(con, "SELECT 1 FROM units WHERE unit_id = ?", [unit_id]).empty:
        problems.append(Problem("unit", "unknown_unit"))
    if not anonymous:
        name = (identity or "").strip()
        if not name:
            problems.append(Problem("identity", "required"))
        elif len(name) > NAME_MAX:
            problems.append(Problem("identity", "too_long", {"limit": NAME_MAX}))
    if campaign_id and unit_id:
        from metrics import campaigns  # campaigns reads ideas: imported here, not at the top

        if not campaigns.is_open_for(con, campaign_id=campaign_id, unit=unit_id, on=on):
            problems.append(Problem("campaign", "not_open"))
    return problems


def next_idea_id(cur, year: int) -> str:
    """The next number, I-2026-00124, from the sequence idea_number_seq: parallel sends never
    take the same number (a sequence does not conflict between transactions, where "the year's
    highest + 1" did), and numbers only grow. One sequence serves every year, so a year's first
    number continues from the last; a number rolled back is not reused.

    A sequence behind the year's highest number (a database numbered before the sequence, ideas
    imported with form numbers) is first moved past it, in one statement."""
    prefix = f"I-{year}-"
    number = cur.execute("SELECT nextval('idea_number_seq')").fetchone()[0]
    highest = cur.execute(
        "SELECT max(CAST(substr(idea_id, ?) AS BIGINT)) FROM ideas"
        " WHERE idea_id LIKE ? AND regexp_full_match(idea_id, ?)",
        [len(prefix) + 1, f"{prefix}%", re.escape(prefix) + r"[0-9]+"],
    ).fetchone()[0]
    if highest is not None and number <= highest:
        number = cur.execute(
            "SELECT max(nextval('idea_number_seq')) FROM range(?)", [highest + 1 - number]
        ).fetchone()[0]
    return f"{prefix}{number:05d}"


def send_counter_key(identity: str, day: date) -> str:
    """The key of a person's sends of one day (idea_send_counts): a keyed hash of the identity
    and the day, so the counter holds no e-mail, differs from the person's pseudonym (an
    anonymous idea's sender cannot be matched to their named ideas) and differs every day."""
    key = os.environ.get("POHINA_PSEUDONYM_KEY", "pohina-demo").encode()
    normalised = " ".join(identity.split()).casefold()
    message = f"sends\x00{day.isoformat()}\x00{normalised}".encode()
    return "c-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


# One more send of a person today; yesterday's counters are dropped (nothing older is needed).
COUNT_SEND_SQL = """
    INSERT INTO idea_send_counts (day, person, sends) VALUES (?, ?, 1)
    ON CONFLICT (day, person) DO UPDATE SET sends = sends + 1
    RETURNING sends
"""


def _count_send(cur, sender: str, day: date, limit: int) -> None:
    """Count one send of `sender` today, or refuse it (IdeaInvalid: daily_limit) beyond `limit`."""
    cur.execute("DELETE FROM idea_send_counts WHERE day < ?", [day])
    sends = cur.execute(COUNT_SEND_SQL, [day, send_counter_key(sender, day)]).fetchone()[0]
    if sends > limit:
        raise IdeaInvalid([Problem("sender", "daily_limit", {"limit": limit})])


def submit_idea(
    con,
    *,
    token: str,
    title: str,
    unit_id: str | None,
    description: str = "",
    category: str | None = None,
    anonymous: bool = True,
    identity: str | None = None,
    sender: str | None = None,
    campaign_id: str | None = None,
    now: datetime | None = None,
) -> Submitted:
    """Save a staff member's idea as `new`, with its submission in the event log.

    `token` is the form's idempotency key: sending the same token again (a double click, a
    rerun) returns the idea it already created instead of a second one. `identity` (a name or
    e-mail, for a named idea) is stored only as a pseudonym; an anonymous idea keeps none.

    `sender` is the signed-in person's verified e-mail (None in the demo, where `identity` is
    whatever was typed). With a sender, a named idea's submitter is the sender's pseudonym, and
    `identity` is ignored; and the sender may send at most the setting
    ideas.max_sends_per_day ideas a day, named or anonymous (counted in idea_send_counts).
    `campaign_id` names the campaign the idea answers (open today for its unit).
    Raises IdeaInvalid listing every problem (or the daily limit); nothing is written then.
    """
    # checked and stored without control characters, as a file's text is (validation)
    title, description, category = (clean_text(v or "") for v in (title, description, category))
    if sender is not None and not anonymous:
        identity = sender
    now = now or datetime.now()
    problems = check_idea(
        con,
        title=title,
        unit_id=unit_id,
        description=description,
        category=category,
        anonymous=anonymous,
        identity=identity,
        campaign_id=campaign_id,
        on=now.date(),
    )
    if not token:
        raise ValueError("a submission needs its form's token")
    if problems:
        raise IdeaInvalid(problems)
    submitter = None if anonymous else pseudonym(identity or "")
    limit = settings.load().max_sends_per_day if sender else 0

    def write(cur) -> Submitted:
        found = cur.execute(
            "SELECT idea_id FROM idea_submissions WHERE token = ?", [token]
        ).fetchone()
        if found:
            return Submitted(found[0], created=False)
        if sender:
            _count_send(cur, sender, now.date(), limit)
        idea_id = next_idea_id(cur, now.year)
        cur.execute(
            "INSERT INTO ideas (idea_id, unit_id, submitted_on, title, status, description,"
            " category, status_changed_on, submitter, anonymous, campaign_id)"
            " VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?)",
            [
                idea_id,
                unit_id,
                now.date(),
                title.strip(),
                (description or "").strip() or None,
                (category or "").strip() or None,
                now.date(),
                submitter,
                anonymous,
                campaign_id or None,
            ],
        )
        cur.execute(
            "INSERT INTO idea_submissions (token, idea_id, submitted_at) VALUES (?, ?, ?)",
            [token, idea_id, now],
        )
        _log(cur, idea_id, now, None, None, "new")
        return Submitted(idea_id, created=True)

    # A duplicate key means another submission took the number (or this token) first.
    return store.retrying(con, write, (duckdb.TransactionException, duckdb.ConstraintException))


def change_status(
    con,
    *,
    idea_id: str,
    to_status: str,
    who: str,
    note: str | None = None,
    now: datetime | None = None,
    units: tuple[str, ...] | None = None,
) -> str:
    """Move an idea to `to_status` if its current status allows it (TRANSITIONS); log who,
    when, from, to and the note; set decided_on (first decision) and implemented_on from it.

    Returns the status the idea came from. Raises ChangeRefused, writing nothing, when the
    idea is missing or the change is not allowed (a merge goes through `merge`).
    `units` is the acting person's scope (None: every unit): an idea outside it is not_found.
    """
    if to_status == "merged":
        raise ValueError("merging needs the idea to merge into: use merge()")
    return _change(con, idea_id, to_status, who, note, now, None, units)


def merge(
    con,
    *,
    idea_id: str,
    into: str,
    who: str,
    note: str | None = None,
    now: datetime | None = None,
    units: tuple[str, ...] | None = None,
) -> str:
    """Merge an open idea into another idea (a duplicate): status merged, merged_into recorded
    on the idea and in the log. The target must exist, be another idea and not itself be
    merged. With `units` (the acting person's scope; None: every unit) both ideas must be in
    those units, and a refusal tells nothing of an idea outside them.
    Returns the status the idea came from; raises ChangeRefused otherwise."""
    return _change(con, idea_id, "merged", who, note, now, normalise_idea_number(into), units)


# decided_on is the day of the first decision; implemented_on the day it was implemented.
CHANGE_SQL = """
    UPDATE ideas SET
        status = $to,
        status_changed_on = $today,
        decided_on = CASE WHEN $decided THEN coalesce(decided_on, $today) ELSE decided_on END,
        implemented_on = CASE WHEN $to = 'implemented' THEN $today ELSE implemented_on END,
        merged_into = CASE WHEN $to = 'merged' THEN $into ELSE merged_into END
    WHERE idea_id = $idea_id AND status = $from
"""


def _change(con, idea_id, to_status, who, note, now, into, units=None) -> str:
    idea_id = normalise_idea_number(idea_id)
    who = (who or "").strip()
    if not who:
        raise ChangeRefused("who_required", idea_id)
    now = now or datetime.now()

    def write(cur) -> str:
        row = cur.execute(
            "SELECT status, unit_id FROM ideas WHERE idea_id = ?", [idea_id]
        ).fetchone()
        if row is None or (units is not None and row[1] not in units):
            raise ChangeRefused("not_found", idea_id)
        status = row[0]
        if to_status not in allowed_changes(status):
            raise ChangeRefused("not_allowed", idea_id, status=status, wanted=to_status)
        if into is not None:
            _check_merge_target(cur, idea_id, into, units)
        today = now.date()
        cur.execute(
            CHANGE_SQL,
            {
                "to": to_status,
                "today": today,
                "decided": to_status in DECIDED_STATUSES,
                "into": into,
                "idea_id": idea_id,
                "from": status,
            },
        )
        _log(cur, idea_id, now, who, status, to_status, into, note)
        return status

    return store.retrying(con, write, (duckdb.TransactionException,))


def _check_merge_target(cur, idea_id: str, into: str, units) -> None:
    """The target exists, is another idea, is not merged itself and, for someone with a scope of
    units, is in those units: a target outside them is refused exactly as a missing one, so the
    refusal tells nothing of it (neither that it exists nor its status)."""
    if into == idea_id:
        raise ChangeRefused("merge_into_itself", idea_id, target=into)
    row = cur.execute(
        "SELECT status, merged_into, unit_id FROM ideas WHERE idea_id = ?", [into]
    ).fetchone()
    if units is not None and (row is None or row[2] not in units):
        raise ChangeRefused("merge_target_not_in_units", idea_id, target=into)
    if row is None:
        raise ChangeRefused("merge_target_missing", idea_id, target=into)
    if row[0] == "merged":
        went = cur.execute("SELECT unit_id FROM ideas WHERE idea_id = ?", [row[1]]).fetchone()
        if units is not None and (went is None or went[0] not in units):
            # merged into another unit's idea: its number is not told either
            raise ChangeRefused("merge_target_merged_outside", idea_id, target=into)
        raise ChangeRefused("merge_target_merged", idea_id, target=into, target_into=row[1])


def _log(cur, idea_id, now, who, from_status, to_status, into=None, note=None) -> None:
    cur.execute(
        "INSERT INTO idea_events (idea_id, changed_at, changed_by, from_status, to_status,"
        " merged_into, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [idea_id, now, who, from_status, to_status, into, (note or "").strip() or None],
    )


# The statuses an idea has a responsible person in: accepted and on its way to being done.
RESPONSIBLE_STATUSES = ("accepted", "in_trial", "implemented")


def set_responsible(
    con,
    *,
    idea_id: str,
    responsible: str | None,
    who: str,
    now: datetime | None = None,
    units: tuple[str, ...] | None = None,
) -> None:
    """Triage names the person responsible for an accepted idea (a name or an e-mail, shown on
    the board, in triage and on the unit page); empty clears it. Logged in idea_talk_events
    with who named them. Raises ChangeRefused: not_found (also outside `units`), who_required,
    responsible_not_accepted, responsible_too_long."""
    idea_id = normalise_idea_number(idea_id)
    who = (who or "").strip()
    if not who:
        raise ChangeRefused("who_required", idea_id)
    named = clean_text(responsible or "").strip() or None
    if named and len(named) > NAME_MAX:
        raise ChangeRefused("responsible_too_long", idea_id)
    now = now or datetime.now()

    def write(cur) -> None:
        row = cur.execute(
            "SELECT status, unit_id FROM ideas WHERE idea_id = ?", [idea_id]
        ).fetchone()
        if row is None or (units is not None and row[1] not in units):
            raise ChangeRefused("not_found", idea_id)
        if row[0] not in RESPONSIBLE_STATUSES:
            raise ChangeRefused("responsible_not_accepted", idea_id, status=row[0])
        cur.execute("UPDATE ideas SET responsible = ? WHERE idea_id = ?", [named, idea_id])
        cur.execute(
            "INSERT INTO idea_talk_events (happened_at, action, idea_id, done_by, note)"
            " VALUES (?, 'responsible', ?, ?, ?)",
            [now, idea_id, who, named],
        )

    store.retrying(con, write, (duckdb.TransactionException,))

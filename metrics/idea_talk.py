"""Staff take part in ideas: they support an idea, comment on it and follow it.

Supports: one per person and idea, withdrawn at will. The person is stored only as
idea_actions.pseudonym (a keyed hash) and never read back out: the pages get a count, and
whether "you" support it, never who does.

Comments: plain text, one level of replies, named or anonymous by the rules of ideas: signed in,
a named comment is the signed-in person's; in the demo, whoever types a name. An anonymous one
keeps no author at all. A change agent hides a comment with a reason, in their own units only;
the text stays for the admin, and everyone else reads "hidden by a change agent: <reason>".

Following: an idea's sender and its named commenters find it among the ideas they follow; anyone
looks an idea up by its number (idea_list.idea) with its history and comments.

Every write is one transaction that appends to idea_talk_events (store.data_version reads its
largest id, so the pages' caches see the write); a withdrawn support too. Nothing here ranks or
lists a person.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from metrics import store
from metrics.idea_actions import NAME_MAX, normalise_idea_number, pseudonym
from metrics.validation import clean_text

COMMENT_MAX = 2000
REASON_MAX = 500


class TalkRefused(ValueError):
    """A support, comment or hide was refused; nothing was written.

    reason: not_found (no such idea, or not in the acting person's units: nothing of it is
    told), merged (support the idea it was merged into: `target`), empty, too_long (limit),
    identity_required (a named comment in the demo needs a name), reply_not_found,
    reply_to_reply (replies go one level deep), comment_not_found (or outside the units),
    reason_required, who_required, already_hidden.
    """

    def __init__(self, reason: str, *, target: str | None = None, limit: int | None = None):
        self.reason, self.target, self.limit = reason, target, limit
        super().__init__(reason + (f" ({target})" if target else ""))


def _log(cur, now, action, *, idea_id=None, comment_id=None, done_by=None, note=None) -> None:
    cur.execute(
        "INSERT INTO idea_talk_events (happened_at, action, idea_id, comment_id, done_by, note)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [now, action, idea_id, comment_id, done_by, note],
    )


def _idea_in_scope(cur, idea_id: str, units) -> tuple[str, str]:
    """(idea_id as stored, status) of an idea the acting person may see, or TalkRefused."""
    row = cur.execute(
        "SELECT idea_id, status, unit_id, merged_into FROM ideas WHERE upper(idea_id) = upper(?)"
        " ORDER BY idea_id = ? DESC LIMIT 1",
        [idea_id, idea_id],
    ).fetchone()
    if row is None or (units is not None and row[2] not in units):
        raise TalkRefused("not_found")
    if row[1] == "merged":
        raise TalkRefused("merged", target=row[3])
    return row[0], row[1]


# ----------------------------------------------------------------------------- supports


def support(con, *, idea_id: str, person: str, units=None, now: datetime | None = None) -> bool:
    """`person` (an e-mail, or the demo's session identity) supports an idea; True when the
    support is new, False when they already supported it (a double click). `units` is the
    person's scope (None: every unit). Raises TalkRefused (not_found, merged)."""
    if not (person or "").strip():
        raise TalkRefused("who_required")
    now = now or datetime.now()
    supporter = pseudonym(person)

    def write(cur) -> bool:
        stored, _ = _idea_in_scope(cur, normalise_idea_number(idea_id), units)
        added = cur.execute(
            "INSERT INTO idea_supports (idea_id, supporter, supported_on) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            [stored, supporter, now.date()],
        ).fetchall()
        if added:
            _log(cur, now, "support", idea_id=stored)
        return bool(added)

    return store.retrying(con, write, (duckdb.TransactionException,))


def withdraw(con, *, idea_id: str, person: str, now: datetime | None = None) -> bool:
    """Withdraw `person`'s support of an idea; True when there was one to withdraw."""
    now = now or datetime.now()
    supporter = pseudonym(person or "")

    def write(cur) -> bool:
        gone = cur.execute(
            "DELETE FROM idea_supports WHERE idea_id = ? AND supporter = ? RETURNING idea_id",
            [normalise_idea_number(idea_id), supporter],
        ).fetchall()
        if gone:
            _log(cur, now, "withdraw", idea_id=gone[0][0])
        return bool(gone)

    return store.retrying(con, write, (duckdb.TransactionException,))


SUPPORT_SQL = """
    SELECT count(*) AS supporters, coalesce(bool_or(supporter = $me), false) AS mine
    FROM idea_supports WHERE idea_id = $idea_id
"""


def support_of(con, *, idea_id: str, person: str | None = None) -> dict:
    """{"supporters": how many support the idea, "mine": whether `person` does}. Never who."""
    me = pseudonym(person) if person else None
    row = store.read(con, SUPPORT_SQL, {"idea_id": idea_id, "me": me}).iloc[0]
    return {"supporters": int(row["supporters"]), "mine": bool(row["mine"])}


# ----------------------------------------------------------------------------- comments


def post_comment(
    con,
    *,
    token: str,
    idea_id: str,
    body: str,
    anonymous: bool = True,
    identity: str | None = None,
    sender: str | None = None,
    name: str | None = None,
    reply_to: int | None = None,
    units=None,
    now: datetime | None = None,
) -> int:
    """Save a comment (or, with `reply_to`, a reply to a comment) on an idea; return its id.

    As with ideas: `sender` is the signed-in person's verified e-mail (None in the demo). A named
    comment with a sender is theirs (shown as `name`, e.g. their name from the login, else the
    e-mail); in the demo it is `identity`, as typed. An anonymous comment keeps no author at
    all. `token` is the form's idempotency key: the same token again returns the same comment.
    Raises TalkRefused for an empty or too long text, a named comment without a name, a reply
    to a reply, or an idea outside `units`."""
    body = clean_text(body or "").strip()
    if not body:
        raise TalkRefused("empty")
    if len(body) > COMMENT_MAX:
        raise TalkRefused("too_long", limit=COMMENT_MAX)
    author = shown = None
    if not anonymous:
        person = sender or clean_text(identity or "").strip()
        shown = person
        if sender:  # signed in: the login's name where it gives one
            shown = clean_text(name or "").strip() or sender
        if not person:
            raise TalkRefused("identity_required")
        if len(shown) > NAME_MAX:
            raise TalkRefused("too_long", limit=NAME_MAX)
        author = pseudonym(person)
    if not token:
        raise ValueError("a comment needs its form's token")
    now = now or datetime.now()

    def write(cur) -> int:
        found = cur.execute(
            "SELECT comment_id FROM idea_comments WHERE token = ?", [token]
        ).fetchone()
        if found:
            return int(found[0])
        stored, _ = _idea_in_scope(cur, normalise_idea_number(idea_id), units)
        if reply_to is not None:
            parent = cur.execute(
                "SELECT reply_to FROM idea_comments WHERE comment_id = ? AND idea_id = ?",
                [reply_to, stored],
            ).fetchone()
            if parent is None:
                raise TalkRefused("reply_not_found")
            if parent[0] is not None:
                raise TalkRefused("reply_to_reply")
        (comment_id,) = cur.execute(
            "INSERT INTO idea_comments (idea_id, reply_to, posted_at, body, anonymous,"
            " author_name, author, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING comment_id",
            [stored, reply_to, now, body, anonymous, shown, author, token],
        ).fetchone()
        _log(cur, now, "comment", idea_id=stored, comment_id=comment_id)
        return int(comment_id)

    conflicts = (duckdb.TransactionException, duckdb.ConstraintException)
    return store.retrying(con, write, conflicts)


def hide_comment(
    con,
    *,
    comment_id: int,
    who: str,
    reason: str,
    units=None,
    now: datetime | None = None,
) -> None:
    """A change agent hides a comment, saying why; logged with who and the reason. The text is
    kept (the admin reads it). `units` is the agent's scope: a comment on an idea outside it is
    refused as comment_not_found, telling nothing of it."""
    who, reason = (who or "").strip(), clean_text(reason or "").strip()
    if not who:
        raise TalkRefused("who_required")
    if not reason:
        raise TalkRefused("reason_required")
    if len(reason) > REASON_MAX:
        raise TalkRefused("too_long", limit=REASON_MAX)
    now = now or datetime.now()

    def write(cur) -> None:
        row = cur.execute(
            "SELECT c.idea_id, i.unit_id, c.hidden_at FROM idea_comments c"
            " JOIN ideas i USING (idea_id) WHERE c.comment_id = ?",
            [int(comment_id)],
        ).fetchone()
        if row is None or (units is not None and row[1] not in units):
            raise TalkRefused("comment_not_found")
        if row[2] is not None:
            raise TalkRefused("already_hidden")
        cur.execute(
            "UPDATE idea_comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ?"
            " WHERE comment_id = ?",
            [now, who, reason, int(comment_id)],
        )
        _log(cur, now, "hide", idea_id=row[0], comment_id=int(comment_id), done_by=who, note=reason)

    store.retrying(con, write, (duckdb.TransactionException,))


COMMENTS_SQL = """
    SELECT comment_id, reply_to, posted_at, anonymous,
           CASE WHEN anonymous THEN NULL ELSE author_name END AS author_name,
           hidden_at IS NOT NULL AS hidden, hidden_reason,
           CASE WHEN hidden_at IS NULL OR $admin THEN body END AS body,
           CASE WHEN $admin THEN hidden_by END AS hidden_by
    FROM idea_comments WHERE idea_id = $idea_id
    ORDER BY coalesce(reply_to, comment_id), reply_to IS NOT NULL, comment_id
"""


def comments(con, *, idea_id: str, admin: bool = False) -> pd.DataFrame:
    """An idea's comments, each followed by its replies, oldest first.

    comment_id, reply_to (empty for a comment), posted_at, anonymous, author_name (empty for an
    anonymous one), hidden, hidden_reason, body (empty when hidden, unless `admin`), hidden_by
    (only for `admin`). Never an author's pseudonym."""
    return store.read(con, COMMENTS_SQL, {"idea_id": idea_id, "admin": admin})


# ----------------------------------------------------------------------------- following

FOLLOWED_SQL = """
    SELECT i.idea_id, i.title, i.status, i.status_changed_on,
           i.submitter = $me AS sent_by_me,
           (SELECT count(*) FROM idea_comments c WHERE c.idea_id = i.idea_id) AS comments
    FROM ideas i
    WHERE i.submitter = $me
       OR i.idea_id IN (SELECT idea_id FROM idea_comments WHERE author = $me)
    ORDER BY coalesce(i.status_changed_on, i.submitted_on) DESC, i.idea_id DESC
    LIMIT 100
"""


def followed_ideas(con, *, person: str) -> pd.DataFrame:
    """The ideas `person` follows: those they sent named and those they commented on named
    (anonymous ones keep no author, so they are looked up by number). The latest change first,
    at most 100: idea_id, title, status, status_changed_on, sent_by_me, comments."""
    return store.read(con, FOLLOWED_SQL, {"me": pseudonym(person)})

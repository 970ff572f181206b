"""The demo's idea campaigns, and staff taking part in ideas: supports and comments.

Two campaigns: a closed one that asked the whole organisation about paper, about eight months
before as_of, and an open one, since two weeks, that asks early childhood education how
information could pass better between shifts (tied to the internal-communication indicator).
Part of the ideas sent while a campaign was open in its units answer it. Accepted ideas name a
responsible person: their unit's head.

Supports and comments have no contract file (staff give them in the app), so the demo writes
them after the files are loaded (`add_talk`), as the app would: supporters and named commenters
only as pseudonyms (metrics.idea_actions.pseudonym) of made-up people, one comment hidden by a
change agent with its reason. Everything is drawn from its own random stream and dated on or
before as_of.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from metrics import store
from metrics.demo.model import World
from metrics.demo.texts import load
from metrics.idea_actions import RESPONSIBLE_STATUSES, pseudonym

CLOSED_ID, OPEN_ID = "C-DEMO-01", "C-DEMO-02"
STREAM = 116  # this module's own random streams (demo.model's streams are numbered from 1)
OPEN_UNIT = "varhaiskasvatus"  # a pilot unit: the open campaign asks it and the units below
ANSWER_SHARE = (0.35, 0.5)  # of the ideas sent in a campaign's units while open: the closed, open
SUPPORTS_PER_IDEA = 1.6  # the mean, more for ideas that were accepted
COMMENTED_SHARE = 0.12  # of the ideas, those with comments
ANONYMOUS_SHARE = 0.25  # of the comments


def _windows(as_of: date) -> dict[str, tuple[date, date]]:
    return {
        CLOSED_ID: (as_of - timedelta(days=240), as_of - timedelta(days=180)),
        OPEN_ID: (as_of - timedelta(days=14), as_of + timedelta(days=21)),
    }


def campaign_rows(world: World) -> list[list]:
    """The campaigns file: campaign_id, title, opens_on, closes_on, why, units, indicator,
    focus (demo.build COLUMNS)."""
    text = load()["campaigns"]
    windows = _windows(world.as_of)
    return [
        [CLOSED_ID, text["closed_title"], *windows[CLOSED_ID], text["closed_why"], "", "",
         text["closed_focus"]],
        [OPEN_ID, text["open_title"], *windows[OPEN_ID], text["open_why"], OPEN_UNIT,
         text["open_indicator"], ""],
    ]  # fmt: skip


def _below(world: World, top: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for unit in world.units:
        children.setdefault(unit.parent_id, []).append(unit.unit_id)
    found, todo = set(), [top]
    while todo:
        unit = todo.pop()
        found.add(unit)
        todo += children.get(unit, [])
    return found


def attach_to_ideas(world: World, seed: int) -> None:
    """Add each idea row's campaign_id and responsible cells (text), in demo.build's COLUMNS
    order: an idea sent in a campaign's units while it was open answers it at ANSWER_SHARE; an
    accepted idea names its unit's head as responsible."""
    windows = _windows(world.as_of)
    asked = {CLOSED_ID: None, OPEN_ID: _below(world, OPEN_UNIT)}
    heads = {u.unit_id: u.head_email for u in world.units}
    pick = np.random.default_rng([seed, STREAM]).random(len(world.idea_rows))
    for n, row in enumerate(world.idea_rows):
        unit, sent, status = row[1], date.fromisoformat(row[2]), row[4]
        campaign = ""
        for (cid, (opens, closes)), share in zip(windows.items(), ANSWER_SHARE, strict=True):
            units = asked[cid]
            if opens <= sent <= closes and (units is None or unit in units) and pick[n] < share:
                campaign = cid
        row += [campaign, heads.get(unit, "") if status in RESPONSIBLE_STATUSES else ""]


IDEAS_SQL = (
    "SELECT idea_id, submitted_on, status FROM ideas WHERE status <> 'merged' ORDER BY idea_id"
)


def add_talk(con, *, seed: int, as_of: date) -> None:
    """Supports and comments on the loaded ideas, written in one transaction, with one
    idea_talk_events row so the pages' caches see them (store.data_version)."""
    rng = np.random.default_rng([seed, STREAM + 1])
    text = load()["campaigns"]
    ideas = store.read(con, IDEAS_SQL)
    if ideas.empty:
        return
    sent = pd.to_datetime(ideas["submitted_on"]).dt.date.to_numpy()
    age = np.array([(as_of - d).days for d in sent])
    liked = ideas["status"].isin(RESPONSIBLE_STATUSES).to_numpy()
    count = rng.poisson(SUPPORTS_PER_IDEA * np.where(liked, 1.8, 0.7))
    supports = _supports(ideas["idea_id"].to_numpy(), sent, age, count, rng)
    comments = _comments(ideas["idea_id"].to_numpy(), sent, age, text, rng)
    with store.transaction(con) as cur:
        cur.register("demo_supports", supports)
        cur.execute("INSERT INTO idea_supports SELECT * FROM demo_supports ON CONFLICT DO NOTHING")
        cur.register("demo_comments", comments)
        cur.execute(
            "INSERT INTO idea_comments (idea_id, reply_to, posted_at, body, anonymous,"
            " author_name, author, hidden_at, hidden_by, hidden_reason)"
            " SELECT idea_id, NULL, posted_at, body, anonymous, author_name, author, hidden_at,"
            " hidden_by, hidden_reason FROM demo_comments WHERE NOT reply"
        )
        cur.execute(
            "INSERT INTO idea_comments (idea_id, reply_to, posted_at, body, anonymous,"
            " author_name, author)"
            " SELECT r.idea_id, (SELECT min(c.comment_id) FROM idea_comments c"
            "  WHERE c.idea_id = r.idea_id AND c.reply_to IS NULL),"
            " r.posted_at, r.body, r.anonymous, r.author_name, r.author"
            " FROM demo_comments r WHERE r.reply"
        )
        cur.execute(
            "INSERT INTO idea_talk_events (happened_at, action, done_by, note)"
            " VALUES (?, 'demo', 'demo', 'supports and comments of the demo')",
            [datetime.combine(as_of, time(12))],
        )


def _day_after(sent, age, rng, most: int = 60):
    """A day between sending and as_of, within `most` days of sending."""
    return sent + timedelta(days=int(rng.integers(0, min(age, most) + 1)))


def _supports(ids, sent, age, count, rng) -> pd.DataFrame:
    people = [pseudonym(f"demo-person-{n}") for n in range(max(int(count.max(initial=0)), 1) * 7)]
    rows = []
    for i in np.flatnonzero(count).tolist():
        chosen = rng.choice(len(people), size=min(int(count[i]), len(people)), replace=False)
        rows += [(ids[i], people[p], _day_after(sent[i], age[i], rng)) for p in chosen.tolist()]
    return pd.DataFrame(rows, columns=["idea_id", "supporter", "supported_on"])


def _comments(ids, sent, age, text, rng) -> pd.DataFrame:
    """A comment or two on COMMENTED_SHARE of the ideas, some with a reply; the first comment
    of the newest commented idea is hidden by a change agent."""
    commented = np.flatnonzero(rng.random(len(ids)) < COMMENTED_SHARE).tolist()
    rows = []
    for i in commented:
        day = _day_after(sent[i], age[i], rng, most=30)
        posted = datetime.combine(day, time(9)) + timedelta(minutes=int(rng.integers(480)))
        for reply in (False, *([True] if rng.random() < 0.3 else [])):
            pool = text["replies"] if reply else text["comments"]
            anonymous = bool(rng.random() < ANONYMOUS_SHARE)
            name = text["commenters"][int(rng.integers(len(text["commenters"])))]
            rows.append(
                {
                    "idea_id": ids[i],
                    "reply": reply,
                    "posted_at": posted + timedelta(hours=2 * reply),  # a reply comes later
                    "body": pool[int(rng.integers(len(pool)))],
                    "anonymous": anonymous,
                    "author_name": None if anonymous else name,
                    "author": None if anonymous else pseudonym(f"demo-{name}"),
                }
            )
    frame = pd.DataFrame(rows)
    frame["hidden_at"], frame["hidden_by"], frame["hidden_reason"] = pd.NaT, None, None
    if not frame.empty:
        first = frame.index[~frame["reply"]][-1]
        frame.loc[first, "hidden_at"] = frame.loc[first, "posted_at"] + timedelta(hours=1)
        frame.loc[first, ["hidden_by", "hidden_reason"]] = ["demo", text["hidden_reason"]]
    return frame

"""The demo's ideas: who sends them, when, about what, and what became of them.

Staff send ideas at about 0.1 per person a year before the programme and 0.25–0.3 after it,
more in pilot units, fewer in July; submitters are pseudonyms, some ideas anonymous. Every idea
waits a log-normal time for a decision (median about three weeks, slower in a few units and
before the programme), so old ideas are decided and recent ones still wait, some past the
30-day target; accepted ideas are implemented a few months later.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from metrics.demo.dates import month_starts, next_month, ramp
from metrics.demo.model import PILOT_UNIT_IDS, World
from metrics.demo.texts import (
    CATEGORIES,
    DOMAIN_TITLES,
    IDEA_OFFERS,
    IDEA_REASONS,
    IDEA_TITLES,
    TITLE_ENDINGS,
)

_DOMAIN_TITLE_SHARE = 0.25  # of a unit's ideas, those from its domain's own titles
_TITLE_ENDING_SHARE = 0.3  # of the titles, those varied with an ending
# Relative idea flow by month: quiet in the July holidays and at Christmas.
_SEASON = (1.0, 1.1, 1.15, 1.05, 1.0, 0.75, 0.3, 0.8, 1.15, 1.15, 1.1, 0.7)


def build_ideas(world: World, rng: np.random.Generator) -> None:
    """Fill in world.idea_rows (cells already text) and world.implemented_ideas."""
    unit_of, submitted = _idea_arrivals(world, rng)
    fate = _idea_fates(world, unit_of, submitted, rng)
    _point_merged_ideas(fate, unit_of)
    submitters = _idea_submitters(world, unit_of, rng)
    texts = _idea_texts(world, unit_of, rng)
    for i, target in enumerate(fate["merged_into"].tolist()):
        if target >= 0:  # a duplicate is merged: it was the same idea, sent again
            for field in ("title", "category", "tags"):
                texts[field][i] = texts[field][target]
    teams = _idea_teams(world, unit_of, submitted, rng)
    benefits = _idea_benefits(fate["status"], rng)
    # the idea file is the big one: its cells are made strings here, dates from a lookup
    iso = {0: ""} | {
        day: date.fromordinal(day).isoformat()
        for day in range(world.ideas_from.toordinal(), world.as_of.toordinal() + 1)
    }
    submitted_on, changed = submitted.tolist(), fate["changed"].tolist()
    decided, implemented_on = fate["decided"].tolist(), fate["implemented"].tolist()
    # the form's numbers, I-YYYY-NNNNN: the year sent, then one count over the years, as the
    # form's sequence counts (metrics.idea_actions.next_idea_id)
    ids = [f"I-{date.fromordinal(day).year}-{i + 1:05d}" for i, day in enumerate(submitted_on)]
    rows, implemented = [], []
    for i, unit_index in enumerate(unit_of.tolist()):
        idea_id = ids[i]
        status = fate["status"][i]
        hours, euros = benefits[i]
        rows.append(
            [
                idea_id,
                world.units[unit_index].unit_id,
                iso[submitted_on[i]],
                texts["title"][i],
                status,
                texts["description"][i],
                texts["category"][i],
                iso[changed[i]],
                iso[decided[i]],
                iso[implemented_on[i]],
                submitters[i] or "",
                "true" if submitters[i] is None else "false",
                _idea_id(ids, fate["merged_into"][i]),
                teams[i],
                "" if hours is None else str(hours),
                "" if euros is None else str(euros),
            ]
        )
        if status == "implemented" and hours is not None:
            implemented.append(
                (idea_id, unit_index, texts["title"][i], texts["tags"][i],
                 date.fromordinal(implemented_on[i]), hours)
            )  # fmt: skip
    world.idea_rows = rows
    world.implemented_ideas = implemented


def _idea_arrivals(world: World, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Poisson arrivals per unit and month; returns unit index and submission day, in order."""
    first, last = world.ideas_from.toordinal(), world.as_of.toordinal()
    months = month_starts(world.ideas_from, world.as_of)
    starts = np.array([max(m.toordinal(), first) for m in months])
    ends = np.array([min(next_month(m).toordinal() - 1, last) for m in months])
    created = np.array([(u.created_on or world.ideas_from).toordinal() for u in world.units])
    unit_starts = np.maximum(starts[None, :], created[:, None])
    days = np.maximum(ends[None, :] - unit_starts + 1, 0)
    middle = (starts + ends) / 2
    per_staff_year = 0.08 + 0.17 * ramp(middle, world.programme_start, 0.5)
    season = np.array([_SEASON[m.month - 1] for m in months])
    headcount = np.array([u.headcount for u in world.units], dtype=float)
    eagerness = rng.lognormal(0.0, 0.45, len(world.units))
    eagerness *= np.array([1.6 if u.pilot else 1.0 for u in world.units])
    boost = np.ones(days.shape)
    for team in world.teams[len(PILOT_UNIT_IDS) :]:  # later teams get their units going too
        boost[team.unit] = np.where(middle >= team.started_on.toordinal(), 1.5, 1.0)
    rate = headcount[:, None] * eagerness[:, None] * (per_staff_year * season)[None, :] / 365
    counts = rng.poisson(rate * boost * days)
    cells = np.nonzero(counts)
    n = counts[cells]
    unit_of = np.repeat(cells[0], n)
    low = np.repeat(unit_starts[cells], n)
    high = np.repeat(ends[cells[1]], n)
    submitted = low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(int)
    submitted = _mostly_weekdays(submitted, low, rng)
    order = np.lexsort((unit_of, submitted))
    return unit_of[order], submitted[order]


def _mostly_weekdays(days: np.ndarray, earliest: np.ndarray, rng) -> np.ndarray:
    """Move most weekend submissions to the Friday before (never before the unit existed)."""
    weekday = (days - 1) % 7  # ordinal 1 (1 January of year 1) was a Monday
    weekend = weekday >= 5
    move = weekend & (rng.random(len(days)) < 0.85)
    friday = days - (weekday - 4)
    return np.where(move & (friday >= earliest), friday, days)


def _idea_fates(world: World, unit_of, submitted, rng) -> dict[str, np.ndarray]:
    """Status and dates: a log-normal wait for the decision, then maybe implementation."""
    n = len(unit_of)
    as_of = world.as_of.toordinal()
    age = as_of - submitted
    slowness = _unit_slowness(world, rng)[unit_of]
    # before the programme, and while it was young, ideas waited longer
    era = 1.7 - 0.7 * ramp(submitted, world.programme_start, 1.0)
    wait = np.ceil(rng.lognormal(math.log(21), 0.85, n) * slowness * era).astype(int)
    review = np.minimum(np.floor(rng.lognormal(math.log(7), 0.9, n)).astype(int), wait - 1)
    outcome = rng.choice(4, size=n, p=[0.52, 0.26, 0.08, 0.14])  # yes, no, merged, parked
    trial = rng.random(n) < 0.3
    will_implement = rng.random(n) < 0.72
    implement_wait = np.ceil(
        rng.lognormal(np.where(trial, math.log(120), math.log(60)), 0.6)
    ).astype(int)
    decided_mask = wait <= age
    implemented_mask = (
        decided_mask & (outcome == 0) & will_implement & (wait + implement_wait <= age)
    )

    status = np.full(n, "new", dtype=object)
    status[~decided_mask & (review <= age)] = "in_review"
    status[decided_mask & (outcome == 0)] = np.where(trial, "in_trial", "accepted")[
        decided_mask & (outcome == 0)
    ]
    status[implemented_mask] = "implemented"
    status[decided_mask & (outcome == 1)] = "rejected"
    status[decided_mask & (outcome == 2)] = "merged"
    status[decided_mask & (outcome == 3)] = "parked"

    decided_day = submitted + wait
    implemented_day = decided_day + implement_wait
    changed = np.where(status == "in_review", submitted + review, submitted)
    changed = np.where(decided_mask, decided_day, changed)
    changed = np.where(implemented_mask, implemented_day, changed)
    is_decision = np.isin(status, ("accepted", "in_trial", "implemented", "rejected"))
    return {
        "status": status,
        "changed": changed,
        "decided": np.where(is_decision, decided_day, 0),
        "implemented": np.where(implemented_mask, implemented_day, 0),
        "merged_into": np.full(n, -1),
        "rng_pick": rng.random(n),
    }


def _unit_slowness(world: World, rng) -> np.ndarray:
    """Most units decide at the usual pace; about one in seven takes two to three times longer."""
    n = len(world.units)
    slow = rng.random(n) < 0.15
    return np.where(slow, rng.uniform(2.0, 3.0, n), rng.uniform(0.7, 1.3, n))


def _point_merged_ideas(fate: dict[str, np.ndarray], unit_of: np.ndarray) -> None:
    """A merged idea points at a recent earlier idea of its unit; with none, it is rejected."""
    status = fate["status"]
    by_unit: dict[int, list[int]] = {}
    for i, unit in enumerate(unit_of.tolist()):
        earlier = by_unit.setdefault(unit, [])
        if status[i] == "merged":
            recent = earlier[-30:]
            if recent:
                fate["merged_into"][i] = recent[int(fate["rng_pick"][i] * len(recent))]
                continue  # a merged idea is not a target for later merges
            status[i] = "rejected"
            fate["decided"][i] = fate["changed"][i]
        earlier.append(i)


def _idea_submitters(world: World, unit_of: np.ndarray, rng) -> list[str | None]:
    """Opaque pseudonyms; a few eager people send many ideas; about 15 % are anonymous."""
    headcount = np.array([u.headcount for u in world.units])
    offsets = np.concatenate([[0], np.cumsum(headcount)[:-1]])
    digits = 4 if headcount.sum() < 5000 else 5
    numbers = rng.choice(9 * 10 ** (digits - 1), size=headcount.sum(), replace=False)
    numbers += 10 ** (digits - 1)
    person = np.floor(headcount[unit_of] * rng.random(len(unit_of)) ** 2.2).astype(int)
    anonymous = rng.random(len(unit_of)) < 0.15
    chosen = numbers[offsets[unit_of] + person]
    return [
        None if a else f"h{x}" for a, x in zip(anonymous.tolist(), chosen.tolist(), strict=True)
    ]


def _idea_texts(world: World, unit_of: np.ndarray, rng) -> dict[str, list[str]]:
    n = len(unit_of)
    names = [c for c, _ in CATEGORIES]
    category = rng.choice(len(names), size=n, p=[p for _, p in CATEGORIES])
    pick, domain_pick, ending = rng.random(n), rng.random(n), rng.random(n)
    described = rng.random(n) < 0.75
    reason = rng.integers(0, len(IDEA_REASONS), n)
    offer = rng.integers(0, len(IDEA_OFFERS), n)
    out: dict[str, list[str]] = {"title": [], "category": [], "tags": [], "description": []}
    for i in range(n):
        unit = world.units[unit_of[i]]
        own = DOMAIN_TITLES.get(unit.domain, ())
        if own and domain_pick[i] < _DOMAIN_TITLE_SHARE:
            cat, title, tags = own[int(pick[i] * len(own))]
        else:
            cat = names[category[i]]
            template, tags = IDEA_TITLES[cat][int(pick[i] * len(IDEA_TITLES[cat]))]
            title = template.format(g=unit.genitive)
        if ending[i] < _TITLE_ENDING_SHARE:
            chosen = TITLE_ENDINGS[int(ending[i] / _TITLE_ENDING_SHARE * len(TITLE_ENDINGS))]
            title += f" {chosen}"
        out["title"].append(title)
        out["category"].append(cat)
        out["tags"].append(tags)
        text = f"{IDEA_REASONS[reason[i]]} {IDEA_OFFERS[offer[i]]}".strip()
        out["description"].append(text if described[i] else "")
    return out


def _idea_teams(world: World, unit_of, submitted, rng) -> list[str]:
    """About a third of a team unit's ideas during the team's life are the team's own."""
    team_id = ["" for _ in range(len(unit_of))]
    pick = rng.random(len(unit_of))
    for team in world.teams:
        end = (team.ended_on or world.as_of).toordinal()
        mine = (unit_of == team.unit) & (submitted >= team.started_on.toordinal())
        mine &= (submitted <= end) & (pick < 0.35)
        for i in np.flatnonzero(mine).tolist():
            team_id[i] = team.team_id
    return team_id


def _idea_benefits(status: np.ndarray, rng) -> list[tuple[int | None, int | None]]:
    """Estimated yearly benefit for most implemented ideas: hours, and euros for most of those."""
    n = len(status)
    hours = np.ceil(rng.lognormal(math.log(30), 1.0, n)).astype(int)
    hourly = rng.uniform(35, 55, n)
    material = np.round(rng.lognormal(math.log(1500), 0.8, n), -1).astype(int)
    kind = rng.random(n)
    out: list[tuple[int | None, int | None]] = []
    for i in range(n):
        if status[i] != "implemented" or kind[i] >= 0.9:
            out.append((None, None))
        elif kind[i] < 0.68:
            out.append((int(hours[i]), int(round(hours[i] * hourly[i], -1))))
        elif kind[i] < 0.8:
            out.append((int(hours[i]), None))
        else:
            out.append((None, int(material[i])))
    return out


def _idea_id(ids: list[str], index: int) -> str:
    return ids[index] if index >= 0 else ""

"""Good practices: written up from implemented ideas and finished projects, and the peers' own
practices presented at the joint seminars."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from metrics.demo.activities import seminar_dates
from metrics.demo.model import World
from metrics.demo.texts import (
    IDEA_PRACTICE,
    PEER_PRACTICE,
    PEER_PRACTICES,
    PEERS,
    PROJECT_PRACTICE,
    PROJECT_PRACTICE_TAGS,
)


def practice_rows(world: World, rng: np.random.Generator) -> list[list]:
    """Good practices written up from implemented ideas, finished projects and the peers."""
    rows = []
    for idea_id, unit_index, title, tags, implemented_on, hours in world.implemented_ideas:
        # the biggest benefits always get written up, a few others besides
        if hours < 300 and rng.random() >= world.scale.practice_share:
            continue
        published = implemented_on + timedelta(days=int(rng.integers(14, 60)))
        if published > world.as_of:
            continue
        unit = world.units[unit_index]
        summary = IDEA_PRACTICE.format(unit=unit.name, title=_lower_first(title), hours=hours)
        rows.append([idea_id, title, summary, unit.unit_id, None, idea_id, None, tags, published])
    for project_id, unit_index, title, done_on in world.done_projects:
        published = done_on + timedelta(days=int(rng.integers(7, 45)))
        if published > world.as_of or rng.random() >= 0.6:
            continue
        unit = world.units[unit_index]
        summary = PROJECT_PRACTICE.format(unit=unit.name, title=_lower_first(title))
        rows.append([project_id, title, summary, unit.unit_id, None, None, project_id,
                     PROJECT_PRACTICE_TAGS, published])  # fmt: skip
    rows += _peer_practices(world, rng)
    rows.sort(key=lambda r: (r[8], r[0] or ""))
    return [[f"GP{k + 1:04d}"] + row[1:] for k, row in enumerate(rows)]


def _peer_practices(world: World, rng) -> list[list]:
    rows = []
    seminars = seminar_dates(world)
    for k, (title, tags) in enumerate(PEER_PRACTICES):
        org_id, _, genitive = PEERS[k % world.scale.peers]
        if k >= len(seminars):
            break
        published = seminars[k] + timedelta(days=int(rng.integers(3, 20)))
        if published > world.as_of:
            continue
        summary = PEER_PRACTICE.format(genitive=genitive)
        rows.append([None, title, summary, None, org_id, None, None, tags, published])
    return rows


def _lower_first(title: str) -> str:
    return f"{title[0].lower()}{title[1:]}"

"""The programme's activities: supervisor workshops, joint seminars with the peer municipalities,
the change agents' monthly meetings and trainings, from the programme's start to as_of."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from metrics.demo.model import World
from metrics.demo.texts import (
    CHANGE_AGENT_MEETING_TITLE,
    HOME_NAME,
    PEERS,
    SECTOR_WORKSHOP_TITLE,
    SECTORS,
    SEMINAR_TITLE,
    SEMINAR_TOPICS,
    TRAININGS,
    WORKSHOP_TITLE,
    WORKSHOP_TOPICS,
)


class _Activities:
    """Activity rows under provisional ids, numbered in date order once all are in."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self._count = 0

    def new_id(self) -> int:
        self._count += 1
        return self._count

    def numbered(self) -> list[list]:
        self.rows.sort(key=lambda r: (r[2], r[0]))
        ids: dict[int, str] = {}
        for row in self.rows:
            row[0] = ids.setdefault(row[0], f"A{len(ids) + 1:06d}")
        return self.rows


def activity_rows(world: World, rng: np.random.Generator) -> list[list]:
    log = _Activities()
    _workshops(world, log, rng)
    _seminars(world, log, rng)
    _change_agent_meetings(world, log, rng)
    _trainings(world, log, rng)
    return log.numbered()


def _activity_dates(world: World, per_year: int, weekday: int) -> list[date]:
    """Dates spread evenly from the programme start to as_of, on the given weekday."""
    step = 365 / per_year
    dates = []
    for k in range(int((world.as_of - world.programme_start).days / step) + 1):
        day = world.programme_start + timedelta(days=int(k * step))
        day += timedelta(days=(weekday - day.weekday()) % 7)
        if day <= world.as_of and day.month != 7:  # nobody holds a workshop in July
            dates.append(day)
    return dates


def _existing_units(world: World, on: date) -> list[int]:
    return [i for i, u in enumerate(world.units) if u.created_on is None or u.created_on <= on]


def _workshops(world: World, log: _Activities, rng) -> None:
    """Six supervisor workshops a year; at the city scale each sector runs its own series."""
    groups = [None] if world.scale.levels == 2 else list(range(len(SECTORS)))
    for number, held_on in enumerate(_activity_dates(world, 6, 1)):
        topic = WORKSHOP_TOPICS[number % len(WORKSHOP_TOPICS)]
        for sector in groups:
            activity_id = log.new_id()
            held = {"month": held_on.month, "year": held_on.year, "topic": topic}
            if sector is None:
                title = WORKSHOP_TITLE.format(**held)
            else:
                title = SECTOR_WORKSHOP_TITLE.format(**held, sector=SECTORS[sector].name)
            for i in _existing_units(world, held_on):
                unit = world.units[i]
                if sector is not None and unit.sector != sector:
                    continue
                attending = int(rng.binomial(unit.supervisors, 0.55))
                if attending == 0 or rng.random() < 0.25:
                    continue
                extra = int(rng.binomial(1, 0.2)) if unit.headcount > unit.supervisors else 0
                log.rows.append(
                    [activity_id, "supervisor_workshop", held_on, title, unit.unit_id, None,
                     attending + extra, attending]
                )  # fmt: skip


def seminar_dates(world: World) -> list[date]:
    """Twice a year, on a Thursday."""
    return _activity_dates(world, 2, 3)


def _seminars(world: World, log: _Activities, rng) -> None:
    """Twice a year a joint seminar with the peer municipalities, hosted in turn."""
    peers = PEERS[: world.scale.peers]
    hosts = (HOME_NAME,) + tuple(name for _, name, _ in peers)
    for number, held_on in enumerate(seminar_dates(world)):
        activity_id = log.new_id()
        topic = SEMINAR_TOPICS[number % len(SEMINAR_TOPICS)]
        title = SEMINAR_TITLE.format(topic=topic, host=hosts[number % len(hosts)])
        for org_id, _, _ in peers:
            people = int(rng.integers(4, 21))
            supervisors = int(rng.integers(1, people // 3 + 1))
            log.rows.append(
                [activity_id, "seminar", held_on, title, None, org_id, people, supervisors]
            )
        existing = _existing_units(world, held_on)
        for i in sorted(rng.choice(existing, size=min(12, len(existing)), replace=False).tolist()):
            unit = world.units[i]
            people = int(min(unit.headcount, rng.integers(1, 6)))
            supervisors = int(min(people, unit.supervisors, rng.integers(0, 3)))
            log.rows.append(
                [activity_id, "seminar", held_on, title, unit.unit_id, None, people, supervisors]
            )


def _change_agent_meetings(world: World, log: _Activities, rng) -> None:
    """The change agents meet monthly; most of them come."""
    for held_on in _activity_dates(world, 12, 2):
        activity_id = log.new_id()
        title = CHANGE_AGENT_MEETING_TITLE.format(month=held_on.month, year=held_on.year)
        for i in _existing_units(world, held_on):
            unit = world.units[i]
            if unit.change_agent and rng.random() < 0.8:
                log.rows.append(
                    [activity_id, "change_agent_meeting", held_on, title, unit.unit_id, None, 1, 0]
                )


def _trainings(world: World, log: _Activities, rng) -> None:
    """Four trainings a year, each for staff from a handful of units."""
    for number, held_on in enumerate(_activity_dates(world, 4, 3)):
        activity_id = log.new_id()
        title = TRAININGS[number % len(TRAININGS)]
        existing = _existing_units(world, held_on)
        size = min(len(existing), int(rng.integers(4, 13)))
        for i in sorted(rng.choice(existing, size=size, replace=False).tolist()):
            unit = world.units[i]
            people = int(min(unit.headcount, rng.integers(1, 9)))
            supervisors = int(min(people, unit.supervisors, rng.integers(0, 2)))
            log.rows.append(
                [activity_id, "training", held_on, title, unit.unit_id, None, people, supervisors]
            )

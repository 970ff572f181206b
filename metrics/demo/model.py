"""The demo's shapes: the two scales, and the units, rounds and teams drawn for one build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

HOME_ORG_ID = "HOME"
PILOT_UNIT_IDS = ("viestinta", "kaupunkisuunnittelu", "varhaiskasvatus")


@dataclass(frozen=True)
class Scale:
    """How big the demo organisation is and how much history it has."""

    name: str
    staff: int
    units: int  # units in total, sectors included
    levels: int  # 2: sectors > units; 3: sectors > departments > units
    idea_years: int
    survey_rounds: int
    rounds_per_year: int
    baseline_round: int  # index of the survey round the programme starts after
    improvement_years: float  # how long after the start the survey indicators keep rising
    team_waves: tuple[int, ...]  # teams started in each programme year, pilots first
    peers: int
    new_units: int  # units created during the history
    response_rate: tuple[float, float]
    practice_share: float  # share of implemented ideas written up as good practices


SCALES: dict[str, Scale] = {
    "imatra": Scale(
        name="imatra",
        staff=2300,
        units=40,
        levels=2,
        idea_years=2,
        survey_rounds=3,
        rounds_per_year=1,
        baseline_round=0,
        improvement_years=2.0,
        team_waves=(3,),
        peers=3,
        new_units=0,
        response_rate=(0.60, 0.85),
        practice_share=0.06,
    ),
    "city": Scale(
        name="city",
        staff=40_000,
        units=400,
        levels=3,
        idea_years=10,
        survey_rounds=20,
        rounds_per_year=2,
        baseline_round=6,
        improvement_years=4.0,
        team_waves=(3, 4, 5, 5, 6, 6),
        peers=4,
        new_units=8,
        response_rate=(0.60, 0.85),
        practice_share=0.015,
    ),
}


@dataclass(frozen=True)
class DemoFile:
    """One written contract file, in the order it must be imported."""

    kind: str
    path: Path
    round_id: str | None = None


@dataclass
class Unit:
    unit_id: str
    name: str
    parent_id: str | None
    sector: int
    genitive: str
    domain: str
    base_staff: float
    small: bool
    headcount: int = 0
    supervisors: int = 0
    head_email: str = ""
    change_agent: str = ""
    created_on: date | None = None
    earlier_headcount: int | None = None  # headcount before grew_on, if it changed
    grew_on: date | None = None
    pilot: bool = False  # in a pilot unit or under one


@dataclass(frozen=True)
class Round:
    round_id: str
    name: str
    opened_on: date
    closed_on: date


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    unit: int
    started_on: date
    ended_on: date | None
    change_agent: str


@dataclass
class World:
    """Everything drawn for one build, that the files are written from."""

    scale: Scale
    as_of: date
    units: list[Unit]
    rounds: list[Round]
    programme_start: date
    ideas_from: date
    teams: list[Team]
    # filled in by ideas.build_ideas and pilots.build_projects
    idea_rows: list[list] | None = None
    implemented_ideas: list[tuple] | None = None  # idea_id, unit, title, tags, date, hours
    project_rows: list[list] | None = None
    milestone_rows: list[list] | None = None
    done_projects: list[tuple] | None = None  # project_id, unit, title, done_on


# Separate random streams, so that changing how one part is drawn leaves the others as they were.
_STREAMS = {
    "units": 1,
    "ideas": 2,
    "teams": 3,
    "activities": 4,
    "practices": 5,
    "survey": 6,
    "history": 7,
    "projects": 8,
    "peers": 9,
}


def rng(seed: int, stream: str) -> np.random.Generator:
    """The random stream of one part of the demo (_STREAMS) for a seed."""
    return np.random.default_rng([seed, _STREAMS[stream]])

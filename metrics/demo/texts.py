"""The demo's texts, read from texts.toml beside this module: names, titles and sentences.

The generator takes them from here as named constants. The numbers that shape the data (rates,
shares, the survey model) stay in the code beside the drawing they steer; the few numbers in
the catalogue belong to one entry (a department's staff, a project's target, an item's level).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

TEXTS_FILE = Path(__file__).with_name("texts.toml")


def load(path: Path = TEXTS_FILE) -> dict:
    """The catalogue's tables: organisation, ideas, projects, activities, practices, survey."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Department:
    """A department of a sector, as the catalogue describes it."""

    name: str
    genitive: str
    staff: int  # base staff
    domain: str  # which ideas its staff send (DOMAIN_TITLES)
    at_imatra: bool  # whether it exists at the imatra scale
    units: tuple[str, ...]  # the units under it at the city scale, by name
    generated: str | None  # or the kind of units generated under it (UNIT_KINDS)


@dataclass(frozen=True)
class Sector:
    name: str
    genitive: str
    departments: tuple[Department, ...]


@dataclass(frozen=True)
class UnitKind:
    """Units generated from district names under a department at the city scale."""

    name: str  # a pattern: {n} a district, {g} its genitive, {d} the department, {r} a region
    genitive: str  # empty: the department's
    staff: int  # base staff of each
    weight: int  # the share of the generated units this kind takes


@dataclass(frozen=True)
class SurveyItem:
    item_id: str
    indicator: str
    reverse: bool
    level: float  # where the item sits on the latent attitude scale
    fi: str
    en: str
    sv: str


def _pairs(rows: list) -> tuple[tuple, ...]:
    return tuple(tuple(row) for row in rows)


_TEXTS = load()
_ORGANISATION = _TEXTS["organisation"]
_IDEAS = _TEXTS["ideas"]
_PROJECTS = _TEXTS["projects"]
_ACTIVITIES = _TEXTS["activities"]
_PRACTICES = _TEXTS["practices"]
_SURVEY = _TEXTS["survey"]

# organisation
HOME_NAME: str = _ORGANISATION["home_name"]
EMAIL_DOMAIN: str = _ORGANISATION["email_domain"]
PEERS: tuple[tuple[str, str, str], ...] = _pairs(_ORGANISATION["peers"])  # org_id, name, genitive
SECTORS = tuple(
    Sector(
        sector["name"],
        sector["genitive"],
        tuple(
            Department(
                d["name"], d["genitive"], d["staff"], d["domain"], d["at_imatra"],
                tuple(d.get("units", ())), d.get("generated"),
            )
            for d in sector["departments"]
        ),
    )
    for sector in _ORGANISATION["sectors"]
)  # fmt: skip
UNIT_KINDS = {kind: UnitKind(**spec) for kind, spec in _ORGANISATION["generated_units"].items()}
REGIONS: tuple[str, ...] = tuple(_ORGANISATION["regions"])
DISTRICT_PREFIXES: tuple[str, ...] = tuple(_ORGANISATION["district_prefixes"])
DISTRICT_SUFFIXES = _pairs(_ORGANISATION["district_suffixes"])  # nominative, genitive
FIRST_NAMES: tuple[str, ...] = tuple(_ORGANISATION["first_names"])
LAST_NAMES: tuple[str, ...] = tuple(_ORGANISATION["last_names"])
PILOT_TEAM_NAME: str = _ORGANISATION["pilot_team"]  # {Genitive}
TEAM_NAME: str = _ORGANISATION["team"]  # {unit}

# ideas
CATEGORIES = _pairs(_IDEAS["categories"])  # category, share of ideas
IDEA_TITLES = {category: _pairs(rows) for category, rows in _IDEAS["titles"].items()}
DOMAIN_TITLES = {domain: _pairs(rows) for domain, rows in _IDEAS["domain_titles"].items()}
TITLE_ENDINGS: tuple[str, ...] = tuple(_IDEAS["title_endings"])
IDEA_REASONS: tuple[str, ...] = tuple(_IDEAS["reasons"])
IDEA_OFFERS: tuple[str, ...] = tuple(_IDEAS["offers"])

# projects: title, measure, baseline, target
PILOT_PROJECTS = {unit_id: _pairs(rows) for unit_id, rows in _PROJECTS["pilot"].items()}
GENERAL_PROJECTS = _pairs(_PROJECTS["general"])
MILESTONE_FIRST: str = _PROJECTS["milestone_first"]
MILESTONE_MIDDLE: tuple[str, ...] = tuple(_PROJECTS["milestones_middle"])
MILESTONE_LAST: tuple[str, ...] = tuple(_PROJECTS["milestones_last"])

# activities
WORKSHOP_TITLE: str = _ACTIVITIES["workshop"]  # {month}, {year}, {topic}
SECTOR_WORKSHOP_TITLE: str = _ACTIVITIES["workshop_of_sector"]  # … and {sector}
SEMINAR_TITLE: str = _ACTIVITIES["seminar"]  # {topic}, {host}
CHANGE_AGENT_MEETING_TITLE: str = _ACTIVITIES["change_agent_meeting"]  # {month}, {year}
WORKSHOP_TOPICS: tuple[str, ...] = tuple(_ACTIVITIES["workshop_topics"])
SEMINAR_TOPICS: tuple[str, ...] = tuple(_ACTIVITIES["seminar_topics"])
TRAININGS: tuple[str, ...] = tuple(_ACTIVITIES["trainings"])

# practices
IDEA_PRACTICE: str = _PRACTICES["from_idea"]  # {unit}, {title}, {hours}
PROJECT_PRACTICE: str = _PRACTICES["from_project"]  # {unit}, {title}
PROJECT_PRACTICE_TAGS: str = _PRACTICES["project_tags"]
PEER_PRACTICE: str = _PRACTICES["from_peer"]  # {genitive}
PEER_PRACTICES = _pairs(_PRACTICES["peer"])  # title, tags

# survey
ROUND_NAME: str = _SURVEY["round"]  # {year}
SEASON_ROUND_NAME: str = _SURVEY["round_of_season"]  # {season}, {year}
SPRING: str = _SURVEY["spring"]
AUTUMN: str = _SURVEY["autumn"]
BASELINE_ROUND_NAME: str = _SURVEY["baseline"]  # {name}
SURVEY_ITEMS = tuple(SurveyItem(**item) for item in _SURVEY["items"])

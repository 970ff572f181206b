"""The demo organisation: its units, their staff and heads, the peers, and the pilot teams.

Sectors and departments come from the catalogue (texts.toml); at the `city` scale a third level
of day-care centres, schools, libraries and the like is generated from district names. Units of
three to six staff give survey groups under the anonymity threshold of five respondents.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np

from metrics.demo.dates import add_years, weekday_on_or_after, years_before
from metrics.demo.model import HOME_ORG_ID, PILOT_UNIT_IDS, Scale, Team, Unit, World
from metrics.demo.texts import (
    DISTRICT_PREFIXES,
    DISTRICT_SUFFIXES,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    HOME_NAME,
    LAST_NAMES,
    PEERS,
    PILOT_TEAM_NAME,
    REGIONS,
    SECTORS,
    TEAM_NAME,
    UNIT_KINDS,
)

_SMALL_STAFF = 6  # a unit with this base staff or fewer keeps 3–6 staff: an under-5 survey group

# ------------------------------------------------------------------------------- units


def build_units(scale: Scale, rng: np.random.Generator) -> list[Unit]:
    units = _unit_tree(scale, rng)
    if len(units) != scale.units:
        raise AssertionError(f"{scale.name}: built {len(units)} units, expected {scale.units}")
    _fit_headcounts(units, scale.staff, rng)
    _mark_pilots(units)
    _staff_units(units, rng)
    return units


def _unit_tree(scale: Scale, rng: np.random.Generator) -> list[Unit]:
    """Sectors, then their departments, then (city scale) the units under the departments."""
    sectors = [
        Unit(slug(s.name), s.name, None, index, s.genitive, "admin", rng.integers(2, 11), True)
        for index, s in enumerate(SECTORS)
    ]
    departments, children = [], []
    for index, sector in enumerate(SECTORS):
        for spec in sector.departments:
            if scale.levels == 2 and not spec.at_imatra:
                continue
            parent = sectors[index].unit_id
            small = spec.staff <= _SMALL_STAFF
            unit = Unit(
                slug(spec.name), spec.name, parent, index, spec.genitive, spec.domain, spec.staff,
                small,
            )  # fmt: skip
            departments.append(unit)
    if scale.levels == 3:
        children = _department_children(scale, departments, len(sectors), rng)
        for department in departments:  # a department with units under it keeps a small staff
            if any(child.parent_id == department.unit_id for child in children):
                department.base_staff = int(rng.integers(3, 16))
                department.small = True
    units = sectors + departments + children
    _make_ids_unique(units)
    return units


def _department_children(
    scale: Scale, departments: list[Unit], n_sectors: int, rng: np.random.Generator
) -> list[Unit]:
    specs = {slug(d.name): d for sector in SECTORS for d in sector.departments}
    fixed = [
        Unit(slug(name), name, d.unit_id, d.sector, d.genitive, d.domain,
             max(8.0, d.base_staff / len(specs[d.unit_id].units)), False)
        for d in departments
        if specs[d.unit_id].generated is None
        for name in specs[d.unit_id].units
    ]  # fmt: skip
    generated_parents = [d for d in departments if specs[d.unit_id].generated is not None]
    room = scale.units - n_sectors - len(departments) - len(fixed)
    kinds = [specs[d.unit_id].generated for d in generated_parents]
    weights = np.array([UNIT_KINDS[k].weight for k in kinds], dtype=float)
    caps = [len(REGIONS) if k == "region" else 10_000 for k in kinds]
    counts = _allocate(room, weights, caps)
    districts = _districts(rng)
    generated = []
    for parent, kind, count in zip(generated_parents, kinds, counts, strict=True):
        generated += _generated_children(parent, kind, count, districts)
    return fixed + generated


def _generated_children(
    parent: Unit, kind: str, count: int, districts: list[tuple[str, str]]
) -> list[Unit]:
    spec = UNIT_KINDS[kind]
    children = []
    for index in range(count):
        district, district_genitive = districts[index % len(districts)]
        region = REGIONS[index % len(REGIONS)]
        name = spec.name.format(n=district, g=district_genitive, d=parent.name, r=region)
        children.append(
            Unit(slug(name), name, parent.unit_id, parent.sector, spec.genitive or parent.genitive,
                 parent.domain, spec.staff, spec.staff <= _SMALL_STAFF)
        )  # fmt: skip
    return children


def _districts(rng: np.random.Generator) -> list[tuple[str, str]]:
    """Fictional district names in a seeded order: (nominative, genitive)."""
    names = [
        (prefix + suffix, prefix + genitive)
        for prefix in DISTRICT_PREFIXES
        for suffix, genitive in DISTRICT_SUFFIXES
    ]
    return [names[i] for i in rng.permutation(len(names))]


def _allocate(total: int, weights: np.ndarray, caps: list[int]) -> list[int]:
    """Split total into whole counts in proportion to weights, none above its cap."""
    counts = np.zeros(len(weights), dtype=int)
    open_ = np.ones(len(weights), dtype=bool)
    while counts.sum() < total and open_.any():
        left = total - counts.sum()
        share = weights * open_ / (weights * open_).sum() * left
        add = np.maximum(np.floor(share).astype(int), 0)
        if add.sum() == 0:  # hand out the remainder one at a time, largest share first
            add[int(np.argmax(share))] = 1
        counts = np.minimum(counts + add, caps)
        open_ = counts < np.array(caps)
    return counts.tolist()


def _make_ids_unique(units: list[Unit]) -> None:
    seen: dict[str, int] = {}
    for unit in units:
        count = seen.get(unit.unit_id, 0)
        seen[unit.unit_id] = count + 1
        if count:
            unit.unit_id = f"{unit.unit_id}-{count + 1}"


def _fit_headcounts(units: list[Unit], staff: int, rng: np.random.Generator) -> None:
    """Scale the units' base sizes so the organisation has `staff` people, 3 to 300 per unit.

    Sectors, departments with units under them and the designated small units keep their
    small staff: that is what gives survey groups under five respondents.
    """
    small = np.array([u.small for u in units])
    base = np.array([float(u.base_staff) for u in units])
    jitter = rng.lognormal(0.0, 0.25, len(units))
    sizes = np.where(small, base, base * jitter)
    small_sizes = np.array([rng.integers(3, 7) for _ in units])
    is_sector = np.array([u.parent_id is None for u in units])
    sizes = np.where(small & ~is_sector & (base <= _SMALL_STAFF), small_sizes, sizes)
    capped = np.zeros(len(units), dtype=bool)
    for _ in range(30):
        free = ~small & ~capped
        need = staff - sizes[~free].sum()
        sizes[free] *= need / sizes[free].sum()
        capped |= sizes >= 300
        sizes = np.clip(sizes, 3, 300)
    counts = np.round(sizes).astype(int)
    free_order = [i for i in np.argsort(-counts, kind="stable") if not small[i] and counts[i] < 300]
    step = 1 if staff > counts.sum() else -1
    for i in range(abs(staff - int(counts.sum()))):
        counts[free_order[i % len(free_order)]] += step
    for unit, count in zip(units, counts, strict=True):
        unit.headcount = int(count)


def _mark_pilots(units: list[Unit]) -> None:
    by_id = {u.unit_id: u for u in units}
    for unit in units:
        current: Unit | None = unit
        while current is not None:
            if current.unit_id in PILOT_UNIT_IDS:
                unit.pilot = True
                break
            current = by_id.get(current.parent_id) if current.parent_id else None


def _staff_units(units: list[Unit], rng: np.random.Generator) -> None:
    """Heads, change agents (about 60 % of units, always in pilot units) and supervisors."""
    emails: dict[str, int] = {}
    for unit in units:
        span = rng.uniform(8, 12)  # staff per supervisor
        unit.supervisors = int(min(unit.headcount, max(1, round(unit.headcount / span))))
        first, last = _person(rng)
        local = f"{_ascii(first)}.{_ascii(last)}".lower()
        emails[local] = emails.get(local, 0) + 1
        suffix = str(emails[local]) if emails[local] > 1 else ""
        unit.head_email = f"{local}{suffix}@{EMAIL_DOMAIN}"
        if unit.pilot or rng.random() < 0.6:
            unit.change_agent = " ".join(_person(rng))


def place_new_units(units: list[Unit], scale: Scale, rng: np.random.Generator, as_of: date) -> None:
    """Create a few units during the history and let some units grow, for the headcount history."""
    leaves = [i for i in _leaves(units) if not units[i].pilot]
    chosen = rng.choice(leaves, size=min(scale.new_units, len(leaves)), replace=False)
    history_days = (as_of - years_before(as_of, scale.idea_years)).days
    for i in sorted(chosen.tolist()):
        offset = int(rng.integers(history_days // 5, history_days - 180))
        units[i].created_on = years_before(as_of, scale.idea_years) + timedelta(days=offset)
    if scale.levels == 3:  # a growing city: some units grew two years ago
        for i in rng.choice(leaves, size=len(leaves) // 10, replace=False).tolist():
            if units[i].created_on is None and units[i].headcount >= 20:
                units[i].earlier_headcount = int(units[i].headcount * rng.uniform(0.75, 0.95))
                units[i].grew_on = years_before(as_of, 2)


def _leaves(units: list[Unit]) -> list[int]:
    """Units with a parent and no units under them."""
    parents = {u.parent_id for u in units}
    return [i for i, u in enumerate(units) if u.parent_id is not None and u.unit_id not in parents]


def unit_rows(world: World) -> list[list]:
    rows = []
    for u in world.units:
        if u.earlier_headcount is not None:  # the headcount from the start, then the new one
            earlier_supervisors = max(1, round(u.supervisors * u.earlier_headcount / u.headcount))
            rows.append(_unit_row(u, u.earlier_headcount, earlier_supervisors, None))
            rows.append(_unit_row(u, u.headcount, u.supervisors, u.grew_on))
        else:
            rows.append(_unit_row(u, u.headcount, u.supervisors, u.created_on))
    return rows


def _unit_row(u: Unit, headcount: int, supervisors: int, as_of: date | None) -> list:
    return [
        u.unit_id,
        u.name,
        headcount,
        u.parent_id,
        HOME_ORG_ID,
        supervisors,
        u.head_email,
        u.change_agent,
        as_of,
    ]


def headcount_on(unit: Unit, day: date) -> int:
    if unit.created_on is not None and day < unit.created_on:
        return 0
    if unit.grew_on is not None and day < unit.grew_on:
        return unit.earlier_headcount or 0
    return unit.headcount


def organisation_rows(scale: Scale) -> list[list]:
    rows = [[HOME_ORG_ID, HOME_NAME, "", True]]
    rows += [[org_id, name, "peer", False] for org_id, name, _ in PEERS[: scale.peers]]
    return rows


# ------------------------------------------------------------------------------- teams


def build_teams(world: World, rng: np.random.Generator) -> list[Team]:
    """The three pilot teams first, then (city scale) yearly waves of teams in other units."""
    units = world.units
    teams = []
    for wave, size in enumerate(world.scale.team_waves):
        started = weekday_on_or_after(add_years(world.programme_start, wave) + timedelta(days=14))
        if started > world.as_of - timedelta(days=30):
            break
        for unit_index in _team_units(units, wave, size, teams, rng):
            unit = units[unit_index]
            if not unit.change_agent:
                unit.change_agent = " ".join(_person(rng))
            ended = started + timedelta(days=int(rng.integers(730, 900)))
            teams.append(
                Team(
                    team_id=f"T{len(teams) + 1:02d}",
                    name=_team_name(unit, wave),
                    unit=unit_index,
                    started_on=started,
                    ended_on=ended if ended <= world.as_of - timedelta(days=14) else None,
                    change_agent=unit.change_agent,
                )
            )
    return teams


def _team_units(units, wave, size, teams, rng) -> list[int]:
    if wave == 0:
        return [next(i for i, u in enumerate(units) if u.unit_id == p) for p in PILOT_UNIT_IDS]
    taken = {t.unit for t in teams}
    candidates = [
        i
        for i in _leaves(units)
        if not units[i].pilot
        and units[i].headcount >= 15
        and units[i].created_on is None
        and i not in taken
    ]
    return sorted(rng.choice(candidates, size=size, replace=False).tolist())


def _team_name(unit: Unit, wave: int) -> str:
    if wave == 0:
        return PILOT_TEAM_NAME.format(Genitive=f"{unit.genitive[0].upper()}{unit.genitive[1:]}")
    return TEAM_NAME.format(unit=unit.name)


def team_rows(world: World) -> list[list]:
    return [
        [t.team_id, t.name, world.units[t.unit].unit_id, t.started_on, t.ended_on, t.change_agent]
        for t in world.teams
    ]


# ------------------------------------------------------------------------------- helpers


def _person(rng: np.random.Generator) -> tuple[str, str]:
    return (
        FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))],
        LAST_NAMES[int(rng.integers(len(LAST_NAMES)))],
    )


_ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A", "é": "e"})


def _ascii(text: str) -> str:
    return text.translate(_ASCII)


def slug(name: str) -> str:
    """A unit's id made of its name: lower-case ASCII letters and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")

"""Units' actions on their survey results, so that a new user sees the loop working: after each
round about half of the units without sub-units make an action plan, mostly within the eight
weeks that count (metrics.actions.PLAN_DAYS), some late; older actions are mostly done, a few
dropped and a few overdue; the steering group publishes some to all staff.

The actions are drawn at random, independently of the answers: in the demo, acting has no
effect of its own, and the programme-effect report shows what chance alone gives.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from metrics.demo.model import World
from metrics.demo.texts import SURVEY_ITEMS

STREAM = 10  # the actions' own random stream (metrics.demo.model._STREAMS uses 1-9)
ACTING_SHARE = 0.55  # units without sub-units that act on a round's results
LATE_SHARE = 0.12  # plans made after the eight weeks
# What units do, per indicator (Finnish, as the demo's other texts).
TITLES = {
    "satisfaction": (
        "Työn tavoitteet ja painopisteet yhdessä tiimin kanssa",
        "Kehityskeskustelut jokaiselle ennen kesää",
        "Työkuorman tasaaminen vuorosuunnittelussa",
        "Onnistumisten jakaminen viikkopalaverissa",
        "Työhyvinvointikävely kerran kuussa",
    ),
    "internal_communication": (
        "Viikkotiedote koko yksikölle",
        "Palaverikäytännön uudistus: asialista etukäteen",
        "Johdon kuulumiset kerran kuussa",
        "Yhteinen kanava ajankohtaisille asioille",
        "Päätösten perustelut kirjallisesti henkilöstölle",
    ),
    "change_leadership": (
        "Muutosten suunnittelu yhdessä henkilöstön kanssa",
        "Esihenkilöiden muutosvalmennus",
        "Kokeilut ennen pysyviä muutoksia",
        "Muutosagentti mukaan tiimin palavereihin",
        "Muutosten seuranta ja palaute puolen vuoden jälkeen",
    ),
}
OWNERS = ("Yksikön esihenkilö", "Muutosagentti", "Työhyvinvointiryhmä", "Koko tiimi")
INDICATORS = tuple(TITLES)
ITEMS = {i: [s.item_id for s in SURVEY_ITEMS if s.indicator == i] for i in INDICATORS}


def action_rows(world: World, seed: int) -> list[list]:
    """Rows of the `actions` file (metrics.demo.build.COLUMNS["actions"]), every date on or
    before as_of except due dates, which plan ahead."""
    rng = np.random.default_rng([seed, STREAM])
    parents = {u.parent_id for u in world.units if u.parent_id}
    leaves = [u for u in world.units if u.unit_id not in parents]
    rows = []
    for survey_round in world.rounds:
        if survey_round.closed_on >= world.as_of:
            continue
        existing = [
            u for u in leaves if u.created_on is None or u.created_on <= survey_round.closed_on
        ]
        for unit in existing:
            if rng.random() >= ACTING_SHARE:
                continue
            for _ in range(int(rng.integers(1, 3))):
                row = _action(rng, world.as_of, survey_round.round_id, survey_round.closed_on)
                if row is not None:
                    rows.append([unit.unit_id, *row])
    rows.sort(key=lambda r: (r[6], r[0]))
    return [[f"T{k + 1:05d}", *row] for k, row in enumerate(rows)]


def _action(rng, as_of: date, round_id: str, closed_on: date) -> list | None:
    late = rng.random() < LATE_SHARE
    created = closed_on + timedelta(
        days=int(rng.integers(60, 100) if late else rng.integers(5, 50))
    )
    if created > as_of:
        return None
    due = created + timedelta(days=int(rng.integers(45, 180)))
    indicator = INDICATORS[int(rng.integers(len(INDICATORS)))]
    item = (
        ITEMS[indicator][int(rng.integers(len(ITEMS[indicator])))] if rng.random() < 0.5 else None
    )
    status = _status(rng, due < as_of)
    published = status != "dropped" and rng.random() < 0.25
    return [
        round_id,
        indicator,
        item,
        TITLES[indicator][int(rng.integers(len(TITLES[indicator])))],
        OWNERS[int(rng.integers(len(OWNERS)))],
        created,
        due,
        status,
        published,
    ]


def _status(rng, past_due: bool) -> str:
    """Past its due date mostly done, some dropped, a few still open (overdue)."""
    if past_due:
        return str(
            rng.choice(["done", "dropped", "in_progress", "planned"], p=[0.72, 0.12, 0.1, 0.06])
        )
    return str(rng.choice(["planned", "in_progress", "done"], p=[0.45, 0.45, 0.1]))

"""The staff survey: its rounds, its items and every respondent's answers.

Answers come from a latent-attitude model: each unit has its own level, pilot units improve
most, some units stay flat or decline, and the organisation as a whole moves about as the real
programme reported (satisfaction +6 %, internal communication +33 %, change leadership +25 %,
relative change in favourable share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from metrics.demo.dates import friday_in_month, months_before, ramp
from metrics.demo.model import DemoFile, Round, Scale, World
from metrics.demo.organisation import headcount_on
from metrics.demo.texts import (
    AUTUMN,
    BASELINE_ROUND_NAME,
    PEERS,
    ROUND_NAME,
    SEASON_ROUND_NAME,
    SECTORS,
    SPRING,
    SURVEY_ITEMS,
)

INDICATORS = ("satisfaction", "internal_communication", "change_leadership", "wellbeing")
# Organisation-wide favourable share at the baseline, and its relative change by the time the
# programme has had its full effect (the seed programme's reported +6 %, +33 %, +25 %).
BASELINE_FAVOURABLE = {
    "satisfaction": 0.66,
    "internal_communication": 0.45,
    "change_leadership": 0.48,
    "wellbeing": 0.62,
}
PROGRAMME_CHANGE_REL = {
    "satisfaction": 0.06,
    "internal_communication": 0.33,
    "change_leadership": 0.25,
    "wellbeing": 0.0,
}
# How far pilot and team units move on the latent scale at full progress: about +20 pp of
# favourable share in change leadership and internal communication, +8 pp in satisfaction.
PILOT_EFFECT = {
    "satisfaction": 0.35,
    "internal_communication": 0.95,
    "change_leadership": 0.95,
    "wellbeing": 0.0,
}
# Cut points of the latent attitude: answer = 1 + number of cuts below it, so 4–5
# (favourable) means the attitude is above 0.
_ANSWER_CUTS = np.array([-2.4, -1.2, 0.0, 1.7])
_PERSON_SD = 0.7  # a respondent's general mood, shared by all their answers
_PERSON_INDICATOR_SD = 0.4  # their view on one topic
_ITEM_NONRESPONSE = 0.03
# Quadrature over a respondent's own mood, which spreads each unit's answers.
_GAUSS_HERMITE = np.polynomial.hermite_e.hermegauss(20)


def survey_rounds(scale: Scale, as_of: date) -> list[Round]:
    """Rounds every 12 / rounds_per_year months, the last closed about six weeks before as_of."""
    last_close = friday_in_month(as_of - timedelta(days=40))
    step = 12 // scale.rounds_per_year
    rounds = []
    for k in range(scale.survey_rounds):
        closed = friday_in_month(months_before(last_close, step * (scale.survey_rounds - 1 - k)))
        if scale.rounds_per_year == 1:
            round_id, name = f"R{closed.year}", ROUND_NAME.format(year=closed.year)
        else:
            half = "K" if closed.month <= 6 else "S"
            season = SPRING if half == "K" else AUTUMN
            round_id = f"R{closed.year}{half}"
            name = SEASON_ROUND_NAME.format(season=season, year=closed.year)
        if k == scale.baseline_round:
            name = BASELINE_ROUND_NAME.format(name=name)
        rounds.append(Round(round_id, name, closed - timedelta(days=18), closed))
    return rounds


def round_rows(world: World) -> list[list]:
    return [[r.round_id, r.name, r.closed_on, r.opened_on] for r in world.rounds]


def item_rows() -> list[list]:
    return [[i.item_id, i.fi, i.indicator, i.en, i.sv, 5, i.reverse] for i in SURVEY_ITEMS]


@dataclass(frozen=True)
class _SurveyModel:
    """Each unit's latent attitude per indicator: base + programme effect × progress."""

    base: np.ndarray  # units × indicators
    effect: np.ndarray  # units × indicators, at full progress
    weights: np.ndarray  # expected respondents per unit
    response_rate: np.ndarray  # units


def _survey_model(world: World, rng: np.random.Generator) -> _SurveyModel:
    n = len(world.units)
    general = rng.normal(0, 0.35, n)
    sector = rng.normal(0, 0.15, len(SECTORS))[[u.sector for u in world.units]]
    base = general[:, None] + sector[:, None] + rng.normal(0, 0.3, (n, len(INDICATORS)))
    trend, boosted = _unit_trends(world, rng)
    pilot_effect = np.array([PILOT_EFFECT[i] for i in INDICATORS]) * rng.uniform(
        0.85, 1.15, (n, len(INDICATORS))
    )
    low, high = world.scale.response_rate
    response_rate = rng.uniform(low, high, n)
    weights = np.array([u.headcount for u in world.units]) * response_rate
    effect = np.zeros((n, len(INDICATORS)))
    for k, indicator in enumerate(INDICATORS):
        start = BASELINE_FAVOURABLE[indicator]
        level = _solve(lambda c, k=k: _org_favourable(c + base[:, k], weights, k), start)
        base[:, k] += level
        target = start * (1 + PROGRAMME_CHANGE_REL[indicator])

        def change(d: float, k: int = k) -> np.ndarray:  # pilots fixed, the others scaled
            return np.where(boosted, pilot_effect[:, k], d * trend[:, k])

        size = _solve(lambda d, k=k: _org_favourable(base[:, k] + change(d), weights, k), target)
        effect[:, k] = change(size)
    return _SurveyModel(base, effect, weights, response_rate)


def _unit_trends(world: World, rng) -> tuple[np.ndarray, np.ndarray]:
    """How strongly each unit follows the programme, and which units run pilot or team projects.

    A little over half the units improve, the rest stay flat or decline; pilot and team units
    (the second array) improve by PILOT_EFFECT whatever the scale.
    """
    n = len(world.units)
    kind = rng.choice(3, size=n, p=[0.55, 0.28, 0.17])  # improving, flat, declining
    multiplier = np.select(
        [kind == 0, kind == 1, kind == 2],
        [rng.uniform(1.3, 2.1, n), rng.uniform(-0.1, 0.3, n), rng.uniform(-0.5, -0.1, n)],
    )
    team_units = {t.unit for t in world.teams}
    boosted = np.array([u.pilot or i in team_units for i, u in enumerate(world.units)])
    return multiplier[:, None] * rng.uniform(0.8, 1.2, (n, len(INDICATORS))), boosted


def _org_favourable(level: np.ndarray, weights: np.ndarray, indicator: int) -> float:
    """Expected favourable share of the whole organisation given each unit's latent level."""
    shifts = np.array([i.level for i in SURVEY_ITEMS if i.indicator == INDICATORS[indicator]])
    nodes, node_weights = _GAUSS_HERMITE
    spread = math.hypot(_PERSON_SD, _PERSON_INDICATOR_SD)
    z = level[:, None, None] + shifts[None, :, None] + spread * nodes[None, None, :]
    share = (1 / (1 + np.exp(-z)) * node_weights).sum(axis=2) / node_weights.sum()
    return float((share.mean(axis=1) * weights).sum() / weights.sum())


def _solve(f, target: float) -> float:
    """The x at which the increasing function f reaches target (bisection)."""
    low, high = -6.0, 6.0
    for _ in range(50):
        middle = (low + high) / 2
        if f(middle) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def write_survey_responses(out: Path, world: World, rng: np.random.Generator) -> list[DemoFile]:
    """One answers file per round, survey_responses_<round_id>.csv."""
    model = _survey_model(world, rng)
    item_indicator = np.array([INDICATORS.index(i.indicator) for i in SURVEY_ITEMS])
    item_shift = np.array([i.level for i in SURVEY_ITEMS])
    reverse = np.array([i.reverse for i in SURVEY_ITEMS])
    files = []
    for survey_round in world.rounds:
        progress = ramp(
            np.array([survey_round.closed_on.toordinal()]),
            world.programme_start,
            world.scale.improvement_years,
            concave=True,
        )[0]
        staff = np.array([headcount_on(u, survey_round.opened_on) for u in world.units])
        rate = np.clip(model.response_rate + rng.normal(0, 0.04, len(staff)), 0.4, 0.95)
        respondents = rng.binomial(staff, rate)
        wobble = rng.normal(0, 0.12, model.base.shape)  # a unit's year-to-year ups and downs
        level = model.base + model.effect * progress + wobble
        unit_of = np.repeat(np.arange(len(staff)), respondents)
        answers = _answers(level, unit_of, item_indicator, item_shift, reverse, rng)
        path = out / f"survey_responses_{survey_round.round_id}.csv"
        _write_answers(path, survey_round.round_id, world, unit_of, answers, rng)
        files.append(DemoFile("survey_responses", path, survey_round.round_id))
    return files


def _answers(level, unit_of, item_indicator, item_shift, reverse, rng) -> np.ndarray:
    """Answers 1..5 (0 = no answer), one row per respondent, vectorised over everyone."""
    n, n_items = len(unit_of), len(item_indicator)
    person = rng.normal(0, _PERSON_SD, n)
    topic = rng.normal(0, _PERSON_INDICATOR_SD, (n, len(INDICATORS)))
    latent = level[unit_of][:, item_indicator] + item_shift + person[:, None]
    latent += topic[:, item_indicator] + rng.logistic(0, 1, (n, n_items))
    values = 1 + (latent[:, :, None] > _ANSWER_CUTS).sum(axis=2).astype(np.uint8)
    values = np.where(reverse, 6 - values, values).astype(np.uint8)
    missing = rng.random((n, n_items)) < _ITEM_NONRESPONSE
    missing[missing.all(axis=1), 0] = False  # a respondent answered at least one item
    values[missing] = 0
    return values


def _write_answers(path: Path, round_id: str, world: World, unit_of, answers, rng) -> None:
    """Fast CSV for the big files: the answer cells are built as one byte matrix."""
    n, n_items = answers.shape
    ids = rng.permutation(n)
    width = 2 * n_items + 1
    cells = np.full((n, width), ord(","), dtype=np.uint8)
    cells[:, 1:-1:2] = np.where(answers == 0, 0, answers + ord("0"))
    cells[:, -1] = ord("\n")
    block = cells.tobytes().decode("ascii")
    prefix = [f"{round_id},{u.unit_id}," for u in world.units]
    lines = [
        f"{prefix[u]}{round_id.lower()}-{ids[k]:06d}{block[k * width : (k + 1) * width]}"
        for k, u in enumerate(unit_of.tolist())
    ]
    header = ",".join(["round_id", "unit_id", "respondent"] + [i.item_id for i in SURVEY_ITEMS])
    text = header + "\n" + "".join(lines).replace("\x00", "")
    path.write_bytes(text.encode("utf-8"))


# The peers took part in the same survey rounds and shared their organisation-wide results
# (the benchmark page compares the city with them). Their staff and response rates, and how far
# their figures drift a year without a programme like the city's, in favourable share.
PEER_STAFF = (1800, 4200, 2600, 3300)
PEER_RESPONSE_RATE = (0.55, 0.75)
PEER_DRIFT_PER_YEAR = 0.01


def peer_result_rows(world: World, rng: np.random.Generator) -> list[list]:
    """survey_results rows: each peer's favourable share and respondents per round and programme
    indicator, starting near the city's baseline and drifting slowly (no programme effect)."""
    rows = []
    for k, (org_id, _, _) in enumerate(PEERS[: world.scale.peers]):
        start = {i: BASELINE_FAVOURABLE[i] + rng.normal(0, 0.04) for i in INDICATORS[:3]}
        first = world.rounds[0].closed_on
        for r in world.rounds:
            years = (r.closed_on - first).days / 365.25
            rate = rng.uniform(*PEER_RESPONSE_RATE)
            n = int(PEER_STAFF[k % len(PEER_STAFF)] * rate)
            for indicator, level in start.items():
                share = level + PEER_DRIFT_PER_YEAR * years + rng.normal(0, 0.015)
                pct = round(100 * min(max(share, 0.05), 0.95), 1)
                rows.append([r.round_id, org_id, indicator, pct, n, round(100 * rate, 1)])
    return rows

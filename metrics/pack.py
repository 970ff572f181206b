"""The steering group's meeting pack: what changed since the previous meeting, as plain data.

`build` gathers every section from the metric functions that define its figures (overview,
ideas, pilots, activities, survey, incentives, practices) and never works a figure out again;
`sentences` writes the five to eight sentences at the top from those figures by fixed rules (no
language model). metrics/pack_render.py writes the pack as HTML or PDF, metrics/digest.py
mails parts of it. Survey figures arrive with the anonymity rules applied (a hidden figure is
empty and its row says suppressed); nothing here reads a survey answer.

The days covered and compared are a meetings.Window. Stock figures (ideas waiting, projects
needing help) are read on the window's last day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from metrics import (
    activities,
    ideas,
    incentives,
    overview,
    pilots,
    practices,
    settings,
    store,
    survey,
    units,
)
from metrics.anonymity import ORGANISATION
from metrics.catalogue import metric
from metrics.contract import DECIDED_STATUSES, PROGRAMME_INDICATORS
from metrics.meetings import Window
from metrics.programme_effect import programme_effect
from metrics.units import SCOPE_SQL

# The headline figures, in the order the pack lists them (each defined in the catalogue).
HEADLINE = (
    *overview.IDEA_FLOW_METRICS,
    *overview.IDEA_CONVERSION_METRICS,
    "ideas_waiting",
    "ideas_overdue",
    "projects_on_track",
)
# Figures with no history: the previous meeting's value is unknown (project statuses).
NO_HISTORY = ("projects_on_track",)
SECTIONS = ("ideas", "pilots", "activities", "survey", "standings", "practices")
LIST_LIMIT = 10  # ideas, projects and units listed per table; the totals say how many in all
MOVERS = 5  # units rising and falling most in the standings
MAX_SENTENCES = 8

MILESTONES_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT m.milestone_id, m.title, p.project_id, p.title AS project_title,
           t.name AS team_name, u.name AS unit_name, m.reached_on
    FROM milestones m JOIN projects p USING (project_id) JOIN teams t USING (team_id)
    JOIN scope ON scope.unit_id = t.unit_id JOIN units u ON u.unit_id = t.unit_id
    WHERE m.reached_on BETWEEN $start AND $end
    ORDER BY m.reached_on, m.milestone_id
"""
IN_SCOPE_SQL = f"SELECT unit_id FROM ({SCOPE_SQL})"
LAST_LOAD_SQL = "SELECT max(imported_at) FROM import_log WHERE NOT coalesce(refused, false)"


# ----------------------------------------------------------------------------- the words' values


@dataclass(frozen=True)
class Figure:
    """A value of a catalogue unit, written by the renderer for the language."""

    value: float
    unit: str
    change: bool = False  # written as a signed change (shares and percents in points)


@dataclass(frozen=True)
class Label:
    """A text of metrics/pack_texts.toml, such as a metric's name."""

    key: str


@dataclass(frozen=True)
class Phrase:
    """A text of metrics/pack_texts.toml with its values: str, int, date, Figure, Label, Phrase,
    or a list of those (written as a list: "a, b and c"). `count` picks the singular text."""

    key: str
    values: dict = field(default_factory=dict)
    count: int | None = None


@dataclass(frozen=True)
class Sentence(Phrase):
    """One sentence of the summary, and whether it says what improved (better), what needs a
    decision (decision), or a plain fact."""

    tone: str = "fact"


# ----------------------------------------------------------------------------- the pack


@dataclass(frozen=True)
class Pack:
    """Everything a meeting pack shows, as plain data (frames hold the metric functions' rows).

    headline: metric, value, previous, change, unit, higher_is_better, better (True where the
    change is for the better, False for the worse, None without one).
    """

    window: Window
    unit: str | None
    unit_name: str | None
    generated_on: date
    last_load: datetime | None
    target_days: int
    headline: pd.DataFrame
    monthly_flow: pd.DataFrame | None = None
    decisions: pd.DataFrame | None = None
    waiting: pd.DataFrame | None = None
    waiting_total: int = 0
    overdue_total: int = 0
    projects: pd.DataFrame | None = None
    project_counts: pd.Series | None = None
    milestones: pd.DataFrame | None = None
    workshops: pd.DataFrame | None = None
    seminars: pd.DataFrame | None = None
    activity_totals: pd.Series | None = None
    not_reached: pd.DataFrame | None = None
    units_total: int = 0
    survey: pd.DataFrame | None = None
    survey_groups: pd.DataFrame | None = None
    survey_from: str | None = None  # round names
    survey_to: str | None = None
    survey_to_closed: date | None = None
    survey_new: bool = False
    effect: pd.DataFrame | None = None  # did acting work (programme_effect), whole org only
    movers: pd.DataFrame | None = None
    practices: pd.DataFrame | None = None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def period(self):
        return self.window.period

    def figure(self, name: str) -> pd.Series:
        return self.headline.set_index("metric").loc[name]


def build(
    con,
    *,
    window: Window,
    unit: str | None = None,
    sections: tuple[str, ...] = SECTIONS,
    today: date | None = None,
) -> Pack:
    """The meeting pack of the window, for the whole organisation or one unit (with every unit
    below it). `sections` leaves out the parts not asked for (the digest needs fewer)."""
    tree = units.units(con)
    names = dict(zip(tree["unit_id"], tree["name"], strict=True))
    if unit is not None and unit not in names:
        raise ValueError(f"no unit {unit!r}")
    period, on = window.period, window.period.end
    target = settings.load().decision_target_days
    parts: dict = {}
    if "ideas" in sections:
        parts |= _ideas(con, period, unit, on)
    if "pilots" in sections:
        parts |= _pilots(con, period, unit, on)
    if "activities" in sections:
        parts |= _activities(con, period, unit)
    if "survey" in sections:
        parts |= _survey(con, period, unit, tree)
    if "standings" in sections:
        parts["movers"] = _movers(con, period, unit)
    if "practices" in sections:
        parts["practices"] = _practices(con, period, unit)
    last_load = store.read(con, LAST_LOAD_SQL).iloc[0, 0]
    pack = Pack(
        window=window,
        unit=unit,
        unit_name=names.get(unit) if unit else None,
        generated_on=today or date.today(),
        last_load=None if pd.isna(last_load) else pd.Timestamp(last_load).to_pydatetime(),
        target_days=target,
        headline=headline(con, window=window, unit=unit),
        **parts,
    )
    return Pack(**{**pack.__dict__, "sentences": sentences(pack)})


def headline(con, *, window: Window, unit: str | None = None) -> pd.DataFrame:
    """The headline figures of the window beside those of the window compared with.

    Columns: metric (HEADLINE), value, previous, change (value − previous, in the value's
    unit), unit, higher_is_better (from the catalogue), better. The idea figures are the
    overview's (overview.IDEA_FLOW_METRICS from ideas.idea_flow, IDEA_CONVERSION_METRICS from
    ideas.idea_conversion) for each window; ideas_waiting and ideas_overdue come from
    ideas.backlog_by_age on each window's last day; projects_on_track is today's count
    (pilots.project_status_counts; statuses keep no history).
    """
    now, before = (_idea_figures(con, chosen, unit) for chosen in (window.period, window.previous))
    rows = []
    for name in HEADLINE:
        if name in now:
            value, previous = now[name], before[name]
        elif name in NO_HISTORY:
            value, previous = pilots.project_status_counts(con, unit=unit)["on_track"], math.nan
        else:
            value, previous = (_backlog(con, name, day, unit) for day in _days(window))
        rows.append({"metric": name, "value": float(value), "previous": float(previous)})
    frame = pd.DataFrame(rows)
    frame["change"] = frame["value"] - frame["previous"]
    frame["unit"] = frame["metric"].map(lambda m: metric(m).unit)
    frame["higher_is_better"] = frame["metric"].map(lambda m: metric(m).higher_is_better)
    frame["better"] = [
        None if math.isnan(c) or round(c, 9) == 0 else (c > 0) == up
        for c, up in zip(frame["change"], frame["higher_is_better"], strict=True)
    ]
    return frame


def _idea_figures(con, period, unit) -> dict[str, float]:
    """The overview's idea figures of a period, by metric name (as overview.overview)."""
    flow = ideas.idea_flow(con, period=period, unit=unit)
    conversion = ideas.idea_conversion(con, period=period, unit=unit)
    return {
        **{name: float(flow[c]) for name, c in overview.IDEA_FLOW_METRICS.items()},
        **{name: float(conversion[c]) for name, c in overview.IDEA_CONVERSION_METRICS.items()},
    }


def _days(window: Window) -> tuple[date, date]:
    return window.period.end, window.previous.end


def _backlog(con, name: str, on: date, unit: str | None) -> int:
    bands = ideas.backlog_by_age(con, on=on, unit=unit)
    return int(bands["ideas" if name == "ideas_waiting" else "overdue"].sum())


def _ideas(con, period, unit, on) -> dict:
    decided = ideas.idea_list(
        con, on=on, unit=unit, statuses=DECIDED_STATUSES, order="decided", limit=None
    )
    when = pd.to_datetime(decided["decided_on"]).dt.date
    decided = decided[(when >= period.start) & (when <= period.end)]
    waiting = ideas.idea_list(
        con, on=on, unit=unit, statuses=ideas.WAITING_STATUSES, order="oldest", limit=LIST_LIMIT
    )
    bands = ideas.backlog_by_age(con, on=on, unit=unit)
    target = settings.load().decision_target_days
    return {
        "monthly_flow": ideas.monthly_flow(con, period=period, unit=unit),
        "decisions": decided.head(LIST_LIMIT).reset_index(drop=True),
        "waiting": waiting.assign(overdue=waiting["age_days"] > target),
        "waiting_total": int(bands["ideas"].sum()),
        "overdue_total": int(bands["overdue"].sum()),
    }


def _pilots(con, period, unit, on) -> dict:
    projects = pilots.projects(con, unit=unit, today=on)
    params = {"unit": unit, "start": period.start, "end": period.end}
    return {
        "projects": projects[projects["needs_help"]].reset_index(drop=True),
        "project_counts": pilots.project_summary(con, unit=unit, today=on),
        "milestones": store.read(con, MILESTONES_SQL, params),
    }


def _activities(con, period, unit) -> dict:
    coverage = activities.activity_coverage(con, unit=unit, today=period.end)
    leaves = coverage[~coverage["unit_id"].isin(coverage["parent_id"])]
    return {
        "workshops": activities.activity_list(
            con, kind="supervisor_workshop", period=period, unit=unit
        ),
        "seminars": activities.activity_list(con, kind="seminar", period=period, unit=unit),
        "activity_totals": activities.activity_totals(con, period=period, unit=unit),
        "not_reached": leaves[leaves["reach"] == "neither"][["unit_id", "name"]].reset_index(
            drop=True
        ),
        "units_total": len(leaves),
    }


def _survey(con, period, unit, tree) -> dict:
    """The change between the scope's latest two rounds closed by the period's end
    (survey.latest_rounds, as the overview), for the scope and the groups one level below it
    (the sectors, for the whole organisation), from one survey.change_between: hidden wherever
    either round's figure is. The programme's indicators only, as the overview reports them."""
    pair = survey.latest_rounds(con, unit=unit, up_to=period.end)
    if pair is None:
        return {"survey": pd.DataFrame(columns=survey.CHANGE_COLUMNS)}
    changes = survey.change_between(con, from_round=pair[0], to_round=pair[1])
    changes = changes[changes["indicator"].isin(PROGRAMME_INDICATORS)]
    order = {indicator: n for n, indicator in enumerate(PROGRAMME_INDICATORS)}
    changes = changes.sort_values("indicator", key=lambda c: c.map(order), kind="stable")
    mine = changes[changes["group_id"] == (unit or ORGANISATION)].reset_index(drop=True)
    below = tree[tree["parent_id"].isna()] if unit is None else tree[tree["parent_id"] == unit]
    home = set(store.read(con, "SELECT unit_id FROM home_units")["unit_id"])
    below = below[below["unit_id"].isin(home)][["unit_id", "name"]]
    groups = below.merge(changes, left_on="unit_id", right_on="group_id").drop(columns="group_id")
    rounds = survey.rounds(con).set_index("round_id")
    closed = pd.Timestamp(rounds.loc[pair[1], "closed_on"]).date()
    return {
        "survey": mine,
        "survey_groups": groups,
        "survey_from": rounds.loc[pair[0], "name"],
        "survey_to": rounds.loc[pair[1], "name"],
        "survey_to_closed": closed,
        "survey_new": period.start <= closed <= period.end,
        # did acting work: the whole organisation's units, so only in the organisation's pack
        "effect": None if unit else programme_effect(con, from_round=pair[0], to_round=pair[1]),
    }


def _movers(con, period, unit) -> pd.DataFrame:
    """The units rising and falling most (incentives.most_improved), each with direction."""
    frame = incentives.most_improved(con, period=period, unit=unit)
    rising = frame[frame["score_change"] > 0].head(MOVERS)
    falling = frame[frame["score_change"] < 0].sort_values("score_change").head(MOVERS)
    return pd.concat([rising, falling.iloc[::-1]], ignore_index=True)


def _practices(con, period, unit) -> pd.DataFrame:
    frame = practices.practices(con)
    when = pd.to_datetime(frame["published_on"]).dt.date
    frame = frame[(when >= period.start) & (when <= period.end)]
    if unit is not None:
        frame = frame[frame["unit_id"].isin(store.read(con, IN_SCOPE_SQL, {"unit": unit}).unit_id)]
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- the sentences


def _fig(pack: Pack, name: str, column: str = "value") -> Figure:
    row = pack.figure(name)
    return Figure(row[column], row["unit"], change=column == "change")


def sentences(pack: Pack) -> list[Sentence]:
    """Five to eight sentences from the pack's figures: what was done, what improved, what
    needs a decision. The first two, the decision backlog, the projects and the programme's
    reach are always said; then, as room allows, what got better, the new survey round, what
    got worse, the standings' biggest riser and the practices added."""
    always = [_sent(pack), _decided(pack)]
    always += [s for s in (_overdue(pack), _projects(pack), _reach(pack)) if s]
    optional = [
        s
        for s in (_changed(pack, True), _survey_said(pack), _changed(pack, False), _mover(pack))
        + (_practices_said(pack),)
        if s
    ]
    chosen = always + optional[: max(0, MAX_SENTENCES - len(always))]
    order = ["sent", "decided", "better", "mover", "survey", "practices", "reach", "worse",
             "overdue", "projects"]  # fmt: skip
    return sorted(chosen, key=lambda s: order.index(s.key.split(".")[1].split("_")[0]))


def _sent(pack: Pack) -> Sentence:
    count = int(pack.figure("ideas_submitted")["value"])
    values = {
        "per_100": _fig(pack, "ideas_per_100_staff"),
        "previous": Figure(pack.figure("ideas_submitted")["previous"], "count"),
    }
    return Sentence("sentence.sent", values, count)


def _decided(pack: Pack) -> Sentence:
    decided = int(pack.figure("ideas_decided")["value"])
    median = pack.figure("median_days_to_decision")["value"]
    values = {"implemented": Figure(pack.figure("ideas_implemented")["value"], "count")}
    if math.isnan(median):
        return Sentence("sentence.decided", values, decided)
    values["median"] = Figure(median, "days")
    return Sentence("sentence.decided_median", values, decided)


def _changed(pack: Pack, for_better: bool) -> Sentence | None:
    """The headline figures that changed for the better (or worse), largest relative change
    first, at most three."""
    said = pack.headline["metric"] == "ideas_submitted"  # the first sentence says it
    rows = pack.headline[pack.headline["better"].map(lambda b: b is for_better) & ~said]
    if rows.empty:
        return None
    scale = rows["previous"].abs().where(rows["previous"] != 0)
    rows = rows.assign(size=(rows["change"] / scale).abs().fillna(math.inf))
    rows = rows.sort_values("size", ascending=False).head(3)
    listed = [
        Phrase(
            "phrase.change",
            {
                "label": Label(f"metric.{r.metric}"),
                "before": Figure(r.previous, r.unit),
                "now": Figure(r.value, r.unit),
            },
        )
        for r in rows.itertuples()
    ]
    key = "sentence.better" if for_better else "sentence.worse"
    return Sentence(key, {"changes": listed}, tone="better" if for_better else "decision")


def _overdue(pack: Pack) -> Sentence | None:
    if pack.waiting is None:
        return None
    if not pack.overdue_total:
        return Sentence("sentence.overdue_none", {"target": pack.target_days})
    oldest = pack.waiting.iloc[0]
    values = {
        "target": pack.target_days,
        "title": oldest["title"],
        "unit": oldest["unit_name"],
        "age": Figure(oldest["age_days"], "days"),
    }
    return Sentence("sentence.overdue", values, pack.overdue_total, tone="decision")


def _projects(pack: Pack) -> Sentence | None:
    if pack.projects is None:
        return None
    reached = len(pack.milestones)
    if pack.projects.empty:
        return Sentence("sentence.projects_none", {"milestones": reached})
    titles = list(pack.projects["title"].head(3))
    values = {"titles": titles, "milestones": reached}
    return Sentence("sentence.projects", values, len(pack.projects), tone="decision")


def _reach(pack: Pack) -> Sentence | None:
    if pack.activity_totals is None:
        return None
    totals = pack.activity_totals
    values = {
        "workshops": int(totals["supervisor_workshops"]),
        "seminars": int(totals["seminars"]),
        "not_reached": len(pack.not_reached),
        "units": pack.units_total,
    }
    return Sentence("sentence.reach", values, int(totals["supervisor_workshops"]))


def _survey_said(pack: Pack) -> Sentence | None:
    if pack.survey is None or not pack.survey_new:
        return None
    return Sentence(
        "sentence.survey",
        {"round": pack.survey_to, "changes": [survey_phrase(r) for r in pack.survey.itertuples()]},
        tone="better",
    )


def survey_phrase(row) -> Phrase:
    """One indicator's change (a latest_change row): hidden, untested, real or maybe noise."""
    values = {"label": Label(f"metric.{row.indicator}_favourable_pct")}
    if row.suppressed or pd.isna(row.change_pp):
        return Phrase("phrase.survey_hidden", values)
    values["change"] = Figure(row.change_pp, "pp")
    if pd.isna(row.significant):
        return Phrase("phrase.survey_untested", values)
    key = "phrase.survey_real" if row.significant else "phrase.survey_noise"
    return Phrase(key, values)


def _mover(pack: Pack) -> Sentence | None:
    if pack.movers is None or pack.movers.empty or pack.movers["score_change"].iloc[0] <= 0:
        return None
    top = pack.movers.iloc[0]
    values = {
        "unit": top["unit_name"],
        "change": Figure(top["score_change"], "points_per_10_staff", change=True),
        "from_rank": int(top["previous_rank"]),
        "to_rank": int(top["rank"]),
    }
    return Sentence("sentence.mover", values, tone="better")


def _practices_said(pack: Pack) -> Sentence | None:
    if pack.practices is None or pack.practices.empty:
        return None
    return Sentence("sentence.practices", {}, len(pack.practices), tone="better")

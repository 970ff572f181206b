"""Where the home organisation stands among benchmark organisations, indicator by indicator.

Benchmark organisations are the organisations that are not the home one and not aggregates,
with indicator-level survey_results of their own (for example the UK Civil Service People
Survey through the `csps` preset). An aggregate is a row that summarises the others, such as a
published median: a preset lists them (`aggregates`) and the importer flags them
(organisations.aggregate); they are reference figures, never part of a distribution.

Definitions (one place; the page, the report and the tests use these):
- a benchmark organisation's figure is its favourable_pct in the round; a figure the publisher
  suppressed, or with n below the anonymity threshold, is hidden: it is not in the
  distribution and is never shown as 0;
- median and quartiles are over the benchmark organisations' figures that are not hidden, by
  linear interpolation between the ordered figures (Hyndman & Fan type 7: numpy's default
  `percentile(..., method="linear")`, DuckDB's quantile_cont);
- the home percentile = 100 × (organisations with a lower figure + half of those with the same
  figure) / organisations (scipy's `percentileofscore(kind="mean")`);
- benchmark rounds are their own survey rounds. Each is compared with the home survey round
  that closed nearest to it in time (on a tie, the earlier one), if that is at most
  MAX_DAYS_APART days from it (else there is no home figure); the home figure is the whole
  organisation's (metrics.survey, anonymity applied: computed from answers, or the home
  organisation's own published row);
- change: the home figure against the previous home round (percentage points, with
  metrics.survey's interval and suppression), beside the benchmark median against the
  previous benchmark round (percentage points; the organisations in the two rounds may
  differ, it is the change of the median, not of matched organisations).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from metrics import anonymity, store, survey
from metrics.anonymity import ORGANISATION
from metrics.contract import PROGRAMME_INDICATORS

# Every indicator-level result of an organisation other than the home one; a hidden figure
# (the publisher's suppression, or n below the threshold) is NULL and its row says so.
RESULTS_SQL = """
    SELECT r.round_id, r.org_id, o.name, o.group_name, coalesce(o.aggregate, false) AS aggregate,
           o.source_id, r.indicator,
           r.suppressed OR coalesce(r.n < $threshold, false) AS suppressed,
           CASE WHEN r.suppressed OR coalesce(r.n < $threshold, false) THEN NULL
                ELSE r.favourable_pct END AS favourable_pct,
           r.response_rate AS response_rate_pct
    FROM survey_results r JOIN organisations o USING (org_id)
    WHERE NOT o.home AND r.unit_id IS NULL AND r.item_id IS NULL AND r.indicator IS NOT NULL
"""

# Per round and indicator: the distribution of the benchmark organisations' figures.
DISTRIBUTION_SQL = f"""
    WITH results AS ({RESULTS_SQL})
    SELECT round_id, indicator,
           count(favourable_pct) AS organisations,
           count(*) FILTER (WHERE suppressed) AS hidden_organisations,
           quantile_cont(favourable_pct, 0.5) AS benchmark_median,
           quantile_cont(favourable_pct, 0.25) AS benchmark_q1,
           quantile_cont(favourable_pct, 0.75) AS benchmark_q3,
           min(favourable_pct) AS benchmark_min,
           max(favourable_pct) AS benchmark_max
    FROM results WHERE NOT aggregate
    GROUP BY ALL
"""

BENCHMARK_ROUNDS_SQL = f"""
    WITH results AS ({RESULTS_SQL})
    SELECT s.round_id, s.name, s.closed_on, count(DISTINCT r.org_id) AS organisations
    FROM survey_rounds s JOIN results r USING (round_id)
    WHERE NOT r.aggregate
    GROUP BY ALL
    ORDER BY s.closed_on, s.round_id
"""

SOURCES_SQL = f"""
    WITH results AS ({RESULTS_SQL})
    SELECT d.source_id, d.title, d.source, d.attribution FROM data_sources d
    WHERE d.source_id IN (
        SELECT source_id FROM results WHERE $round_id IS NULL OR round_id = $round_id
    )
    ORDER BY d.source_id
"""

HOME_SQL = "SELECT org_id, name FROM organisations WHERE home"

# A home round further than this from a benchmark round is not compared with it.
MAX_DAYS_APART = 365

BENCHMARK_COLUMNS = [
    "round_id", "indicator", "home_round_id", "home_pct", "home_suppressed", "benchmark_median",
    "benchmark_q1", "benchmark_q3", "benchmark_min", "benchmark_max", "home_percentile",
    "organisations", "hidden_organisations", "previous_round_id", "benchmark_median_change_pp",
    "home_previous_round_id", "home_change_pp", "home_change_significant",
    "home_change_suppressed",
]  # fmt: skip
REPORT_COLUMNS = (
    "round_id", "indicator", "home_pct", "benchmark_median", "benchmark_q1", "benchmark_q3",
    "home_percentile", "organisations",
)  # fmt: skip


def _threshold() -> dict:
    return {"threshold": anonymity.threshold()}


def percentile_rank(values, x) -> float:
    """100 × (values below x + half of the values equal to x) / values; NaN without x or values.

    The same as scipy.stats.percentileofscore(values, x, kind="mean")."""
    values = np.asarray(values, dtype=float)
    if values.size == 0 or x is None or (isinstance(x, float) and math.isnan(x)):
        return math.nan
    return 100 * (np.sum(values < x) + 0.5 * np.sum(values == x)) / values.size


def home_organisation(con) -> str:
    """The home organisation's name."""
    found = store.read(con, HOME_SQL)
    return str(found["name"].iloc[0]) if len(found) else ""


def benchmark_rounds(con) -> pd.DataFrame:
    """Every round with benchmark results, oldest first, each paired with a home round.

    Columns: round_id, name, closed_on, organisations (benchmark organisations with a result in
    the round; aggregates not counted), home_round_id (the home survey round that closed
    nearest in time to this one, the earlier on a tie; None where there is no home survey
    round within MAX_DAYS_APART days),
    home_round_name, home_closed_on, days_apart (home_closed_on − closed_on in days; negative
    where the home survey closed first).
    """
    rounds = store.read(con, BENCHMARK_ROUNDS_SQL, _threshold())
    home = _home_rounds(con)
    paired = [_nearest(home, closed_on) for closed_on in rounds["closed_on"]]
    rounds["home_round_id"] = [p["round_id"] if p is not None else None for p in paired]
    rounds["home_round_name"] = [p["name"] if p is not None else None for p in paired]
    rounds["home_closed_on"] = [p["closed_on"] if p is not None else pd.NaT for p in paired]
    apart = pd.to_datetime(rounds["home_closed_on"]) - pd.to_datetime(rounds["closed_on"])
    rounds["days_apart"] = apart.dt.days.astype("Int64")
    return rounds


def _home_rounds(con) -> pd.DataFrame:
    """The whole organisation's home rounds with results (survey.rounds_with_results, the one
    rule for which rounds count): round_id, name, closed_on, oldest first."""
    found = survey.rounds_with_results(con)
    every = survey.rounds(con)
    return every[every["round_id"].isin(found)].reset_index(drop=True)


def _nearest(home: pd.DataFrame, closed_on) -> pd.Series | None:
    if home.empty:
        return None
    distance = (pd.to_datetime(home["closed_on"]) - pd.Timestamp(closed_on)).abs()
    order = pd.DataFrame({"distance": distance, "closed_on": home["closed_on"]})
    nearest = order.sort_values(["distance", "closed_on"], kind="stable").index[0]
    return home.loc[nearest] if distance[nearest].days <= MAX_DAYS_APART else None


def check_round(con, round_id: str) -> pd.DataFrame:
    """The benchmark rounds; ValueError naming them where `round_id` is not one of them."""
    rounds = benchmark_rounds(con)
    if round_id is not None and round_id not in set(rounds["round_id"]):
        known = ", ".join(rounds["round_id"]) or "none yet"
        raise ValueError(f"no benchmark results for round {round_id!r}; they are: {known}")
    return rounds


def benchmark(con, *, round_id: str | None = None) -> pd.DataFrame:
    """The home organisation beside the benchmark organisations, per round and indicator.

    One row per benchmark round (all, or `round_id`) and indicator the benchmark organisations
    have, rounds oldest first, the programme's indicators first. Columns: round_id (the
    benchmark round), indicator, home_round_id (the home round compared with it, see the
    module), home_pct (the whole home organisation's favourable_pct in percent; NaN where
    hidden or missing), home_suppressed (True where the home figure is hidden for anonymity),
    benchmark_median, benchmark_q1, benchmark_q3, benchmark_min, benchmark_max (percent, of the
    organisations' figures not hidden), home_percentile (0–100, see the module; NaN without a
    home figure), organisations (benchmark organisations in the distribution),
    hidden_organisations (with a hidden figure, left out), previous_round_id (the benchmark
    round before), benchmark_median_change_pp (median − the previous round's median,
    percentage points), home_previous_round_id, home_change_pp (home_pct − the previous home
    round's, percentage points), home_change_significant (its 95 % interval excludes 0; <NA>
    where untested), home_change_suppressed (either home round's figure is hidden).
    """
    rounds = check_round(con, round_id)
    frame = store.read(con, DISTRIBUTION_SQL, _threshold())
    order = list(rounds["round_id"])
    frame = frame[frame["round_id"].isin(order)]
    frame = frame.assign(
        position=frame["round_id"].map(order.index),
        indicator_order=frame["indicator"].map(_indicator_order),
    ).sort_values(["position", "indicator_order", "indicator"], ignore_index=True)
    previous = dict(zip(order[1:], order[:-1], strict=True))
    frame["previous_round_id"] = frame["round_id"].map(previous)
    medians = frame.set_index(["round_id", "indicator"])["benchmark_median"]
    keys = zip(frame["previous_round_id"], frame["indicator"], strict=True)
    before = np.array([medians.get(key, math.nan) for key in keys], dtype=float)
    frame["benchmark_median_change_pp"] = frame["benchmark_median"] - before
    if round_id is not None:
        frame = frame[frame["round_id"] == round_id]
    frame = frame.merge(rounds[["round_id", "home_round_id"]], on="round_id", how="left")
    frame = _with_home(con, frame)
    values = store.read(con, RESULTS_SQL, _threshold())
    values = values[~values["aggregate"] & values["favourable_pct"].notna()]
    grouped = values.groupby(["round_id", "indicator"])["favourable_pct"]
    groups = {key: series.to_numpy() for key, series in grouped}
    frame["home_percentile"] = [
        percentile_rank(groups.get((r, i), []), p)
        for r, i, p in zip(frame["round_id"], frame["indicator"], frame["home_pct"], strict=True)
    ]
    return frame[BENCHMARK_COLUMNS].reset_index(drop=True)


def _indicator_order(indicator: str) -> int:
    return (
        PROGRAMME_INDICATORS.index(indicator)
        if indicator in PROGRAMME_INDICATORS
        else len(PROGRAMME_INDICATORS)
    )


def _with_home(con, frame: pd.DataFrame) -> pd.DataFrame:
    """The home organisation's figure in each row's home round, and its change since the home
    round before, from metrics.survey (anonymity applied there)."""
    home_rounds = survey.rounds_with_results(con)
    earlier = dict(zip(home_rounds[1:], home_rounds[:-1], strict=True))
    frame["home_previous_round_id"] = frame["home_round_id"].map(earlier)
    used = sorted(set(frame["home_round_id"].dropna()))
    scores = survey.group_scores(con, round_ids=used) if used else pd.DataFrame()
    if len(scores):
        whole = scores[scores["group_id"] == ORGANISATION]
        whole = whole.rename(columns={"round_id": "home_round_id", "favourable_pct": "home_pct"})
        whole = whole.assign(home_suppressed=whole["suppressed"].astype(bool))
        frame = frame.merge(
            whole[["home_round_id", "indicator", "home_pct", "home_suppressed"]],
            on=["home_round_id", "indicator"],
            how="left",
        )
    else:
        frame = frame.assign(home_pct=math.nan, home_suppressed=False)
    frame["home_suppressed"] = frame["home_suppressed"].astype("boolean").fillna(False).astype(bool)
    frame["home_pct"] = frame["home_pct"].astype(float)
    pairs = frame[["home_previous_round_id", "home_round_id"]].dropna().drop_duplicates()
    changes = [
        survey.change_between(con, from_round=before, to_round=after)
        for before, after in pairs.itertuples(index=False)
    ]
    change_columns = ["home_change_pp", "home_change_significant", "home_change_suppressed"]
    if changes:
        change = pd.concat(changes, ignore_index=True)
        change = change[change["group_id"] == ORGANISATION].rename(
            columns={
                "from_round": "home_previous_round_id",
                "to_round": "home_round_id",
                "change_pp": "home_change_pp",
                "significant": "home_change_significant",
                "suppressed": "home_change_suppressed",
            }
        )
        keys = ["home_previous_round_id", "home_round_id", "indicator"]
        frame = frame.merge(change[keys + change_columns], on=keys, how="left")
    else:
        frame = frame.assign(
            home_change_pp=math.nan, home_change_significant=pd.NA, home_change_suppressed=False
        )
    frame["home_change_pp"] = frame["home_change_pp"].astype(float)
    frame["home_change_significant"] = frame["home_change_significant"].astype("boolean")
    suppressed = frame["home_change_suppressed"].astype("boolean").fillna(False)
    frame["home_change_suppressed"] = suppressed.astype(bool)
    return frame


def benchmark_organisations(con, *, round_id: str) -> pd.DataFrame:
    """The organisations with results in a benchmark round, by name, aggregates last.

    One row per organisation and indicator. Columns: org_id, name, group_name, aggregate (True
    for a reference row such as a published median: not an organisation, never in the
    distribution), source_id (data_sources), indicator, favourable_pct (percent; NaN where
    hidden), suppressed (the figure is hidden: the publisher's suppression or n below the
    threshold; never read it as 0), response_rate_pct (percent, as published).
    """
    frame = store.read(con, RESULTS_SQL, _threshold())
    frame = frame[frame["round_id"] == round_id]
    frame = frame.assign(indicator_order=frame["indicator"].map(_indicator_order))
    frame = frame.sort_values(["aggregate", "name", "org_id", "indicator_order", "indicator"])
    columns = ["org_id", "name", "group_name", "aggregate", "source_id", "indicator",
               "favourable_pct", "suppressed", "response_rate_pct"]  # fmt: skip
    return frame[columns].reset_index(drop=True)


def sources(con, *, round_id: str | None = None) -> pd.DataFrame:
    """Where the benchmark data of a round (or of every round) comes from, and the credit its
    licence asks for, as the preset that loaded it recorded them.

    Columns: source_id, title, source (publisher and where the file was taken from),
    attribution (the licence's credit line, to be shown wherever the data is shown).
    """
    return store.read(con, SOURCES_SQL, _threshold() | {"round_id": round_id})


def benchmark_report(con, *, round_id: str | None = None) -> pd.DataFrame:
    """`report benchmark`: benchmark() in the report's columns (REPORT_COLUMNS)."""
    return benchmark(con, round_id=round_id)[list(REPORT_COLUMNS)]

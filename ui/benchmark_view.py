"""Pieces of the benchmark page: how its figures are written, its tables, chart and credits.

Formatting only: every figure comes from metrics.benchmark (with the anonymity rules applied
there); a hidden figure is written "hidden", never 0. Source and licence texts come from the
data (data_sources) and are written as plain text.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from ui import charts, i18n, tables
from ui.i18n import t
from ui.survey_view import hidden, indicator


def pct(value) -> str:
    return i18n.percent(value, 1)


def home_pct(row) -> str:
    return hidden() if row.home_suppressed else pct(row.home_pct)


def home_change(row) -> str | None:
    """The home organisation's change in points, for st.metric's delta (None where unknown)."""
    if row.home_suppressed or row.home_change_suppressed or pd.isna(row.home_change_pp):
        return None
    return i18n.points(row.home_change_pp)


def notes(row) -> list[str]:
    """What stands under an indicator's figure: its standing, the spread, the two changes."""
    lines = []
    if row.home_suppressed:
        lines.append(t("benchmark.home_hidden"))
    elif pd.isna(row.home_pct):
        lines.append(t("benchmark.home_missing"))
    else:
        lines.append(t("benchmark.percentile", percentile=i18n.number(row.home_percentile, 0)))
    spread = {"median": pct(row.benchmark_median), "q1": pct(row.benchmark_q1)}
    spread |= {"q3": pct(row.benchmark_q3), "organisations": i18n.number(row.organisations)}
    lines.append(t("benchmark.spread", **spread))
    if row.hidden_organisations:
        lines.append(t("benchmark.hidden_count", hidden=i18n.number(row.hidden_organisations)))
    home = hidden() if row.home_change_suppressed else i18n.points(row.home_change_pp)
    lines.append(
        t("benchmark.change", home=home, median=i18n.points(row.benchmark_median_change_pp))
    )
    return lines


def figures_table(figures: pd.DataFrame, round_names: dict) -> None:
    """The chart's numbers, one row per indicator."""
    rows = list(figures.itertuples())
    col = {k: t(f"benchmark.col.{k}") for k in ("indicator", "home_round", "home", "median")}
    col |= {k: t(f"benchmark.col.{k}") for k in ("q1", "q3", "percentile", "organisations")}
    col |= {k: t(f"benchmark.col.{k}") for k in ("home_change", "median_change")}
    table = {
        col["indicator"]: [indicator(r.indicator) for r in rows],
        col["home_round"]: [round_names.get(r.home_round_id, i18n.MISSING) for r in rows],
        col["home"]: [home_pct(r) for r in rows],
        col["percentile"]: [
            hidden() if r.home_suppressed else i18n.number(r.home_percentile, 1) for r in rows
        ],
        col["q1"]: [pct(r.benchmark_q1) for r in rows],
        col["median"]: [pct(r.benchmark_median) for r in rows],
        col["q3"]: [pct(r.benchmark_q3) for r in rows],
        col["organisations"]: [i18n.number(r.organisations) for r in rows],
        col["home_change"]: [
            hidden() if r.home_change_suppressed else i18n.points(r.home_change_pp) for r in rows
        ],
        col["median_change"]: [i18n.points(r.benchmark_median_change_pp) for r in rows],
    }
    tables.show(table)


def organisations_table(organisations: pd.DataFrame) -> None:
    """One row per organisation: name, group, response rate and each indicator's figure."""
    first = organisations.drop_duplicates("org_id")
    table = pd.DataFrame(
        {
            t("benchmark.col.organisation"): first["name"].to_numpy(),
            t("benchmark.col.group"): first["group_name"].fillna(i18n.MISSING).to_numpy(),
            t("benchmark.col.response_rate"): [
                i18n.percent(v, 0) for v in first["response_rate_pct"]
            ],
        },
        index=first["org_id"].to_numpy(),
    )
    for slug, rows in organisations.groupby("indicator", sort=False):
        written = [hidden() if r.suppressed else pct(r.favourable_pct) for r in rows.itertuples()]
        table[indicator(slug)] = pd.Series(written, index=rows["org_id"].to_numpy())
    tables.show(table.fillna(i18n.MISSING))


def chart(figures: pd.DataFrame, organisations: pd.DataFrame, home: str):
    """The distribution per indicator with the home organisation marked (ui.charts)."""
    shown = organisations[~organisations["aggregate"] & organisations["favourable_pct"].notna()]
    points = pd.DataFrame(
        {
            "category": shown["indicator"].map(indicator),
            "value": shown["favourable_pct"],
            "name": shown["name"].map(html.escape),  # plotly reads a few HTML tags in text
        }
    )
    boxes = pd.DataFrame(
        {
            "category": figures["indicator"].map(indicator),
            "q1": figures["benchmark_q1"],
            "median": figures["benchmark_median"],
            "q3": figures["benchmark_q3"],
            "low": figures["benchmark_min"],
            "high": figures["benchmark_max"],
            "marked": figures["home_pct"].where(~figures["home_suppressed"]),
            "marked_text": [f"{html.escape(home)}: {pct(v)}" for v in figures["home_pct"]],
        }
    )
    names = {
        "points": t("benchmark.legend.points"),
        "boxes": t("benchmark.legend.boxes"),
        "marked": html.escape(home),
    }
    return _figure(points, boxes, names, t("benchmark.axis"))


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(points: pd.DataFrame, boxes: pd.DataFrame, names: dict, axis: str):
    """Built once per set of numbers and words: st.plotly_chart only reads the figure."""
    return charts.distribution(points, boxes, names=names, value_title=axis, value_range=(0, 100))


def attribution(sources: pd.DataFrame) -> None:
    """Each source's title, origin and licence credit, as plain text (never Markdown)."""
    for row in sources.itertuples():
        words = {"title": row.title, "source": row.source or "", "attribution": row.attribution}
        st.text(t("benchmark.source", **{k: v or "" for k, v in words.items()}).strip())

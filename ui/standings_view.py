"""Pieces of the standings page: the rules in words, the tables, the rank chart.

Formatting only: every figure comes from metrics.incentives; nothing here computes one.
Unit names are data, so they are shown in tables (plain text), never inside Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import incentives
from metrics.incentives import EVENTS, Rules
from ui import charts, i18n, tables
from ui.i18n import t


def col(name: str) -> str:
    return t(f"standings.col.{name}")


def amount(value) -> str:
    """Points, k or tens of staff: whole numbers unless a rule or a headcount gives fractions
    (then one or two decimals, as many as it has)."""
    if pd.isna(value):
        return i18n.MISSING
    value = float(value)
    decimals = 0 if value.is_integer() else 1 if (10 * value).is_integer() else 2
    return i18n.number(value, decimals)


def score(value) -> str:
    return i18n.number(None if pd.isna(value) else float(value), 2)


def whole(value) -> str:
    return i18n.number(None if pd.isna(value) else int(value))


def event_label(event: str) -> str:
    return t(f"standings.event.{event}")


def table(columns: dict[str, list | pd.Series]) -> None:
    tables.show(columns)


def rules_section(rules: Rules, mean: float) -> None:
    """The rules as the steering group wrote them, in words and tables (collapsed)."""
    with st.expander(t("standings.rules.heading")):
        st.write(t("standings.rules.points"))
        table(
            {
                col("event"): [event_label(e) for e in EVENTS],
                col("points_each"): [amount(rules.points(e)) for e in EVENTS],
                col("what_counts"): [t(f"standings.event.{e}.explain") for e in EVENTS],
            }
        )
        kind = t(f"standings.rules.kind.{rules.period}")
        st.write(t("standings.rules.period", kind=kind))
        k = rules.prior_weight
        st.write(
            t("standings.rules.score", k=amount(k), mean=score(mean), extra=amount(10 * k))
        )  # fmt: skip
        st.write(t("standings.rules.weights", k=amount(k)))
        examples = incentives.own_weight_examples(rules)
        table(
            {
                col("staff"): examples["staff"].map(whole),
                col("own_weight"): examples["own_weight"].map(lambda v: i18n.fraction(v)),
                col("mean_weight"): examples["mean_weight"].map(lambda v: i18n.fraction(v)),
            }
        )
        st.write(t("standings.rules.fair"))


def note(row) -> str:
    if row["new_in_period"]:
        return t("standings.note.new", day=i18n.day(row["started_on"]))
    return ""


@st.cache_data(show_spinner=False, max_entries=64)
def standings_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranked rows as a table to read (cached: 400 rows of numbers take a while to write)."""
    return pd.DataFrame(
        {
            col("rank"): frame["rank"].map(whole),
            col("unit"): frame["unit_name"],
            col("staff"): frame["headcount"].map(whole),
            col("points"): frame["points"].map(amount),
            col("rate"): frame["points_per_10_staff"].map(score),
            col("score"): frame["score"].map(score),
            col("note"): [note(row) for _, row in frame.iterrows()],
        }
    )


def metrics_row(values: dict[str, str]) -> None:
    for column, (key, value) in zip(st.columns(len(values)), values.items(), strict=True):
        column.metric(t(key), value, border=True)


def explain(row: pd.Series, breakdown: pd.DataFrame) -> None:
    """One unit: its figures, the score worked out, its breakdown and what would raise it."""
    metrics_row(
        {
            "standings.metric.rank": t(
                "standings.metric.rank_value", rank=whole(row["rank"]), of=row["units_ranked"]
            ),
            "standings.metric.score": score(row["score"]),
            "standings.metric.points": amount(row["points"]),
            "standings.metric.rate": score(row["points_per_10_staff"]),
        }
    )
    st.write(
        t(
            "standings.explain.why",
            points=amount(row["points"]),
            staff=whole(row["headcount"]),
            rate=score(row["points_per_10_staff"]),
            mean=score(row["mean_points_per_10_staff"]),
            k=amount(row["prior_weight"]),
            tens=amount(row["tens_of_staff"]),
            score=score(row["score"]),
            own=i18n.fraction(row["own_weight"]),
        )
    )
    if row["new_in_period"]:
        st.caption(t("standings.explain.new", day=i18n.day(row["started_on"])))
    st.markdown(f"**{t('standings.breakdown.heading')}**")
    labels = [event_label(e) for e in breakdown["event"]]
    table(
        {
            col("event"): [*labels, t("standings.total")],
            col("count"): [*breakdown["count"].map(whole), ""],
            col("points_each"): [*breakdown["points_each"].map(amount), ""],
            col("points"): [*breakdown["points"].map(amount), amount(row["points"])],
        }
    )
    st.markdown(f"**{t('standings.raise.heading')}**")
    if row["rank"] == 1:
        st.write(t("standings.raise.first"))
    else:
        best = breakdown.dropna(subset=["rank_with_one_more"])
        best = best[best["points_each"] > 0].sort_values(["rank_with_one_more", "points_each"])
        if not best.empty:
            first = best.iloc[0]
            st.write(
                t(
                    "standings.raise.best",
                    event=event_label(first["event"]),
                    points=amount(first["points_each"]),
                    rank=whole(first["rank_with_one_more"]),
                )
            )
    # only the events the rules give points for can raise a rank
    raising = breakdown[breakdown["event"].isin(EVENTS)]
    table(
        {
            col("event"): [event_label(e) for e in raising["event"]],
            col("points_each"): raising["points_each"].map(amount),
            col("rank_with_one_more"): raising["rank_with_one_more"].map(whole),
            col("needed_to_move_up"): raising["needed_to_move_up"].map(whole),
            col("rank_when_moved_up"): raising["rank_when_moved_up"].map(whole),
        }
    )
    st.caption(t("standings.raise.note"))


def improved_table(frame: pd.DataFrame) -> None:
    table(
        {
            col("unit"): frame["unit_name"],
            col("score_change"): frame["score_change"].map(
                lambda v: i18n.number(v, 2, signed=True)
            ),
            col("score"): frame["score"].map(score),
            col("previous_score"): frame["previous_score"].map(score),
            col("rank"): frame["rank"].map(whole),
            col("previous_rank"): frame["previous_rank"].map(whole),
            col("rank_change"): frame["rank_change"].map(
                lambda v: i18n.number(int(v), signed=True)
            ),
        }
    )


def history(frame: pd.DataFrame, periods: list[str]) -> None:
    """The rank of the chosen units over the periods, and the same numbers as a table."""
    lang = i18n.current_language()
    figure = _rank_figure(frame, tuple(periods), col("period"), col("rank"), col("unit"), lang)
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    with st.expander(t("table.show")):
        wide = frame.pivot(index="unit_name", columns="period", values="rank")
        wide = wide.reindex(columns=[p for p in periods if p in wide.columns])
        tables.show(wide.map(whole).rename_axis(col("unit")).reset_index())


@st.cache_resource(show_spinner=False, max_entries=128)
def _rank_figure(
    frame: pd.DataFrame, periods: tuple[str, ...], x: str, y: str, unit: str, lang: str
):
    """Built once per set of numbers, labels and language: plotly express takes ~100 ms a
    figure, and st.plotly_chart only reads it. The rank axis runs from 1 at the top."""
    figure = charts.line(
        frame, x="period", y="rank", color="unit_name", rank=True, lang=lang,
        labels={"period": x, "rank": y, "unit_name": unit},
    )  # fmt: skip
    return figure.update_xaxes(type="category", categoryorder="array", categoryarray=periods)

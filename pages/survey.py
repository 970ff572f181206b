"""Staff survey indicators: scores by round, whether a change is real or noise, units against
the whole organisation, and the questions behind an indicator. metrics.survey hides every
figure the anonymity rules forbid; this page writes what it is given."""

from datetime import date

import pandas as pd
import streamlit as st

from metrics import anonymity, survey, units
from metrics.anonymity import ORGANISATION
from ui import access, actions_view, filters, i18n, nav
from ui import survey_view as view
from ui.data import cached
from ui.i18n import t
from ui.text import plain

nav.require_router()
user = access.require("survey")

period = filters.period()
chosen_unit = filters.unit(user.units)
group = chosen_unit or ORGANISATION
rounds = cached(survey.rounds)
scores = cached(survey.group_scores, round_ids=tuple(rounds["round_id"]))
# the group's home rounds with results; the change opens on the latest two closed by the
# period's end (survey.latest_rounds, the rule every page shares)
order = cached(survey.rounds_with_results, unit=chosen_unit)
latest = cached(survey.latest_rounds, unit=chosen_unit, up_to=period.end)
if not order:
    st.info(t("survey.no_rounds"))
    st.stop()

threshold = anonymity.threshold()
round_names = dict(zip(rounds["round_id"], rounds["name"], strict=True))
tree = cached(units.units)
names = {ORGANISATION: t("sidebar.unit.all"), **tree.set_index("unit_id")["name"].to_dict()}
top = tree["parent_id"].isna() if group == ORGANISATION else tree["parent_id"] == group
# the chosen group, then each group one level below it (each with all units below it)
below = [group, *tree.loc[top & tree["unit_id"].isin(scores["group_id"].unique()), "unit_id"]]


def tree_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("group_id", key=lambda s: s.map(below.index), kind="stable")


def respondents(row) -> str:
    return view.respondents(row, threshold)


st.title(t("survey.title"))
st.caption(t("survey.intro", unit=plain(names.get(group, group)), threshold=threshold))

st.header(t("survey.by_round"))
mine = scores[scores["group_id"] == group].assign(
    round=lambda f: f["round_id"].map(round_names),
    label=lambda f: f["indicator"].map(view.indicator),
)
labels = {"round": t("survey.col.round"), "favourable_pct": t("survey.col.pct"), "label": ""}
trend = mine[["round", "favourable_pct", "label"]]
st.plotly_chart(
    view.figure("line", trend, x="round", y="favourable_pct", color="label", labels=labels)
)
view.table(
    mine,
    {
        t("survey.col.round"): lambda r: r.round,
        t("survey.col.indicator"): lambda r: r.label,
        t("survey.col.pct"): view.pct,
        t("survey.col.mean"): view.mean,
        t("survey.col.respondents"): respondents,
    },
)

st.header(t("survey.change"))
if len(order) < 2:
    st.info(t("survey.one_round"))
    st.stop()
left, right = st.columns(2)
from_default, to_default = latest or (order[-2], order[-1])
first = left.selectbox(
    t("survey.from"), order[:-1], index=order.index(from_default), format_func=round_names.get
)
later = order[order.index(first) + 1 :]
last = right.selectbox(
    t("survey.to"),
    later,
    index=later.index(to_default) if to_default in later else len(later) - 1,
    format_func=round_names.get,
)
changes = cached(survey.change_between, from_round=first, to_round=last)
own = changes[changes["group_id"] == group]
for row, column in zip(own.itertuples(), st.columns(max(len(own), 1)), strict=False):
    with column:
        delta = None if pd.isna(row.change_pp) else i18n.points(row.change_pp)
        label = plain(view.indicator(row.indicator))  # an unknown indicator is its data slug
        st.metric(label, view.pct(row, "to_pct"), delta=delta, border=True)
        st.caption(view.verdict(row))
with st.expander(t("survey.change_table")):
    view.table(
        tree_order(changes[changes["group_id"].isin(below)]),
        {
            t("survey.col.unit"): lambda r: names[r.group_id],
            t("survey.col.indicator"): lambda r: view.indicator(r.indicator),
            t("survey.col.from"): lambda r: view.pct(r, "from_pct"),
            t("survey.col.to"): lambda r: view.pct(r, "to_pct"),
            t("survey.col.change_pp"): view.change_pp,
            t("survey.col.change_rel"): view.change_rel,
            t("survey.col.ci"): view.interval,
            t("survey.col.verdict"): lambda r: view.verdict(r, short=True),
        },
    )

# acting on the results: focus areas, plan coverage (steering) and whether acting worked
actions_view.survey_sections(user, chosen_unit, first, last, round_names, date.today())

st.header(t("survey.heatmap", round=plain(round_names[last])))
st.caption(t("survey.heatmap_note"))
cells = tree_order(scores[(scores["round_id"] == last) & scores["group_id"].isin(below)])
cells = cells.assign(
    unit=cells["group_id"].map(names), label=cells["indicator"].map(view.indicator)
)
cells["text"] = [view.cell(r) for r in cells.itertuples()]
cells = cells[["label", "unit", "difference_pp", "text", "suppressed"]]
options = {"x": "label", "y": "unit", "z": "difference_pp", "text": "text", "marked": "suppressed"}
st.plotly_chart(view.figure("heatmap", cells, **options, colorbar_title=t("survey.difference")))
with st.expander(t("table.show")):
    grid = cells.assign(text=cells["text"].str.replace("<br>", " / "))
    grid = grid.pivot(index="unit", columns="label", values="text")
    grid = grid.reindex([names[g] for g in below]).rename_axis(index=t("survey.col.unit"))
    st.dataframe(grid.rename_axis(columns=None), width="stretch")

st.header(t("survey.items", round=plain(round_names[last])))
items = cached(survey.item_scores, round_id=last)
items = items[items["group_id"] == group]
chosen = st.selectbox(
    t("survey.col.indicator"), sorted(set(items["indicator"])), format_func=view.indicator
)
items = items[items["indicator"] == chosen]
if items.empty:
    st.info(t("survey.no_items"))
    st.stop()
lang = i18n.current_language()
spread = [int(c[8:]) for c in items.columns if c.startswith("answers_") and items[c].notna().any()]
columns = {
    t("survey.col.item"): lambda r: view.item_text(r, lang),
    t("survey.col.pct"): view.pct,
    t("survey.col.mean"): view.mean,
    t("survey.col.respondents"): respondents,
}
view.table(items, columns | {str(v): view.answered(v) for v in spread})
st.caption(t("survey.items_note"))

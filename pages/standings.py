"""Incentive standings: units ranked fairly by their staff's development work, every score
explained: the rules in words, where a unit's points come from and what would raise it."""

import streamlit as st

from metrics import incentives
from ui import access, chrome, filters, i18n, nav, tables
from ui import standings_view as view
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("standings")

require_data()

try:
    rules = incentives.load_rules()
except incentives.RulesError as error:
    st.error(t("standings.rules_error"))
    st.code(str(error), language=None)
    st.stop()

period = filters.period()
unit = filters.unit(user.units)

st.title(t("standings.title"))
span = t("period.range", start=i18n.day(period.start), end=i18n.day(period.end))
st.caption(t("standings.period", period=span))

levels = list(incentives.LEVELS)
lang = i18n.current_language()
level = st.radio(
    t("standings.level"),
    levels,
    index=levels.index(cached(incentives.level_of, unit=unit) or "units"),
    format_func=lambda lv: t(f"standings.level.{lv}", lang),
    horizontal=True,
)
st.caption(t(f"standings.level.{level}.explain"))

args = {"period": period, "level": level, "rules": rules}
standings = cached(incentives.standings, **args)
ranked = standings[standings["ranked"]]
mean = standings["mean_points_per_10_staff"].iloc[0] if len(standings) else None
view.rules_section(rules, mean)

if ranked.empty:
    st.info(t("standings.none"))
    st.stop()
if ranked["points"].sum() == 0:
    st.info(t("standings.no_points"))

# ------------------------------------------------------------------ one unit, explained
st.header(t("standings.explain.heading"))
options = ranked["unit_id"].tolist()
names = dict(zip(ranked["unit_id"], ranked["unit_name"], strict=True))
if unit is not None and unit not in names:
    st.caption(t("standings.explain.sidebar_unit"))
chosen = st.selectbox(
    t("standings.explain.unit"),
    options,
    index=options.index(unit) if unit in names else 0,
    format_func=names.get,
)
row = ranked.set_index("unit_id").loc[chosen]
view.explain(row, cached(incentives.breakdown, unit=chosen, **args))

# ------------------------------------------------------------------ the table
st.header(t("standings.table.heading"))
tables.show(view.standings_table(ranked, lang))  # a "Huomio" column only if a unit is new
left_out = standings[~standings["ranked"]]
if not left_out.empty:
    st.caption(t("standings.left_out"))
    st.dataframe(left_out[["unit_name"]].set_axis([view.col("unit")], axis=1), hide_index=True)

# ------------------------------------------------------------------ most improved
previous = period.previous()
span = t("period.range", start=i18n.day(previous.start), end=i18n.day(previous.end))
st.header(t("standings.improved.heading", previous=span))
improved = cached(incentives.most_improved, **args)
if improved.empty:
    st.info(t("standings.improved.none"))
else:
    st.caption(t("standings.improved.note"))
    view.improved_table(improved.head(10))

# ------------------------------------------------------------------ rank over periods
st.header(t("standings.history.heading"))
history = cached(incentives.rank_history, **args)
default = list(dict.fromkeys([chosen, *options[:3]]))
shown = st.multiselect(
    t("standings.history.units"),
    options,
    default=default,
    format_func=names.get,
    placeholder=chrome.placeholder(),
)
st.caption(t("standings.history.note"))
if shown:
    view.history(history[history["unit_id"].isin(shown)], list(dict.fromkeys(history["period"])))

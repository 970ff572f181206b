"""The staff survey's summary for everyone: thanks, how many answered, the organisation's three
strongest questions and three suggested focus areas, and the actions the steering group has
published. Every role may open it. Figures come from metrics with the anonymity rules applied
(metrics.focus, metrics.actions); the page only writes them."""

from datetime import date

import pandas as pd
import streamlit as st

from metrics import actions, anonymity, focus, survey
from ui import access, i18n, nav, tables
from ui import actions_view as view
from ui import survey_view as words
from ui.data import cached, require_data
from ui.i18n import t
from ui.text import plain

nav.require_router()
user = access.require("survey_summary")

require_data()
today = date.today()
st.title(t("summary.title"))
published = cached(survey.rounds_with_results, up_to=today)  # rounds with results, oldest first
if not published:
    st.info(t("summary.no_rounds"))
    st.stop()
latest = published[-1]
rounds = cached(survey.rounds).set_index("round_id")
name, closed = rounds.at[latest, "name"], pd.Timestamp(rounds.at[latest, "closed_on"]).date()
st.header(plain(name))
st.write(t("summary.thanks", day=i18n.day(closed)))

rate = cached(focus.response_rate, round_id=latest)
left, right = st.columns(2)
respondents = rate["respondents"]
left.metric(
    t("summary.respondents"),
    t("survey.below", threshold=anonymity.threshold())
    if pd.isna(respondents)
    else i18n.number(respondents),
    border=True,
)
right.metric(t("summary.response_rate"), i18n.percent(rate["response_rate_pct"]), border=True)
st.caption(t("summary.rate_explain", staff=i18n.number(rate["staff"])))

lang = i18n.current_language()
st.subheader(t("summary.strengths"))
strong = cached(focus.strengths, round_id=latest)
if strong.empty:
    st.info(t("summary.hidden"))
else:
    tables.show(
        pd.DataFrame(
            {
                t("actions.col.item"): [words.item_text(r, lang) for r in strong.itertuples()],
                t("survey.col.indicator"): strong["indicator"].map(view.indicator_name),
                t("survey.col.pct"): strong["favourable_pct"].map(lambda v: i18n.percent(v, 0)),
            }
        )
    )

st.subheader(t("summary.focus"))
areas = cached(focus.focus_areas, round_id=latest)
if areas.empty:
    st.info(t("actions.focus.none"))
else:
    view.focus_table(areas, whole=True)
st.caption(t("actions.focus.explain"))

st.subheader(t("summary.actions"))
shared = cached(actions.action_list, on=today, published_only=True)
if shared.empty:
    st.info(t("summary.no_actions"))
else:
    tables.show(
        pd.DataFrame(
            {
                t("actions.col.title"): shared["title"],
                t("actions.col.unit"): shared["unit_name"],
                t("survey.col.indicator"): shared["indicator"].map(view.indicator_name),
                t("actions.col.due"): shared["due_on"].map(lambda d: i18n.day(d.date())),
                t("actions.col.status"): shared["status"].map(view.status_label),
            }
        )
    )
st.caption(t("summary.privacy"))

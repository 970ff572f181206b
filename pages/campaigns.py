"""Idea campaigns: a question to the staff of some units for set dates. Everyone sees the
campaigns, each with its ideas, participation and decisions; the steering group and change
agents (in their own units) open and close them."""

from datetime import date

import streamlit as st

from metrics import access as roles
from metrics import campaigns, units
from ui import access, nav
from ui import campaigns_view as view
from ui.data import cached, require_data
from ui.i18n import t
from ui.text import plain

nav.require_router()
user = access.require("campaigns")

require_data()
today = date.today()
tree = cached(units.units)
names = dict(zip(tree["unit_id"], tree["name"], strict=True))

st.title(t("campaigns.title"))
st.caption(t("campaigns.intro"))
listed = cached(campaigns.campaigns, on=today)
figures = cached(campaigns.campaign_figures, on=today)
may_run = roles.may_run_campaigns(user.role)

if listed.empty:
    st.info(t("campaigns.none"))
else:
    rows = {r.campaign_id: r for r in listed.itertuples()}
    wanted = st.query_params.get("campaign")
    chosen = st.selectbox(
        t("campaigns.choose"),
        list(rows),
        index=list(rows).index(wanted) if wanted in rows else 0,
        format_func=lambda c: view.option(rows[c]),
    )
    st.query_params["campaign"] = chosen
    row = rows[chosen]
    st.header(plain(row.title))
    view.summary(row, figures.set_index("campaign_id").loc[chosen], names)
    if row.state == "open":
        st.page_link(
            "pages/idea_form.py", label=t("campaigns.send_link"), query_params={"campaign": chosen}
        )
        if may_run:
            view.close_button(chosen, user)
    st.subheader(t("campaigns.ideas_heading"))
    found = cached(campaigns.campaign_ideas, campaign_id=chosen, units=user.units)
    if found.empty:
        st.caption(t("campaigns.no_ideas"))
    else:
        view.show(view.ideas_table(found))
    st.header(t("campaigns.all_heading"))
    view.show(view.list_table(listed, figures))

if may_run:
    st.header(t("campaigns.open_heading"))
    view.open_form(user, tree, cached(campaigns.indicators))

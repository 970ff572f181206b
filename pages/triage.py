"""Ideas triage for change agents: which ideas in my units are new or stuck; move them along
the allowed path, park or reject them, merge duplicates, name who is responsible for an accepted
idea, hide a comment that breaks the rules. Every change goes to a log."""

from datetime import date

import streamlit as st

from metrics import idea_actions, ideas
from ui import access, chrome, filters, i18n, nav, tables
from ui import idea_talk_view as talk
from ui import ideas_view as view
from ui.data import cached, connection, require_data
from ui.i18n import t
from ui.text import plain

nav.require_router()
user = access.require("triage")

require_data()

unit = filters.unit(user.units)
today = date.today()
st.title(t("triage.title"))
st.caption(t("triage.intro"))

shown = st.multiselect(
    t("triage.statuses"),
    idea_actions.OPEN_STATUSES,
    default=list(ideas.WAITING_STATUSES),
    format_func=view.status_label,
    placeholder=chrome.placeholder(),
)
search = st.text_input(t("ideas.search"), help=t("ideas.search_help"))
queue = cached(
    ideas.idea_list,
    on=today,
    unit=unit,
    statuses=tuple(shown),
    search=search.strip() or None,
    order="oldest",
)
st.caption(view.list_caption(queue) + " " + t("triage.oldest_first"))
tables.show(view.idea_table(queue))  # figures right-aligned, no column left empty

titles = dict(zip(queue["idea_id"], queue["title"], strict=True))
picked = st.selectbox(
    t("triage.choose"),
    [None, *titles],
    format_func=lambda i: t("triage.none") if i is None else f"{i} · {titles[i][:80]}",
)
typed = st.text_input(t("triage.number"))
idea_id = typed.strip() or picked
done = st.session_state.pop("triage_done", None)
if done:
    st.success(t("triage.saved", number=plain(done[0]), status=view.status_label(done[1])))
if not idea_id:
    st.stop()

found = cached(ideas.idea, idea_id=idea_id, unit=unit)
if found.empty:
    st.warning(t("triage.not_in_scope", number=plain(idea_id)))
    st.stop()
idea = found.iloc[0]
st.header(plain(idea["idea_id"]))
st.text(idea["title"])
if isinstance(idea["description"], str):
    st.text(idea["description"])
allowed = idea_actions.allowed_changes(idea["status"])
st.caption(
    t(
        "triage.now",
        status=view.status_label(idea["status"]),
        unit=plain(idea["unit_name"]),
        day=i18n.day(idea["submitted_on"].date()),
        allowed=", ".join(view.status_label(s) for s in allowed) or t("triage.final"),
    )
)
history = cached(ideas.idea_events, idea_id=idea["idea_id"])
st.dataframe(view.history_table(history, public=False), hide_index=True, width="stretch")
talk.panel(idea["idea_id"], user, moderate=True)
view.responsible_form(idea, user)

if not allowed:  # a final status: nothing to change
    st.stop()
# A new form (empty note, no status chosen) after every save: the form's key counts the saves.
# It names the status too: a form sent after someone else moved the idea on saves nothing.
saves = st.session_state.setdefault("triage_saves", 0)
with st.form(f"triage_{idea['idea_id']}_{idea['status']}_{saves}"):
    to_status = st.selectbox(t("triage.to"), allowed, format_func=view.status_label)
    into = st.text_input(t("triage.into"), help=t("triage.into_help"))
    note = st.text_area(t("triage.note"))
    # signed in, the log names the visitor; in the demo whoever types their name
    who = user.email or st.text_input(
        t("triage.who"), value=st.session_state.get("triage_who", "demo")
    )
    save = st.form_submit_button(t("triage.save"), type="primary")
if save:
    st.session_state["triage_who"] = who
    # both ideas of a change or merge must be in the visitor's units (None: every unit)
    change = dict(idea_id=idea["idea_id"], who=who, note=note, units=user.units)
    try:
        if to_status == "merged":
            idea_actions.merge(connection(), into=into, **change)
        else:
            idea_actions.change_status(connection(), to_status=to_status, **change)
    except idea_actions.ChangeRefused as refused:
        st.error(view.refusal_text(refused))
    else:
        st.session_state["triage_done"] = (idea["idea_id"], to_status)
        st.session_state["triage_saves"] = saves + 1
        st.rerun()

"""Staff send an idea in a minute, and look up what happened to it by its number.

The form keeps an idempotency token in session state: sending again (a double click, a
rerun) finds the idea the token already created instead of making a second one.
Signed in, a named idea is recorded as the signed-in person (no name is typed), and their
sends count towards the daily limit; in the demo the name is typed. A send that fails keeps
the text in the form and says the idea was not saved.

"Etsi samankaltaisia" shows up to five ideas like the one being written (metrics.similar_ideas),
each to support instead; the idea can be sent anyway. An idea may answer a campaign open today.
"""

import logging
import uuid
from datetime import date

import streamlit as st

from metrics import campaigns, idea_actions, idea_talk, ideas, similar_ideas, units
from metrics.contract import TITLE_MAX
from ui import access, nav, style
from ui import idea_talk_view as talk
from ui import ideas_view as view
from ui.data import cached, connection
from ui.i18n import t

nav.require_router()
user = access.require("idea_form")
sender = None if user.demo else user.email  # the verified e-mail of the signed-in visitor

tree = cached(units.units)
if tree.empty:
    st.info(t("db.empty"))
    st.stop()

st.title(t("form.title"))
st.caption(t("form.intro"))
if "idea_form_token" not in st.session_state:
    st.session_state["idea_form_token"] = uuid.uuid4().hex
token = st.session_state["idea_form_token"]
names = dict(zip(tree["unit_id"], tree["name"], strict=True))
depth = dict(zip(tree["unit_id"], tree["depth"], strict=True))
sent = st.session_state.get("idea_form_sent")

if sent:
    st.success(t("form.sent", number=sent))
    if st.button(t("form.another")):
        st.session_state["idea_form_token"] = uuid.uuid4().hex
        del st.session_state["idea_form_sent"]
        st.rerun()
else:
    # Under each field a place for what is wrong with it (Streamlit has no error of a field's
    # own); the widgets' keys name them for the script that moves focus to the first.
    below = {}
    with st.form(f"idea_form_{token}"):
        title = st.text_input(t("form.field.title"), max_chars=TITLE_MAX, key="idea_title")
        below["title"] = st.empty()
        description = st.text_area(
            t("form.field.description"),
            max_chars=idea_actions.DESCRIPTION_MAX,
            key="idea_description",
        )
        below["description"] = st.empty()
        category = st.selectbox(
            t("form.field.category"),
            [None, *cached(ideas.categories)],
            format_func=lambda c: t("form.no_category") if c is None else c,
            key="idea_category",
        )
        below["category"] = st.empty()
        home = st.session_state.get("unit")
        unit_id = st.selectbox(
            t("form.field.unit"),
            [None, *tree["unit_id"]],
            index=1 + list(names).index(home) if home in names else 0,
            format_func=lambda u: (
                t("form.choose") if u is None else view.unit_label(names[u], depth[u])
            ),
            key="idea_unit",
        )
        below["unit"] = st.empty()
        # the campaigns open today for the sender's unit (any unit's where none is chosen yet)
        offered = cached(campaigns.open_for_any, unit=home, on=date.today())
        asked = dict(zip(offered["campaign_id"], offered["title"], strict=True))
        wanted = st.query_params.get("campaign")
        campaign_id = st.selectbox(
            t("form.field.campaign"),
            [None, *asked],
            index=1 + list(asked).index(wanted) if wanted in asked else 0,
            format_func=lambda c: t("form.no_campaign") if c is None else asked[c],
            key="idea_campaign",
        )
        below["campaign"] = st.empty()
        anonymous = st.radio(
            t("form.field.anonymous"),
            [True, False],
            format_func=lambda a: t("form.anonymous" if a else "form.named"),
        )
        if sender is None:
            identity = st.text_input(
                t("form.field.identity"), help=t("form.identity_help"), key="idea_identity"
            )
            below["identity"] = st.empty()
        else:
            identity = None
            st.caption(t("form.signed_in_identity"))
        send = st.form_submit_button(t("form.send"), type="primary", key="idea_send")
        below["sender"] = st.empty()  # the daily limit: beside the button
        if st.form_submit_button(t("form.similar_button"), key="idea_similar"):
            st.session_state["similar_for"] = (title, unit_id)
    if send:
        try:
            done = idea_actions.submit_idea(
                connection(),
                token=token,
                title=title,
                description=description,
                category=category,
                unit_id=unit_id,
                anonymous=anonymous,
                identity=identity,
                sender=sender,
                campaign_id=campaign_id,
            )
        except idea_actions.IdeaInvalid as invalid:
            wrong: dict[str, list[str]] = {}  # field → what is wrong with it, top field first
            for problem in invalid.problems:
                field = problem.field if problem.field in below else "sender"
                wrong.setdefault(field, []).append(view.problem_text(problem))
            for field, texts in wrong.items():
                below[field].error("\n\n".join(texts))
            style.refused(["idea_send" if f == "sender" else f"idea_{f}" for f in wrong])
        except Exception:  # the store refused it (conflicts beyond retrying, a full disk …)
            logging.getLogger(__name__).exception("an idea could not be saved")
            st.error(t("form.not_saved"))  # the widgets keep what was typed
        else:
            st.session_state["idea_form_sent"] = done.idea_id
            st.session_state.pop("similar_for", None)
            st.rerun()
    if st.session_state.get("similar_for"):
        typed, chosen = st.session_state["similar_for"]
        st.header(t("form.similar_heading"))

        def support(idea_id: str) -> None:
            try:
                idea_talk.support(connection(), idea_id=idea_id, person=talk.person(user))
            except idea_talk.TalkRefused as refused:
                st.error(talk.refusal_text(refused))
            else:
                st.success(t("form.supported_this", number=idea_id))

        found = cached(similar_ideas.similar_ideas, text=typed, unit=chosen)
        view.similar_list(found, support)

st.header(t("form.lookup_heading"))
number = st.text_input(t("form.lookup_number"), value=sent or "", placeholder="I-2026-00001")
if number.strip():
    view.lookup(number.strip(), lambda idea_id: talk.panel(idea_id, user, write=False))
if sender:  # signed in: the ideas they sent or commented on with their name
    st.header(t("talk.followed_heading"))
    view.followed(cached(idea_talk.followed_ideas, person=sender))

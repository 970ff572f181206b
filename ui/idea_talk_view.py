"""Support and comments on one idea, as the board, the form's lookup and triage show them.

Widgets and words only: every count and every write is metrics.idea_talk's. Supporters are never
shown, only how many there are and whether "you" are one; an anonymous comment shows no name;
a comment's text goes to st.text (plain text, never Markdown), names through `plain`.
"""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from metrics import idea_talk
from ui import i18n
from ui.data import cached, connection
from ui.i18n import t
from ui.text import plain

START_CHARS = 60  # of a comment, in the choice of the comment to reply to or hide


def person(user) -> str:
    """Who the visitor supports and follows as: their signed-in e-mail; in the demo, where the
    visitor has none (ui.access.DEMO), a random identity of this browser session. metrics
    stores only its pseudonym."""
    if user.email:
        return user.email
    return st.session_state.setdefault("demo_person", f"demo-{uuid.uuid4().hex}")


def login_name() -> str | None:
    """The name the identity provider gives the signed-in visitor (the `name` claim), if any."""
    try:
        name = st.user.to_dict().get("name")
    except Exception:  # no login configured
        return None
    return name if isinstance(name, str) else None


def refusal_text(refused: idea_talk.TalkRefused) -> str:
    return t(
        f"talk.refused.{refused.reason}",
        target=plain(refused.target or ""),
        limit=i18n.number(refused.limit),
    )


def support_box(idea_id: str, user) -> None:
    """How many support the idea, and the visitor's support or withdraw button."""
    me = person(user)
    state = cached(idea_talk.support_of, idea_id=idea_id, person=me)
    st.caption(t("talk.supporters", count=i18n.number(state["supporters"])))
    if state["mine"]:
        st.caption(t("talk.you_support"))
        if st.button(t("talk.withdraw"), key=f"withdraw_{idea_id}"):
            idea_talk.withdraw(connection(), idea_id=idea_id, person=me)
            st.rerun()
        return
    if st.button(
        t("talk.support"), key=f"support_{idea_id}", type="primary", help=t("talk.support_help")
    ):
        try:
            idea_talk.support(connection(), idea_id=idea_id, person=me, units=user.units)
        except idea_talk.TalkRefused as refused:
            st.error(refusal_text(refused))
        else:
            st.rerun()


def comment_list(frame: pd.DataFrame, *, admin: bool = False) -> None:
    """The comments, each followed by its replies (indented). A hidden one says why in its
    place; only the admin also reads its text, and who hid it."""
    if frame.empty:
        st.caption(t("talk.no_comments"))
        return
    for row in frame.itertuples():
        reply = not pd.isna(row.reply_to)
        place = st.columns([1, 14])[1] if reply else st
        box = place.container(border=True)
        name = t("talk.anonymous_author") if row.anonymous else plain(row.author_name)
        day = i18n.day(pd.Timestamp(row.posted_at).date())
        box.caption(t("talk.reply_posted" if reply else "talk.posted", name=name, day=day))
        if row.hidden:
            box.caption(t("talk.hidden", reason=plain(row.hidden_reason)))
            if admin:
                who = plain(row.hidden_by or "")
                box.caption(t("talk.hidden_admin", who=who, reason=plain(row.hidden_reason)))
                box.text(row.body)
        else:
            box.text(row.body)


def _start(frame: pd.DataFrame) -> dict[int, str]:
    """Each visible comment's author and first words, for choosing one."""
    shown = frame[~frame["hidden"]]
    return {
        int(r.comment_id): t(
            "talk.reply_option",
            name=t("talk.anonymous_author") if r.anonymous else r.author_name,
            start=r.body[:START_CHARS],
        )
        for r in shown.itertuples()
    }


def comment_form(idea_id: str, user, frame: pd.DataFrame) -> None:
    """A new comment or a reply to one, named or anonymous as an idea is sent: signed in, a
    named comment is the visitor's own; in the demo a name is typed."""
    token_key = f"comment_token_{idea_id}"
    token = st.session_state.setdefault(token_key, uuid.uuid4().hex)
    tops = _start(frame[frame["reply_to"].isna()])
    with st.form(f"comment_{idea_id}_{token}"):
        # keyed by the token: a sent comment's text does not stay in the new form
        body = st.text_area(
            t("talk.field.body"), max_chars=idea_talk.COMMENT_MAX, key=f"comment_body_{token}"
        )
        reply_to = st.selectbox(
            t("talk.field.reply_to"),
            [None, *tops],
            format_func=lambda c: t("talk.new_comment") if c is None else tops[c],
        )
        anonymous = st.radio(
            t("talk.field.anonymous"),
            [True, False],
            format_func=lambda a: t("form.anonymous" if a else "form.named"),
            horizontal=True,
        )
        name = None
        if user.email is None:
            name = st.text_input(t("talk.field.name"))
        else:
            st.caption(t("talk.signed_in_name"))
        send = st.form_submit_button(t("talk.send"))
    if st.session_state.pop(f"comment_sent_{idea_id}", False):
        st.success(t("talk.sent"))
    if not send:
        return
    try:
        idea_talk.post_comment(
            connection(),
            token=token,
            idea_id=idea_id,
            body=body,
            anonymous=anonymous,
            identity=name,
            sender=user.email,
            name=login_name(),
            reply_to=reply_to,
            units=user.units,
        )
    except idea_talk.TalkRefused as refused:
        st.error(refusal_text(refused))
    else:
        st.session_state[token_key] = uuid.uuid4().hex  # a new, empty form
        st.session_state[f"comment_sent_{idea_id}"] = True
        st.rerun()


def moderation(idea_id: str, user, frame: pd.DataFrame) -> None:
    """A change agent hides a comment, saying why (triage; metrics checks their units)."""
    if st.session_state.pop("talk_hidden", None):
        st.success(t("talk.hidden_done"))
    shown = _start(frame)
    if not shown:
        return
    with st.form(f"hide_{idea_id}_{len(shown)}"):
        st.markdown(f"**{t('talk.moderate')}**")
        which = st.selectbox(t("talk.hide_which"), list(shown), format_func=shown.get)
        reason = st.text_input(t("talk.hide_reason"), max_chars=idea_talk.REASON_MAX)
        hide = st.form_submit_button(t("talk.hide_button"))
    if hide:
        who = user.email or st.session_state.get("triage_who", "demo")
        try:
            idea_talk.hide_comment(
                connection(), comment_id=which, who=who, reason=reason, units=user.units
            )
        except idea_talk.TalkRefused as refused:
            st.error(refusal_text(refused))
        else:
            st.session_state["talk_hidden"] = True
            st.rerun()


def panel(idea_id: str, user, *, moderate: bool = False, write: bool = True) -> None:
    """Support and comments on one idea. `moderate`: the hide form too (triage); `write`
    False: only read them (the form's lookup)."""
    admin = user.role == "admin"  # the demo's visitor is one, and sees everything
    frame = cached(idea_talk.comments, idea_id=idea_id, admin=admin)
    if write:
        support_box(idea_id, user)
    st.subheader(t("talk.comments_heading"))
    comment_list(frame, admin=admin)
    if write:
        comment_form(idea_id, user, frame)
    if moderate:
        moderation(idea_id, user, frame)

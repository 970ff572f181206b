"""Comments on ideas: plain text, one level of replies, named or anonymous as ideas are sent,
hidden by a change agent (in their own units only) with a reason that everyone else reads in
the comment's place; the admin still reads the text. Anyone follows an idea by its number."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import idea_actions, idea_talk, store
from tests.apptest import open_page
from tests.test_access_pages import ADMIN, AGENT_U4, STAFF, by_label
from tests.test_support import every_text

NAMED = "Kirjoita **lihavoitu** ja [linkki](http://evil.example)"


def comment(db, idea_id="I4", body="Hyvä idea", **given) -> int:
    token = given.pop("token", f"{idea_id}-{body}")
    return idea_talk.post_comment(
        store.connect(db), token=token, idea_id=idea_id, body=body, **given
    )


def open_idea(app, number: str):
    app.radio(key="ideas_section").set_value("list").run()
    by_label(app.selectbox, "Avaa idea tukeaksesi tai kommentoidaksesi").set_value(number).run()
    assert not app.exception, app.exception
    return app


def test_a_named_comment_keeps_the_name_and_an_anonymous_one_none(own_city):
    named = comment(own_city, anonymous=False, identity="Maija")
    anonymous = comment(own_city, body="Samaa mieltä", anonymous=True, identity="Pekka")
    rows = store.read(store.connect(own_city), "SELECT * FROM idea_comments ORDER BY comment_id")
    assert rows["author_name"].fillna("-").tolist() == ["Maija", "-"]
    assert rows["author"].fillna("-").tolist() == [idea_actions.pseudonym("Maija"), "-"]
    assert (named, anonymous) == tuple(rows["comment_id"])


def test_replies_go_one_level_deep(own_city):
    first = comment(own_city)
    reply = comment(own_city, body="Vastaus", reply_to=first)
    with pytest.raises(idea_talk.TalkRefused) as refused:
        comment(own_city, body="Vastaus vastaukseen", reply_to=reply)
    assert refused.value.reason == "reply_to_reply"
    listed = idea_talk.comments(store.connect(own_city), idea_id="I4")
    assert listed["reply_to"].fillna(0).astype(int).tolist() == [0, first]


def test_an_empty_comment_and_a_named_one_without_a_name_are_refused(own_city):
    for given, reason in (({"body": "   "}, "empty"), ({"anonymous": False}, "identity_required")):
        with pytest.raises(idea_talk.TalkRefused) as refused:
            comment(own_city, **given)
        assert refused.value.reason == reason
    assert idea_talk.comments(store.connect(own_city), idea_id="I4").empty


def test_a_change_agent_hides_only_in_their_own_units(own_city):
    in_u4 = comment(own_city, idea_id="I4")  # I4 is U4's
    in_u1 = comment(own_city, idea_id="I1")  # I1 is U1's
    con = store.connect(own_city)
    with pytest.raises(idea_talk.TalkRefused) as refused:
        idea_talk.hide_comment(con, comment_id=in_u1, who=AGENT_U4, reason="x", units=("U4",))
    assert refused.value.reason == "comment_not_found"
    idea_talk.hide_comment(
        con, comment_id=in_u4, who=AGENT_U4, reason="Henkilötietoja", units=("U4",)
    )
    hidden = idea_talk.comments(con, idea_id="I4").iloc[0]
    assert (hidden["hidden"], hidden["hidden_reason"]) == (True, "Henkilötietoja")
    assert pd.isna(hidden["body"])  # the text is not read out for anyone but the admin
    kept = idea_talk.comments(con, idea_id="I4", admin=True).iloc[0]
    assert (kept["body"], kept["hidden_by"]) == ("Hyvä idea", AGENT_U4)
    logged = store.read(con, "SELECT done_by, note FROM idea_talk_events WHERE action = 'hide'")
    assert logged.values.tolist() == [[AGENT_U4, "Henkilötietoja"]]
    assert not idea_talk.comments(con, idea_id="I1")["hidden"].any()


def test_a_change_agent_cannot_hide_a_comment_outside_their_units_in_triage(
    own_city, monkeypatch, login_on
):
    comment(own_city, idea_id="I1")  # U1: not the agent's
    app = open_page(own_city, monkeypatch, "triage", user=AGENT_U4)
    by_label(app.text_input, "…tai avaa idea numerolla").input("I1").run()
    assert app.warning[0].value == "Valitusta organisaatiosta ei löydy ideaa numerolla I1."
    assert not [b for b in app.button if b.label == "Piilota"]
    assert "Hyvä idea" not in every_text(app)


def test_a_change_agent_hides_a_comment_in_triage_and_staff_read_why(
    own_city, monkeypatch, login_on
):
    comment(own_city, idea_id="I4", body="Soita Matille numeroon 040 123", anonymous=False,
            identity="Pekka")  # fmt: skip
    app = open_page(own_city, monkeypatch, "triage", user=AGENT_U4)
    by_label(app.text_input, "…tai avaa idea numerolla").input("I4").run()
    by_label(app.text_input, "Syy (näkyy muille kommentin paikalla)").input("Puhelinnumero")
    by_label(app.button, "Piilota").click().run()
    assert not app.exception, app.exception
    assert "Kommentti piilotettu." in [s.value for s in app.success]
    staff = open_idea(open_page(own_city, monkeypatch, "ideas", user=STAFF, period="2026-Q3"), "I4")
    shown = every_text(staff)
    assert "Muutosagentti piilotti kommentin: Puhelinnumero" in shown
    assert "040 123" not in shown
    admin = open_idea(open_page(own_city, monkeypatch, "ideas", user=ADMIN, period="2026-Q3"), "I4")
    assert "Soita Matille numeroon 040 123" in [t.value for t in admin.text]


def test_an_anonymous_comment_shows_no_name(own_city, monkeypatch, login_on):
    app = open_idea(open_page(own_city, monkeypatch, "ideas", user=STAFF, period="2026-Q3"), "I4")
    by_label(app.text_area, "Kommenttisi").input("Nimetön kommentti")
    by_label(app.radio, "Kommentoinko").set_value(True)
    by_label(app.button, "Lähetä kommentti").click().run()
    assert not app.exception, app.exception
    stored = store.read(store.connect(own_city), "SELECT * FROM idea_comments").iloc[0]
    assert pd.isna(stored["author_name"]) and pd.isna(stored["author"]) and stored["anonymous"]
    shown = every_text(app)
    assert "Nimetön · " in shown and "Nimetön kommentti" in shown
    assert STAFF not in shown and idea_actions.pseudonym(STAFF) not in shown


def test_a_named_comment_is_the_signed_in_persons_and_its_text_stays_plain(
    own_city, monkeypatch, login_on
):
    app = open_idea(open_page(own_city, monkeypatch, "ideas", user=STAFF, period="2026-Q3"), "I4")
    assert not [w for w in app.text_input if w.label.startswith("Nimesi")]  # nothing to type
    by_label(app.text_area, "Kommenttisi").input(NAMED)
    by_label(app.radio, "Kommentoinko").set_value(False)
    by_label(app.button, "Lähetä kommentti").click().run()
    stored = store.read(store.connect(own_city), "SELECT * FROM idea_comments").iloc[0]
    assert (stored["author"], stored["author_name"]) == (idea_actions.pseudonym(STAFF), STAFF)
    assert NAMED in [t.value for t in app.text]  # st.text: shown as typed, never Markdown
    assert not any("lihavoitu" in m.value for m in app.markdown)


def test_a_commenter_follows_the_idea_by_its_number_and_in_their_list(
    own_city, monkeypatch, login_on
):
    comment(own_city, idea_id="I4", body="Seuraan tätä", anonymous=False, sender=STAFF)
    app = open_page(own_city, monkeypatch, "idea_form", user=STAFF)
    by_label(app.text_input, "Idean numero").input("i4").run()
    assert app.text[0].value == "I4 · Vuorolistat sähköisiksi"
    assert "Seuraan tätä" in [t.value for t in app.text]
    followed = app.dataframe[-1].value
    assert followed["Numero"].tolist() == ["I4"] and followed["Kommentteja"].tolist() == [1]

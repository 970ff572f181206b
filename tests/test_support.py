"""Staff support ideas: once per person, withdrawn at will, counted on the board, in triage and
on the unit page, and never shown: the supporter is stored only as a keyed-hash pseudonym, and
no page shows an e-mail or a pseudonym of anyone who supports an idea."""

from __future__ import annotations

from datetime import datetime

import pytest

from metrics import cli, idea_actions, idea_list, idea_talk, ideas, store
from tests.apptest import open_page
from tests.fixtures import PSEUDONYM_KEY, TODAY
from tests.test_access_pages import AGENT_U4, HEAD_S1, STAFF, by_label

KEY = PSEUDONYM_KEY


def supporters(db, idea_id: str) -> list[str]:
    sql = "SELECT supporter FROM idea_supports WHERE idea_id = ? ORDER BY supporter"
    return store.read(store.connect(db), sql, [idea_id])["supporter"].tolist()


def every_text(app) -> str:
    """Everything the page shows as text outside the sidebar (which names the signed-in visitor
    themself): markdown, captions, texts, alerts, metrics, tables."""
    app = app.main
    parts = [e.value for kind in ("markdown", "caption", "text", "title", "header", "subheader",
             "success", "info", "warning", "error") for e in getattr(app, kind)]  # fmt: skip
    parts += [f"{m.label} {m.value}" for m in app.metric]
    parts += [df.value.to_csv() for df in app.dataframe]
    return "\n".join(str(p) for p in parts)


def test_a_person_supports_an_idea_once_and_may_withdraw(own_city):
    con = store.connect(own_city)
    assert idea_talk.support(con, idea_id="I4", person="Maija@Kaupunki.fi") is True
    assert idea_talk.support(con, idea_id="I4", person=" maija@kaupunki.fi") is False  # again
    idea_talk.support(con, idea_id="I4", person="pekka@kaupunki.fi")
    assert idea_talk.support_of(con, idea_id="I4", person="maija@kaupunki.fi") == {
        "supporters": 2,
        "mine": True,
    }
    assert idea_talk.withdraw(con, idea_id="I4", person="maija@kaupunki.fi") is True
    assert idea_talk.withdraw(con, idea_id="I4", person="maija@kaupunki.fi") is False
    assert idea_talk.support_of(con, idea_id="I4", person="maija@kaupunki.fi") == {
        "supporters": 1,
        "mine": False,
    }


def test_a_supporter_is_stored_only_as_a_pseudonym(own_city):
    con = store.connect(own_city)
    idea_talk.support(con, idea_id="I4", person="maija@kaupunki.fi")
    assert supporters(own_city, "I4") == [idea_actions.pseudonym("maija@kaupunki.fi")]
    stored = store.read(con, "SELECT * FROM idea_supports").to_csv()
    logged = store.read(con, "SELECT * FROM idea_talk_events").to_csv()
    assert "maija" not in stored.lower() and "maija" not in logged.lower()


def test_every_support_and_withdrawal_moves_the_data_version(own_city):
    con = store.connect(own_city)
    before = store.data_version(con)
    idea_talk.support(con, idea_id="I4", person="maija@kaupunki.fi")
    supported = store.data_version(con)
    idea_talk.withdraw(con, idea_id="I4", person="maija@kaupunki.fi")
    assert before < supported < store.data_version(con)


def test_a_merged_idea_is_supported_through_the_idea_it_was_merged_into(own_city):
    with pytest.raises(idea_talk.TalkRefused) as refused:
        idea_talk.support(store.connect(own_city), idea_id="I8", person="maija@kaupunki.fi")
    assert (refused.value.reason, refused.value.target) == ("merged", "I7")


def test_support_outside_ones_units_is_refused_as_if_the_idea_did_not_exist(own_city):
    with pytest.raises(idea_talk.TalkRefused) as refused:
        idea_talk.support(store.connect(own_city), idea_id="I1", person="x@y.fi", units=("U4",))
    assert refused.value.reason == "not_found"
    assert supporters(own_city, "I1") == []


def test_the_list_and_the_report_count_supporters_and_comments(own_city):
    con = store.connect(own_city)
    for who in ("a@x.fi", "b@x.fi", "c@x.fi"):
        idea_talk.support(con, idea_id="I3", person=who)
    idea_talk.post_comment(con, token="t1", idea_id="I3", body="Hyvä!", anonymous=True)
    hidden = idea_talk.post_comment(con, token="t2", idea_id="I3", body="x", anonymous=True)
    idea_talk.hide_comment(con, comment_id=hidden, who="agentti", reason="asiaton")
    listed = ideas.idea_list(con, on=TODAY).set_index("idea_id")
    # three supporters; two comments, one hidden: one counts
    assert (listed.at["I3", "supporters"], listed.at["I3", "comments"]) == (3, 1)
    assert (listed.at["I4", "supporters"], listed.at["I4", "comments"]) == (0, 0)
    rows = cli.report_text(con, "ideas", period="2026-Q3").splitlines()
    assert rows[0].endswith(",title,supporters,comments")
    i3 = next(r for r in rows if r.startswith("I3,"))
    assert i3.endswith(",Lainausautomaatti aulaan,3,1")


def test_staff_support_an_idea_on_the_board_and_see_the_count(own_city, monkeypatch, login_on):
    app = open_page(own_city, monkeypatch, "ideas", user=STAFF, period="2026-Q3")
    app.radio(key="ideas_section").set_value("list").run()
    by_label(app.selectbox, "Avaa idea tukeaksesi tai kommentoidaksesi").set_value("I4").run()
    assert "Ideaa tukee 0 henkilöä." in [c.value for c in app.caption]
    by_label(app.button, "Tue ideaa").click().run()
    assert not app.exception, app.exception
    captions = [c.value for c in app.caption]
    assert "Ideaa tukee 1 henkilöä." in captions and "Tuet tätä ideaa." in captions
    assert supporters(own_city, "I4") == [idea_actions.pseudonym(STAFF)]
    table = app.dataframe[0].value.set_index("Numero")
    assert table.at["I4", "Tukijoita"] == 1  # the board's list counts it
    # no e-mail and no pseudonym of the supporter anywhere on the page
    shown = every_text(app)
    assert STAFF not in shown and idea_actions.pseudonym(STAFF) not in shown
    by_label(app.button, "Peru tukesi").click().run()
    assert supporters(own_city, "I4") == []


def test_triage_and_the_unit_page_show_the_count_and_no_supporter(own_city, monkeypatch, login_on):
    con = store.connect(own_city)
    for who in ("a@x.fi", "b@x.fi"):
        idea_talk.support(con, idea_id="I4", person=who)
    app = open_page(own_city, monkeypatch, "triage", user=AGENT_U4)
    queue = app.dataframe[0].value.set_index("Numero")
    assert queue.at["I4", "Tukijoita"] == 2
    assert "a@x.fi" not in every_text(app) and idea_actions.pseudonym("a@x.fi") not in every_text(
        app
    )
    idea_actions.change_status(con, idea_id="I3", to_status="in_trial", who="x")
    idea_talk.support(con, idea_id="I3", person="a@x.fi")
    idea_actions.set_responsible(con, idea_id="I3", responsible="Kirsi Kirjasto", who="x")
    app = open_page(own_city, monkeypatch, "unit", user=HEAD_S1, unit="S1")
    decided = next(df.value for df in app.dataframe if "Vastuuhenkilö" in df.value.columns)
    row = decided.set_index("Numero").loc["I3"]
    assert (row["Vastuuhenkilö"], row["Tukijoita"]) == ("Kirsi Kirjasto", 1)
    assert idea_actions.pseudonym("a@x.fi") not in every_text(app)


def test_in_the_demo_a_support_is_the_sessions_own(own_city, monkeypatch):
    app = open_page(own_city, monkeypatch, "ideas", period="2026-Q3")  # POHINA_AUTH=none
    app.radio(key="ideas_section").set_value("list").run()
    by_label(app.selectbox, "Avaa idea tukeaksesi tai kommentoidaksesi").set_value("I4").run()
    by_label(app.button, "Tue ideaa").click().run()
    assert len(supporters(own_city, "I4")) == 1
    other = open_page(own_city, monkeypatch, "ideas", period="2026-Q3")  # another session
    other.radio(key="ideas_section").set_value("list").run()
    by_label(other.selectbox, "Avaa idea tukeaksesi tai kommentoidaksesi").set_value("I4").run()
    assert "Tue ideaa" in [b.label for b in other.button]  # not theirs: they may support too
    by_label(other.button, "Tue ideaa").click().run()
    assert len(supporters(own_city, "I4")) == 2


def test_you_said_we_did_lists_the_ideas_implemented_lately_with_their_benefit(own_city):
    con = store.connect(own_city)
    idea_actions.change_status(con, idea_id="I3", to_status="in_trial", who="x")
    idea_actions.set_responsible(con, idea_id="I3", responsible="Kirsi", who="x")
    done_on = datetime(2026, 11, 20)
    idea_actions.change_status(con, idea_id="I3", to_status="implemented", who="x", now=done_on)
    idea_talk.support(con, idea_id="I1", person="a@x.fi")
    done = idea_list.implemented_recently(con, on=TODAY, days=180)
    # implemented within 180 days of 27.11.2026, the latest first: I3 (20.11.), I6 (29.9.),
    # I1 (1.8.) and I7 (1.6.)
    assert done["idea_id"].tolist() == ["I3", "I6", "I1", "I7"]
    rows = done.set_index("idea_id")
    assert (rows.at["I1", "supporters"], rows.at["I3", "responsible"]) == (1, "Kirsi")
    with pytest.raises(idea_actions.ChangeRefused) as refused:  # only for an accepted idea
        idea_actions.set_responsible(con, idea_id="I4", responsible="Kirsi", who="x")
    assert refused.value.reason == "responsible_not_accepted"

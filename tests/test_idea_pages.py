"""The idea pages through Streamlit's AppTest: the pipeline, the staff form and triage."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from metrics import idea_actions, ideas, store
from tests.apptest import open_page
from tests.idea_city import MARCH, idea_city_file
from ui import i18n

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def idea_city_path(tmp_path_factory):
    return idea_city_file(tmp_path_factory.mktemp("idea_city"))


@pytest.fixture
def db(idea_city_path, tmp_path):
    """This test's own copy of the idea city (the form and triage write to it)."""
    path = tmp_path / "ideas.duckdb"
    shutil.copyfile(idea_city_path, path)
    yield path
    store.close(path)


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def section(app, name: str):
    app.radio(key="ideas_section").set_value(name).run()
    assert not app.exception, app.exception
    return app


# ------------------------------------------------------------------------------ the pipeline


def test_pipeline_shows_the_periods_ideas_and_their_statuses(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/ideas.py", period=MARCH)
    assert app.title[0].value == "Kehittämisideat"
    # March's flow: six ideas sent; decided in March M1, M2 (M3 in April); implemented in March
    # M1 and F1 (sent in February). Five wait for a decision today: F2, M4, M5, R1, R2.
    shown = metrics(app)
    labels = ("Lähetetyt ideat", "Päätetyt ideat", "Toteutetut ideat", "Odottaa päätöstä")
    assert [shown[k] for k in labels] == ["6", "2", "2", "5"]
    funnel = app.dataframe[0].value
    assert funnel["Tila"].tolist()[:5] == [
        "Uusi",
        "Käsittelyssä",
        "Hyväksytty",
        "Kokeilussa",
        "Toteutettu",
    ]
    assert funnel["Ideoita"].tolist() == [1, 1, 1, 0, 1, 1, 0, 1]
    assert funnel["Osuus"][0] == f"16,7{NBSP}%"
    flow = app.dataframe[1].value
    assert flow.iloc[-1].tolist() == ["maaliskuu 2026", 6, 2]


def test_decisions_show_median_80th_percentile_and_where_ideas_wait(db, monkeypatch):
    app = section(open_page(db, monkeypatch, "pages/ideas.py", period=MARCH), "decisions")
    shown = metrics(app)
    # Decided in March after 10 and 20 days (M3's decision came in April): median 15, 80th
    # percentile 18.
    assert (shown["Päätösaika, mediaani (pv)"], shown["Päätösaika, 80 % (pv)"]) == ("15", "18")
    # Five ideas wait today (F2, M4, M5, R1, R2); from 21.5.2026 on all have waited > 30 days.
    assert (shown["Odottaa päätöstä"], shown["Myöhässä"]) == ("5", "5")
    place = app.dataframe[-1].value
    assert place["Yksikkö"].tolist() == ["Tiimi A2", "Toimiala B", "Tiimi A1"]
    assert place["Muutosagentti"].tolist() == ["–", "Bertta", "Aino"]


def test_units_section_gives_rates_with_units_below_included(db, monkeypatch):
    app = section(open_page(db, monkeypatch, "pages/ideas.py", period=MARCH), "units")
    table = app.dataframe[0].value.set_index("Yksikkö")
    # A (40 staff): 4 ideas in 31 days → 4 × 365 / 31 × 100 / 40 = 117,7 a year per 100 staff;
    # 2 of 40 took part; decided in March M1, M2 (10 and 20 days: median 15), implemented M1;
    # the matured cohort (sent in 2025) is O1, decided and implemented: both rates 100 %.
    a = table.loc["Toimiala A"]
    assert a["Ideoita / 100 henk. / v"] == "117,7"
    assert (a["Lähetetty"], a["Päätetty"], a["Toteutettu"]) == (4, 2, 1)
    assert (a["Osallistumisaste"], a["Ratkaisuaste"]) == (f"5,0{NBSP}%", f"100,0{NBSP}%")
    assert (a["Toteutusaste"], a["Päiviä päätökseen (mediaani)"]) == (f"100,0{NBSP}%", "15")
    assert f"{NBSP * 2}Tiimi A1" in table.index  # indented under its parent


def test_results_section_gives_the_yearly_benefit(db, monkeypatch):
    app = section(open_page(db, monkeypatch, "pages/ideas.py", period=MARCH), "results")
    shown = metrics(app)
    # Implemented in March: M1 (100 h, 2 000 €) and F1 (50 h).
    assert shown["Toteutetut ideat"] == "2"
    assert (shown["Säästö, tuntia / vuosi"], shown["Hyöty, euroa / vuosi"]) == (
        "150",
        f"2{NBSP}000",
    )
    categories = app.dataframe[0].value
    assert categories["Aihealue"].tolist() == ["Digi", "Viestintä", "(ei aihealuetta)"]


def test_the_list_finds_an_idea_and_shows_its_title_as_plain_text(db, monkeypatch):
    app = section(open_page(db, monkeypatch, "pages/ideas.py", period=MARCH), "list")
    by_label(app.text_input, "Hae otsikosta, kuvauksesta tai numerolla").input("kahvi").run()
    found = app.dataframe[0].value
    assert found["Numero"].tolist() == ["M5"]
    assert found["Otsikko"][0] == "**Parempi** <b>kahvi</b>"  # markup kept as text
    assert found["Tila"][0] == "Käsittelyssä"
    assert not any("Parempi" in m.value for m in app.markdown)
    assert app.caption[-1].value == "1 ideaa."


def test_the_list_shows_the_newest_500_and_says_how_many_matched(db, monkeypatch):
    with store.transaction(store.connect(db)) as cur:  # 501 more ideas sent on 31.3.2026
        cur.execute(
            "INSERT INTO ideas (idea_id, unit_id, submitted_on, title, status)"
            " SELECT 'X' || n, 'B', DATE '2026-03-31', 'Lisäidea ' || n, 'new'"
            " FROM range(501) t(n)"
        )
    app = section(open_page(db, monkeypatch, "pages/ideas.py", period=MARCH), "list")
    assert len(app.dataframe[0].value) == 500
    assert app.caption[-1].value.startswith("Näytetään 500 ideaa 507 hakua vastaavasta")


def test_pipeline_page_in_english(db, monkeypatch):
    # AppTest formats widget options in the test's own thread, where the session's language
    # is unknown: set the language for both threads.
    monkeypatch.setattr(i18n, "current_language", lambda: "en")
    app = open_page(db, monkeypatch, "pages/ideas.py", period=MARCH)
    assert app.title[0].value == "Development ideas"
    assert metrics(app)["Ideas sent"] == "6"
    assert app.radio(key="ideas_section").options == [
        "Pipeline", "Decisions and backlog", "Results", "Units", "The ideas", "You said, we did",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["pipeline", "decisions", "results", "units", "list", "done"])
def test_every_section_opens_on_the_fixture_city(city_path, monkeypatch, name):
    app = open_page(city_path, monkeypatch, "pages/ideas.py", period="2026-Q3")
    section(app, name)


# ------------------------------------------------------------------------------ the form


def fill_form(app, title="Yhteinen kalenteri", unit="A1", anonymous=True, identity=""):
    by_label(app.text_input, "Otsikko (pakollinen)").input(title)
    by_label(app.text_area, "Kuvaus").input("Lomat ja poissaolot yhteen näkymään.")
    by_label(app.selectbox, "Yksikkö, jota idea koskee (pakollinen)").set_value(unit)
    by_label(app.radio, "Lähetänkö").set_value(anonymous)
    by_label(app.text_input, "Nimesi tai sähköpostisi (vain nimellä lähetettäessä)").input(identity)
    by_label(app.button, "Lähetä idea").click().run()
    assert not app.exception, app.exception
    return app


def new_ideas(db):
    con = store.connect(db)
    return store.read(con, "SELECT * FROM ideas WHERE idea_id LIKE 'I-%' ORDER BY idea_id")


def test_a_staff_member_sends_an_idea_and_gets_its_number(db, monkeypatch):
    app = fill_form(open_page(db, monkeypatch, "pages/idea_form.py"))
    number = f"I-{date.today().year}-00001"
    assert number in app.success[0].value
    stored = new_ideas(db)
    assert stored["idea_id"].tolist() == [number]
    assert (stored["status"][0], stored["unit_id"][0], stored["submitter"][0]) == (
        "new",
        "A1",
        None,
    )
    # The lookup below the form already shows it.
    assert app.text[0].value == f"{number} · Yhteinen kalenteri"


def test_sending_the_form_again_with_the_same_token_makes_no_duplicate(db, monkeypatch):
    app = fill_form(open_page(db, monkeypatch, "pages/idea_form.py"))
    app.run()  # a rerun
    # A second click that arrives before the confirmation: the same form, the same token.
    del app.session_state["idea_form_sent"]
    app.run()
    fill_form(app)
    assert f"I-{date.today().year}-00001" in app.success[0].value
    assert len(new_ideas(db)) == 1


def test_send_another_idea_starts_a_new_form(db, monkeypatch):
    app = fill_form(open_page(db, monkeypatch, "pages/idea_form.py"))
    by_label(app.button, "Lähetä toinen idea").click().run()
    fill_form(app, title="Toinen idea", anonymous=False, identity="Maija")
    assert f"I-{date.today().year}-00002" in app.success[0].value
    assert new_ideas(db)["submitter"].notna().tolist() == [False, True]


def test_an_invalid_idea_is_refused_with_clear_messages(db, monkeypatch):
    app = fill_form(open_page(db, monkeypatch, "pages/idea_form.py"), title="", unit=None)
    # each field's message under the field: the title's first, the unit's next
    assert [e.value for e in app.error] == [
        "Kirjoita idealle otsikko.",
        "Valitse yksikkö, jota idea koskee.",
    ]
    assert not app.success and new_ideas(db).empty


def test_a_named_idea_needs_a_name(db, monkeypatch):
    app = fill_form(open_page(db, monkeypatch, "pages/idea_form.py"), anonymous=False)
    assert "Kirjoita nimesi tai sähköpostisi, tai valitse nimetön lähetys." in app.error[0].value
    assert new_ideas(db).empty


def test_staff_look_up_an_idea_by_its_number(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/idea_form.py")
    by_label(app.text_input, "Idean numero").input("m3").run()  # case does not matter
    assert app.text[0].value == "M3 · Viikkotiedote"
    assert "Tila nyt: Hyväksytty. Lähetetty 10.3.2026." in [c.value for c in app.caption]
    by_label(app.text_input, "Idean numero").input("X-1").run()
    assert app.warning[0].value == "Numerolla X\\-1 ei löydy ideaa."  # typed text, as text


# ------------------------------------------------------------------------------ triage


def open_idea(db, monkeypatch, number: str):
    app = open_page(db, monkeypatch, "pages/triage.py")
    by_label(app.text_input, "…tai avaa idea numerolla").input(number).run()
    assert not app.exception, app.exception
    return app


def save_change(app, to_status: str, into: str = "", note: str = ""):
    by_label(app.selectbox, "Uusi tila").set_value(to_status)
    by_label(app.text_input, "Yhdistä ideaan (numero)").input(into)
    by_label(app.text_area, "Huomautus lokiin").input(note)
    by_label(app.button, "Tallenna muutos").click().run()
    assert not app.exception, app.exception
    return app


def test_triage_lists_waiting_ideas_oldest_first(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/triage.py")
    queue = app.dataframe[0].value
    # New or in review: F2 (1.2.), M4 (15.3.), M5 (20.3.), R2 (1.4.), R1 (20.4.).
    assert queue["Numero"].tolist() == ["F2", "M4", "M5", "R2", "R1"]


def test_triage_moves_an_idea_along_and_logs_it(db, monkeypatch):
    app = save_change(open_idea(db, monkeypatch, "M4"), "in_review", note="Selvitetään")
    assert app.success[0].value == "Idea M4: tila on nyt Käsittelyssä."
    con = store.connect(db)
    assert ideas.idea(con, idea_id="M4")["status"][0] == "in_review"
    last = ideas.idea_events(con, idea_id="M4").iloc[-1]
    assert (last["changed_by"], last["from_status"], last["note"]) == ("demo", "new", "Selvitetään")
    history = app.dataframe[-1].value
    assert history.iloc[-1][["Tilasta", "Tilaan", "Kuka"]].tolist() == [
        "Uusi",
        "Käsittelyssä",
        "demo",
    ]


def test_triage_refuses_a_disallowed_change_and_says_what_is_allowed(db, monkeypatch):
    app = open_idea(db, monkeypatch, "M4")

    def moved_on_meanwhile(con, **change):  # another agent was quicker, between read and write
        raise idea_actions.ChangeRefused(
            "not_allowed", "M4", status="in_review", wanted="in_review"
        )

    monkeypatch.setattr(idea_actions, "change_status", moved_on_meanwhile)
    save_change(app, "in_review")
    assert app.error[0].value == (
        "Muutosta ei tehty: idea M4 on tilassa Käsittelyssä, eikä sitä voi siirtää tilaan "
        "Käsittelyssä. Sallitut muutokset: Hyväksytty, Hylätty, Odottaa (siirretty myöhemmäksi), "
        "Yhdistetty toiseen."
    )


def test_a_form_sent_after_someone_else_moved_the_idea_saves_nothing(db, monkeypatch):
    app = open_idea(db, monkeypatch, "M4")
    idea_actions.change_status(store.connect(db), idea_id="M4", to_status="in_review", who="x")
    save_change(app, "in_review")  # sent from the form drawn for "new"
    assert not app.error and not app.success
    assert by_label(app.selectbox, "Uusi tila").options == [
        "Hyväksytty", "Hylätty", "Odottaa (siirretty myöhemmäksi)", "Yhdistetty toiseen",
    ]  # fmt: skip
    assert ideas.idea_events(store.connect(db), idea_id="M4")["changed_by"].tolist() == ["x"]


def test_triage_merges_a_duplicate_and_refuses_a_missing_target(db, monkeypatch):
    app = save_change(open_idea(db, monkeypatch, "R1"), "merged", into="EI-OLE")
    assert app.error[0].value.startswith("Yhdistämistä ei tehty: ideaa EI\\-OLE ei ole.")
    save_change(app, "merged", into="M4")
    merged = ideas.idea(store.connect(db), idea_id="R1")
    assert (merged["status"][0], merged["merged_into"][0]) == ("merged", "M4")


def test_every_status_and_refusal_has_a_text_in_three_languages():
    from metrics.contract import IDEA_STATUSES
    from ui.i18n import catalog

    texts = catalog()
    reasons = ("not_allowed", "final", "not_found", "merge_target_missing", "merge_into_itself",
               "merge_target_merged", "who_required", "merge_target_not_in_units",
               "merge_target_merged_outside")  # fmt: skip
    keys = [f"idea.status.{s}" for s in IDEA_STATUSES] + [f"triage.refused.{r}" for r in reasons]
    problems = [
        ("title", "required"), ("title", "too_short"), ("title", "too_long"),
        ("description", "too_long"), ("category", "too_long"), ("unit", "required"),
        ("unit", "unknown_unit"), ("identity", "required"), ("identity", "too_long"),
        ("sender", "daily_limit"),
    ]  # fmt: skip
    keys += [f"form.problem.{f}.{r}" for f, r in problems]
    keys += ["form.not_saved", "form.signed_in_identity"]
    for key in keys:
        assert set(texts[key]) == {"fi", "sv", "en"}, key


def test_the_list_finds_ideas_of_every_period_when_asked(db, monkeypatch):
    app = section(open_page(db, monkeypatch, "pages/ideas.py", period=MARCH), "list")
    by_label(app.text_input, "Hae otsikosta, kuvauksesta tai numerolla").input("palaver").run()
    assert app.dataframe[0].value["Numero"].tolist() == ["M6"]  # March only
    by_label(app.toggle, "Kaikki jaksot").set_value(True).run()
    assert app.dataframe[0].value["Numero"].tolist() == ["R2", "M6"]  # R2 was sent in April


def test_triage_opens_only_ideas_of_the_chosen_organisation(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/triage.py", unit="B")
    by_label(app.text_input, "…tai avaa idea numerolla").input("M4").run()  # M4 is in A2
    assert app.warning[0].value == "Valitusta organisaatiosta ei löydy ideaa numerolla M4."
    by_label(app.text_input, "…tai avaa idea numerolla").input("M5").run()
    assert app.text[0].value == "**Parempi** <b>kahvi</b>"  # the title, as plain text


def test_a_failed_send_says_the_idea_was_not_saved_and_keeps_the_text(db, monkeypatch):

    def broken(*args, **kwargs):
        raise RuntimeError("TransactionContext Error: conflict, 12 attempts")

    monkeypatch.setattr(idea_actions, "submit_idea", broken)
    app = open_page(db, monkeypatch, "idea_form")  # opened by its address
    app = fill_form(app)
    assert [e.value for e in app.error] == [
        "Idea jäi tallentamatta, koska tallennus epäonnistui. Tekstisi on yhä lomakkeella: "
        "yritä lähettää uudelleen hetken kuluttua."
    ]
    assert by_label(app.text_input, "Otsikko (pakollinen)").value == "Yhteinen kalenteri"
    assert by_label(app.text_area, "Kuvaus").value == "Lomat ja poissaolot yhteen näkymään."
    assert not app.success and new_ideas(db).empty

"""The good-practice guide: origins, search and tags, adding a practice on the page, and the
guide exported as HTML and Markdown with every text from the data escaped."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from metrics import practices, store
from metrics.imports import import_file
from metrics.validation import ImportRejected
from tests.apptest import open_page

FILES = {
    "organisations": "org_id,name,home\nPEER,Naapurikunta,false\n",
    "units": "unit_id,name,headcount\nK1,Kirjasto,9\nV1,Varhaiskasvatus,40\n",
    "ideas": "idea_id,unit_id,submitted_on,title,status\nI1,K1,2025-01-10,Lainaus,implemented\n",
    "teams": "team_id,name,unit_id\nT1,Pilottitiimi,V1\n",
    "projects": "project_id,team_id,title,status\nP1,T1,Yhteiset lomakkeet,done\n",
    # GP1 from an idea, GP2 from a project, GP3 a peer's (learnt at a seminar), GP4 says its
    # origin itself, GP5 says nothing and links nothing
    "practices": (
        "practice_id,title,summary,unit_id,org_id,idea_id,project_id,tags,published_on,origin\n"
        "GP1,Omatoimilainaus iltaisin,Kirjasto auki ilman henkilökuntaa.,K1,,I1,,"
        "kirjasto; aukiolo,2025-03-01,\n"
        "GP2,Yhteiset lomakkeet,Yksi lomake kaikkiin päiväkoteihin.,V1,,,P1,"
        "lomakkeet;varhaiskasvatus,2025-05-01,\n"
        "GP3,Vertaismentorointi,Naapurikunnan esihenkilöt mentoroivat toisiaan.,,PEER,,,"
        "esihenkilöt,2025-06-01,\n"
        "GP4,Kahden viikon sykli,Ideat käsitellään kahden viikon välein.,,,,,"
        "ideat,2025-07-01,seminaari\n"
        "GP5,Aamukahvit,Tiimi aloittaa päivän yhdessä.,V1,,,,,2025-08-01,\n"
    ),
}


@pytest.fixture
def guide(tmp_path) -> Path:
    """A closed database with five practices of every origin."""
    path = tmp_path / "guide.duckdb"
    con = store.connect(path)
    for kind, text in FILES.items():
        file = tmp_path / f"{kind}.csv"
        file.write_text(text, encoding="utf-8")
        import_file(con, kind, file)
    store.close(path)
    yield path
    store.close(path)


def test_each_practice_has_its_origin_stated_or_read_from_its_links(guide):
    found = practices.practices(store.connect(guide)).set_index("practice_id")
    assert found["origin"].to_dict() == {
        "GP1": "idea",  # idea_id
        "GP2": "project",  # project_id
        "GP3": "seminar",  # another organisation's practice
        "GP4": "seminar",  # stated as "seminaari"
        "GP5": "other",
    }
    assert found.loc["GP2", "project_title"] == "Yhteiset lomakkeet"
    assert found.loc["GP2", "tags"].tolist() == ["lomakkeet", "varhaiskasvatus"]


@pytest.mark.parametrize(
    ("words", "tags", "origin", "expected"),
    [
        ("LOMAKE", (), None, ["GP2"]),  # in the title, case ignored
        ("henkilökuntaa", (), None, ["GP1"]),  # in the summary
        ("naapurikunta", (), None, ["GP3"]),  # the organisation's name
        (None, ("kirjasto",), None, ["GP1"]),
        (None, ("lomakkeet", "varhaiskasvatus"), None, ["GP2"]),  # every tag given
        (None, ("lomakkeet", "kirjasto"), None, []),
        (None, (), "seminar", ["GP4", "GP3"]),  # newest first
        ("100%_", (), None, []),  # no wildcards: the words are taken as written
    ],
)
def test_search_finds_practices_by_words_tags_and_origin(guide, words, tags, origin, expected):
    found = practices.practices(store.connect(guide), words=words, tags=tags, origin=origin)
    assert found["practice_id"].tolist() == expected


def test_tags_are_counted_commonest_first(guide):
    counted = practices.tags(store.connect(guide))
    assert counted.iloc[0].tolist() == ["aukiolo", 1]
    assert len(counted) == 6


def test_a_refused_practice_writes_nothing_and_says_why(guide):
    con = store.connect(guide)
    before = len(practices.practices(con))
    with pytest.raises(ImportRejected) as refused:
        practices.add_practice(con, title=" ", summary="Jotain", idea_id="I404", unit_id="X")
    reasons = {(e.column, e.reason) for e in refused.value.errors}
    assert reasons == {
        ("title", "a value is required"),
        ("idea_id", "no such idea"),
        ("unit_id", "no such unit"),
    }
    assert len(practices.practices(con)) == before


def test_sending_the_same_form_twice_adds_one_practice(guide):
    con = store.connect(guide)
    first = practices.add_practice(con, title="Kävelykokous", summary="Ulkona.", token="t-1")
    again = practices.add_practice(con, title="Kävelykokous", summary="Ulkona.", token="t-1")
    assert first == practices.Added("GP0006", created=True)  # GP1 … GP5 are taken
    assert again == practices.Added("GP0006", created=False)
    events = store.read(con, "SELECT practice_id, action FROM practice_events")
    assert events.values.tolist() == [["GP0006", "added"]]


TITLE = '<script>alert("x")</script> Aamupalaverit & *kahvi*'


def labelled(elements, label: str):
    return next(e for e in elements if e.label == label)


def test_a_practice_added_on_the_page_is_found_by_search_and_exported(guide, monkeypatch):
    app = open_page(guide, monkeypatch, "practices")
    assert app.title[0].value == "Hyvien käytäntöjen opas"
    labelled(app.text_input, "Otsikko").input(TITLE)
    app.text_area[0].input("Tiimi kokoontuu\n10 minuutiksi.")
    labelled(app.text_input, "Aiheet").input("kokoukset; arki")
    labelled(app.selectbox, "Yksikkö").set_value("V1")
    labelled(app.button, "Tallenna käytäntö").click()
    app.run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Käytäntö GP0006 on lisätty oppaaseen."
    # the new practice opens at once, its title as plain text
    assert app.query_params["practice"] == "GP0006"
    assert f"GP0006 · {TITLE}" in [t.value for t in app.text]
    # found by a word of its title
    app.text_input(key="practice_words").input("aamupalaverit").run()
    listed = app.dataframe[0].value
    assert listed["Käytäntö"].tolist() == [TITLE]
    assert listed["Aiheet"].tolist() == ["kokoukset, arki"]
    # and by its tag
    app.text_input(key="practice_words").input("").run()
    app.multiselect(key="practice_tags").select("arki").run()
    assert app.dataframe[0].value["Numero"].tolist() == ["GP0006"]
    # the whole guide as HTML: the title escaped, never as markup
    con = store.connect(guide)
    texts = practices.GuideTexts(
        "Opas", "Johdanto", "Koottu", "Sisällys", "Alkuperä", "Yksikkö", "Aiheet", "Julkaistu"
    )
    document = practices.guide_html(practices.practices(con), texts)
    assert html.escape(TITLE) in document
    assert "<script>" not in document
    assert document.count("<article") == 6
    markdown = practices.guide_markdown(practices.practices(con), texts)
    assert r'\<script\>alert("x")\</script\> Aamupalaverit \& \*kahvi\*' in markdown
    assert "Tiimi kokoontuu  \n10 minuutiksi." in markdown


def test_a_link_opens_its_practice_even_outside_the_search(guide, monkeypatch):
    app = open_page(guide, monkeypatch, "practices", practice="GP3")
    app.text_input(key="practice_words").input("lomake").run()
    texts = [t.value for t in app.text]
    assert "GP3 · Vertaismentorointi" in texts
    assert any(
        t.startswith("Alkuperä: Seminaari · Yksikkö tai organisaatio: Naapurikunta") for t in texts
    )


def test_the_page_says_what_is_wrong_with_a_practice(guide, monkeypatch):
    app = open_page(guide, monkeypatch, "practices")
    labelled(app.radio, "Alkuperä").set_value("idea")
    labelled(app.text_input, "Idean tai projektin numero").input("I404")
    labelled(app.button, "Tallenna käytäntö").click()
    app.run()
    message = app.error[0].value
    assert "Otsikko: a value is required" in message and "Idean numero: no such idea" in message
    assert len(practices.practices(store.connect(guide))) == 5


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("**lihava** ja _kursiivi_", r"\*\*lihava\*\* ja \_kursiivi\_"),
        ("[linkki](http://x)", r"\[linkki\](http://x)"),
        ("- ei luettelo", r"\- ei luettelo"),
        ("1. ei numeroitu", r"1\. ei numeroitu"),
        ("# ei otsikko", r"\# ei otsikko"),
        ("<b>ei html</b> &amp;", r"\<b\>ei html\</b\> \&amp;"),
        ("    ei koodia", "ei koodia"),
        ("Tavallinen lause, 3.5 tuntia.", "Tavallinen lause, 3.5 tuntia."),
    ],
)
def test_markdown_export_shows_text_as_written(text, escaped):
    assert practices.markdown_text(text) == escaped

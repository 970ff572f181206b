"""Similar ideas while writing: a reworded Finnish title finds the idea already sent among the
first five, an unrelated one finds nothing, and the sender can support one from the form or
send their own anyway. The timing at city scale is bench/run.py's (`similar_ideas`)."""

from __future__ import annotations

import shutil

import pytest

from metrics import similar_ideas, store
from tests.apptest import open_page
from tests.idea_city import idea_city_file
from tests.test_idea_pages import by_label, fill_form

EXTRA = [  # idea_id, unit, title: some near neighbours, so that the top five is a real choice
    ("S1", "A1", "Sijaisten kutsuminen tekstiviestillä"),
    ("S2", "B", "Sijaisten perehdytyskansio"),
    ("S3", "A2", "Tekstiviestimuistutus asiakkaille"),
    ("S4", "B", "Kokousten pituudeksi 45 minuuttia"),
    ("S5", "A1", "Sähköinen kalenteri kokoushuoneille"),
    ("S6", "B", "Sijaisten kutsuminen tekstiviestillä"),  # the same title in another unit
    ("S7", "A2", "Lomakkeiden kutsuminen"),
]


@pytest.fixture(scope="module")
def similar_city_path(tmp_path_factory):
    path = idea_city_file(tmp_path_factory.mktemp("similar_city"))
    with store.transaction(store.connect(path)) as cur:
        for idea_id, unit, title in EXTRA:
            cur.execute(
                "INSERT INTO ideas (idea_id, unit_id, submitted_on, title, status)"
                " VALUES (?, ?, DATE '2026-04-01', ?, 'new')",
                [idea_id, unit, title],
            )
        cur.execute("UPDATE ideas SET status = 'merged', merged_into = 'S4' WHERE idea_id = 'M6'")
    store.close(path)
    return path


@pytest.fixture
def db(similar_city_path, tmp_path):
    path = tmp_path / "ideas.duckdb"
    shutil.copyfile(similar_city_path, path)
    yield path
    store.close(path)


@pytest.mark.parametrize(
    ("typed", "original"),
    [
        # inflected and reordered (S1 and S6 share the title: one of them is offered)
        ("Tekstiviesti sijaisten kutsumiseen", "Sijaisten kutsuminen tekstiviestillä"),
        ("Kokouksille 45 minuutin pituus", "Kokousten pituudeksi 45 minuuttia"),
        ("sähköiset lomakkeet", "Sähköinen lomake"),
        ("Raporttirobotti", "Robotti raportointiin"),  # one compound word for two
    ],
)
def test_a_reworded_title_finds_the_original_among_the_first_five(db, typed, original):
    found = similar_ideas.similar_ideas(store.connect(db), text=typed)
    assert original in found["title"].tolist()[:5], found[["idea_id", "title", "score"]]


def test_an_unrelated_title_finds_nothing(db):
    found = similar_ideas.similar_ideas(store.connect(db), text="Parkkipaikkojen lumityöt")
    assert found.empty


def test_the_same_title_is_offered_once_the_senders_own_units_first(db):
    con = store.connect(db)
    found = similar_ideas.similar_ideas(con, text="Sijaisten kutsuminen tekstiviestillä", unit="B")
    assert found["idea_id"].tolist()[0] == "S6"  # B's own, not A1's S1
    assert "S1" not in found["idea_id"].tolist()
    assert len(found) <= similar_ideas.SHOWN


def test_a_merged_idea_is_never_offered(db):
    found = similar_ideas.similar_ideas(store.connect(db), text="Etäpalaverit")
    assert "M6" not in found["idea_id"].tolist()


def test_the_form_shows_similar_ideas_to_support_and_still_sends(db, monkeypatch):
    app = open_page(db, monkeypatch, "idea_form")
    by_label(app.text_input, "Otsikko (pakollinen)").input("Tekstiviesti sijaisten kutsumiseen")
    by_label(app.selectbox, "Yksikkö, jota idea koskee (pakollinen)").set_value("A1")
    by_label(app.button, "Etsi samankaltaisia").click().run()  # A1's own S1 is offered
    assert not app.exception, app.exception
    assert "Samankaltaisia ideoita" in [h.value for h in app.header]
    assert "Sijaisten kutsuminen tekstiviestillä" in [t.value for t in app.text]
    app.button(key="similar_support_S1").click().run()
    assert app.success[0].value == "Tuet nyt ideaa S1."
    supports = store.read(store.connect(db), "SELECT idea_id FROM idea_supports")
    assert supports["idea_id"].tolist() == ["S1"]
    fill_form(app, title="Tekstiviesti sijaisten kutsumiseen")  # sent anyway
    stored = store.read(store.connect(db), "SELECT title FROM ideas WHERE idea_id LIKE 'I-%'")
    assert stored["title"].tolist() == ["Tekstiviesti sijaisten kutsumiseen"]

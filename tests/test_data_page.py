"""The data page, driven as an HR person would drive it (Streamlit's AppTest, in Finnish)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics import store
from metrics.imports import import_file
from tests.apptest import open_page
from tests.snapshots import snapshot

GOOD_UNITS = b"unit_id,name,headcount,parent_id\nU5,Uusi yksikk\xc3\xb6,100,S2\n"
BAD_UNITS = b"unit_id,name,headcount\nU6,Huono,-3\nU7,,x\n"


@pytest.fixture
def db(fixture_db_path, tmp_path) -> Path:
    """A writable copy of the fixture city, closed again after the test."""
    path = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    yield path
    store.close(path)


def upload(app, name: str, content: bytes):
    app.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not app.exception, app.exception
    return app


def button(app, label: str):
    return next(b for b in app.button if b.label == label)


def test_a_good_file_is_recognised_previewed_and_saved_only_on_request(db, monkeypatch):
    app = upload(open_page(db, monkeypatch, "data"), "yksikot.csv", GOOD_UNITS)
    assert app.selectbox[0].value == ("units", None)  # recognised from the header
    assert app.success[0].value.startswith("Tiedosto on kunnossa: 1 riviä, joista 1 uutta")
    con = store.connect(db)
    assert "U5" not in store.read(con, "SELECT unit_id FROM units")["unit_id"].tolist()
    button(app, "Tallenna tiedosto").click().run()
    assert app.success[0].value == "Tallennettu: 1 riviä (1 uutta, 0 päivitetty)."
    row = store.read(con, "SELECT name FROM units WHERE unit_id = 'U5'")
    assert row["name"].tolist() == ["Uusi yksikkö"]
    log = app.dataframe[0].value  # the log tab: the newest import first
    assert log.iloc[0][["Tiedosto", "Tulos", "Lisätty", "Kuka"]].tolist() == [
        "yksikot.csv",
        "tallennettu",
        1,
        "data page (no login)",
    ]


def test_a_bad_file_lists_every_problem_and_saves_nothing(db, monkeypatch):
    con = store.connect(db)
    before = snapshot(con)
    app = upload(open_page(db, monkeypatch, "data"), "huono.csv", BAD_UNITS)
    assert app.error[0].value.startswith(
        "Tiedostoa ei voi tuoda: 3 ongelmaa. Mitään ei tallennettu."
    )
    problems = app.dataframe[0].value
    assert problems[["Rivi", "Sarake", "Arvo"]].values.tolist() == [
        [2, "headcount", "-3"],
        [3, "headcount", "x"],
        [3, "name", ""],
    ]
    assert not [b for b in app.button if b.label == "Tallenna tiedosto"]
    assert snapshot(con) == before
    log = app.dataframe[1].value
    assert log.iloc[0][["Tiedosto", "Tulos", "Hylätty"]].tolist() == ["huono.csv", "hylätty", 2]


def test_a_real_csps_file_is_loaded_through_its_preset_with_a_round(db, monkeypatch, csps):  # noqa: F811
    content = (csps / "csps_2018_organisation_scores.csv").read_bytes()
    app = upload(open_page(db, monkeypatch, "data"), "csps_2018_organisation_scores.csv", content)
    assert app.selectbox[0].value == ("survey_results", "csps")
    assert app.info[0].value.startswith("Tiedostossa ei ole round_id-saraketta")
    app.text_input[0].set_value("CSPS2018").run()
    assert app.success[0].value.startswith("Tiedosto on kunnossa: 212 riviä, joista 212 uutta")
    also = app.dataframe[0].value  # the round and the 106 benchmark organisations
    assert also["Rivejä"].tolist() == ["1", "106"]
    assert (
        "Contains public sector information licensed under the Open Government Licence v3.0."
        in [c.value for c in app.caption]
    )
    button(app, "Tallenna tiedosto").click().run()
    assert not app.exception, app.exception
    count = store.read(store.connect(db), "SELECT count(*) FROM survey_results").iloc[0, 0]
    assert count == 212


def test_a_backup_taken_on_the_page_restores_the_data(db, monkeypatch):
    app = open_page(db, monkeypatch, "data")
    button(app, "Ota varmuuskopio nyt").click().run()
    assert app.success[0].value.startswith("Varmuuskopio ")
    con = store.connect(db)
    before = snapshot(con)
    path = db.parent / "u.csv"
    path.write_bytes(GOOD_UNITS)
    import_file(con, "units", path)
    assert snapshot(con) != before
    next(c for c in app.checkbox if c.label.startswith("Ymmärrän")).check().run()
    button(app, "Palauta").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Tiedot palautettu varmuuskopiosta."
    assert snapshot(store.connect(db)) == before
    assert (db.parent / "pohina.duckdb.before-restore").exists()


def test_the_data_page_speaks_swedish_and_english(db, monkeypatch):
    assert (
        open_page(db, monkeypatch, "data", lang="sv").title[0].value
        == "Dataimport och säkerhetskopior"
    )
    assert open_page(db, monkeypatch, "data", lang="en").title[0].value == "Data import and backups"

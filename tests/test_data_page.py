"""The data page, driven as an HR person would drive it (Streamlit's AppTest, in Finnish)."""

from __future__ import annotations

import ast
import pickle
import shutil
import string
from pathlib import Path

import pytest

from metrics import store
from metrics.import_reasons import REASONS, Reason
from metrics.imports import import_file
from tests.apptest import open_page
from tests.snapshots import snapshot
from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
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
    assert problems["Syy"].tolist() == [  # the reasons in Finnish, as the rest of the page
        "pienempi kuin 0",
        "ei ole kokonaisluku",
        "arvo puuttuu, ja se on pakollinen",
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


def test_every_refusal_reason_has_a_text_in_three_languages_with_its_placeholders():
    texts = i18n.catalog()
    for code, english in REASONS.items():
        versions = texts[f"data.reason.{code}"]
        assert set(versions) == {"fi", "sv", "en"}, code
        assert versions["en"] == english, code  # the page says what the command line says
        wanted = placeholders(english)
        assert all(placeholders(text) == wanted for text in versions.values()), code


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_a_refusal_reason_survives_a_cache_and_keeps_its_code():
    reason = Reason("too_long", limit=200)
    again = pickle.loads(pickle.dumps(reason))
    assert (again, again.code, again.values) == (
        "longer than 200 characters",
        "too_long",
        {"limit": 200},
    )


def test_every_reason_the_importer_gives_has_a_code():
    """Every Reason("code") and _must_exist(…, "what") in the importer names a known code, so
    no refusal meets a KeyError instead of its reason."""
    codes = set()
    for path in [*(ROOT / "metrics").glob("*.py"), ROOT / "api.py"]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            last = node.args[-1] if node.args else None
            if node.func.id == "Reason" and isinstance(node.args[0], ast.Constant):
                codes.add(node.args[0].value)
            elif node.func.id == "_must_exist" and isinstance(last, ast.Constant):
                codes.add("no_such." + last.value.replace(" ", "_"))
    assert len(codes) > 50 and codes <= set(REASONS), codes - set(REASONS)

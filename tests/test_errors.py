"""An unexpected error shows a friendly message with a reference; the traceback, which may name
the database's path, goes to the server's log under that reference and never to the screen."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tomllib

import duckdb
from streamlit.testing.v1 import AppTest

from metrics import overview
from tests.apptest import open_page
from tests.test_pages import ROOT


def failing_overview(con, **kwargs):
    """What a broken database file does to a metric: its message names the file's path."""
    raise duckdb.IOException(f'Cannot open file "{os.environ["POHINA_DB"]}": Permission denied')


def everything_shown(app: AppTest) -> str:
    """Every element of the rendered app, main area and sidebar, as text."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(str(getattr(node, "proto", "")) for node in walk(app._tree))


def test_an_unexpected_error_shows_a_reference_and_not_the_database_path(
    fixture_db_path, tmp_path, monkeypatch, caplog
):
    db = tmp_path / "secret-folder" / "pohina.duckdb"
    db.parent.mkdir()
    shutil.copy(fixture_db_path, db)  # a path of its own: nothing cached for it yet
    monkeypatch.setattr(overview, "overview", failing_overview)
    with caplog.at_level(logging.ERROR):
        app = open_page(db, monkeypatch)
    assert not app.exception  # Streamlit's own error box, with the traceback, is not shown
    message = app.error[-1].value
    reference = re.search(r"\b([0-9a-f]{8})\b", message)
    assert message.startswith("Sivun näyttäminen epäonnistui odottamattoman virheen vuoksi.")
    assert reference, message
    shown = everything_shown(app)
    assert "secret-folder" not in shown and "duckdb" not in shown.lower()
    logged = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert logged and logged[0].levelno == logging.ERROR
    assert "secret-folder" in str(logged[0].exc_info[1])  # the details are in the log
    caplog.clear()  # expected (conftest.py fails a test whose app logged an unexpected error)


def test_a_second_error_gets_a_reference_of_its_own(fixture_db_path, tmp_path, monkeypatch, caplog):
    db = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, db)
    monkeypatch.setattr(overview, "overview", failing_overview)
    app = open_page(db, monkeypatch, lang="en")
    first = app.error[-1].value
    app.run()
    assert first.startswith("The page could not be shown because of an unexpected error.")
    assert app.error[-1].value != first
    caplog.clear()


def test_streamlit_shows_no_error_details_in_the_browser():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"

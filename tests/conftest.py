"""Shared fixtures: the fixture city (built once per session) and an empty database."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from streamlit import config

from metrics import store
from metrics.imports import import_file
from tests.fixtures import ROLES, TODAY, build_fixture_city


@pytest.fixture(autouse=True)
def demo_mode(monkeypatch):
    """The app runs without a login only when POHINA_AUTH=none is set (`make run` sets it), so
    tests that open the app set it too; tests of the login set `oidc`, or unset it."""
    monkeypatch.setenv("POHINA_AUTH", "none")


@pytest.fixture(autouse=True)
def no_unexpected_error(caplog):
    """A page that fails shows a friendly message (ui/nav.py guarded()), which AppTest's
    `app.exception` does not see: fail the test on the error's log line instead. A test that
    expects one clears the log (caplog.clear())."""
    yield
    errors = [r for r in caplog.get_records("call") if r.name == "pohina" and r.exc_info]
    if errors:
        pytest.fail(f"the app logged an unexpected error:\n{caplog.text}", pytrace=False)


@pytest.fixture
def streamlit_secrets(tmp_path):
    """Point Streamlit at a secrets.toml of the test's own, as STREAMLIT_SECRETS_FILES does for a
    server: `streamlit_secrets(text)` writes it and returns its path. Afterwards Streamlit reads
    its usual files again and forgets the keys the file put into the environment."""
    saved = config.get_option("secrets.files")

    def use(text: str):
        path = tmp_path / "secrets.toml"
        path.write_text(text, encoding="utf-8")
        st.secrets._reset()  # parsed again on next use; no public way to say so
        config.set_option("secrets.files", [str(path)])
        return path

    yield use
    st.secrets._reset()
    config.set_option("secrets.files", saved)


@pytest.fixture(scope="session")
def fixture_db_path(tmp_path_factory):
    """A closed DuckDB file holding the hand-checked fixture city (tests/fixtures.py).

    Closed, so that another process (the command line, a Streamlit server) can open it; copy it
    before writing.
    """
    directory = tmp_path_factory.mktemp("fixture_city")
    path = directory / "pohina.duckdb"
    con = store.connect(path)
    build_fixture_city(con, directory)
    store.close(path)
    return path


@pytest.fixture(scope="session")
def city_path(fixture_db_path, tmp_path_factory):
    """This test process's own copy of the fixture city (in-process readers: metrics, AppTest)."""
    path = tmp_path_factory.mktemp("city") / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    return path


@pytest.fixture(scope="session")
def city(city_path):
    """The fixture city's connection. Read only: tests that write use `empty_db`."""
    return store.connect(city_path)


@pytest.fixture(scope="session")
def role_city_path(fixture_db_path, tmp_path_factory):
    """A closed copy of the fixture city with the role table (tests/fixtures.py ROLES) loaded
    through the importer."""
    directory = tmp_path_factory.mktemp("role_city")
    path = directory / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    roles = directory / "roles.csv"
    roles.write_text(ROLES, encoding="utf-8")
    import_file(store.connect(path), "roles", roles, today=TODAY)
    store.close(path)
    return path


@pytest.fixture
def writable_city(empty_db, tmp_path):
    """A fresh fixture city of the test's own, for tests that write."""
    build_fixture_city(empty_db, tmp_path)
    return empty_db


@pytest.fixture
def empty_db(tmp_path):
    """A new database with the schema and nothing else: for imports that must start from
    nothing, and for tests that write (the fixture city is shared and must stay unchanged)."""
    path = tmp_path / "empty.duckdb"
    yield store.connect(path)
    store.close(path)

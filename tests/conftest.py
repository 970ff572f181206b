"""Shared fixtures: the fixture city (built once per session) and an empty database."""

from __future__ import annotations

import shutil

import pytest

from metrics import store
from tests.fixtures import build_fixture_city


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


@pytest.fixture
def empty_db(tmp_path):
    """A new database with the schema and nothing else: for imports that must start from
    nothing, and for tests that write (the fixture city is shared and must stay unchanged)."""
    path = tmp_path / "empty.duckdb"
    yield store.connect(path)
    store.close(path)

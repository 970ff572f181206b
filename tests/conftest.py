"""Shared fixtures: the fixture city (built once per session) and an empty database."""

from __future__ import annotations

import pytest

from metrics import store
from tests.fixtures import build_fixture_city


@pytest.fixture(scope="session")
def fixture_db_path(tmp_path_factory):
    """A DuckDB file holding the hand-checked fixture city (tests/fixtures.py). Read-only use."""
    directory = tmp_path_factory.mktemp("fixture_city")
    path = directory / "pohina.duckdb"
    con = store.connect(path)
    build_fixture_city(con, directory)
    con.execute("CHECKPOINT")
    return path


@pytest.fixture(scope="session")
def city(fixture_db_path):
    """The fixture city's connection."""
    return store.connect(fixture_db_path)


@pytest.fixture
def empty_db(tmp_path):
    """A new database with the schema and nothing else: for imports that must start from
    nothing, and for tests that write (the fixture city is shared and must stay unchanged)."""
    path = tmp_path / "empty.duckdb"
    yield store.connect(path)
    store.close(path)

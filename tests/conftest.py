"""Shared fixtures, and the test cities: which one to use, what each holds, and why it exists.

Every city is a handful of hand-written contract files loaded through the real importer, so the
tests take the path a city's own files take; each figure a test expects is worked out by hand in
a comment beside its assertion, from the numbers in the city's module.

fixture city (tests/fixtures.py; fixtures `fixture_db_path`, `city_path`, `city`)
    The default. Two sectors of two units each (100 staff; U3's 3 are below the anonymity
    threshold), nine ideas in 2026-Q2 and Q3, two pilot teams with projects, a peer
    organisation, and two survey rounds of answers. Built once per session; read only.
role city (`role_city_path`)
    The fixture city plus the role table (tests/fixtures.py ROLES): one person per role, for
    the login and access tests.
writable city (`writable_city`)
    A copy of the fixture city of the test's own, for tests that write to it.
empty database (`empty_db`)
    The schema and nothing else: for imports that must start from nothing.
idea city (tests/idea_city.py)
    March 2026's ideas in four units with change agents, categories and benefits: the flow
    and cohort idea figures, decision times and the idea pages. Apart from the fixture city
    because these figures need a month with ideas in every state.
pilot city (tests/pilot_city.py)
    The fixture city's units with pilot projects (baselines, targets, results) and
    workshops, seminars and meetings: the pilot and activity pages. Apart so that the
    fixture city's figures stay as tests/fixtures.py says.
standings city (tests/standings_city.py)
    Units of very different sizes (3, a new unit, one with no staff) with ideas, milestones,
    workshops and practices across 2026: the incentive standings, where those edge cases are
    the point.
CSPS files (`csps`; tests/data/csps/)
    The real UK Civil Service People Survey files 2017–2019, byte for byte as published:
    the `csps` preset and the benchmark page.

A test never reads outside the repository: every city is built in pytest's temporary folders.
Opening a page with Streamlit's AppTest: tests/apptest.py `open_page`.

Markers (pyproject.toml): `browser` drives a real server in chromium; `slow` builds city-scale or
limit-sized data, or runs Pöhinä in another process (the command line, the API server).
`make test-fast` runs the rest on every core in under two minutes; `make test` runs everything.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config

from metrics import store
from metrics.imports import import_file
from tests.fixtures import PSEUDONYM_KEY, ROLES, TODAY, build_fixture_city


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Each new AppTest scans every installed package's metadata for Streamlit components, 0.4 s
    of CPU, half of what opening a page costs. The packages do not change while the tests run, so
    the first scan's answer is kept for the session (streamlit.components.v2.manifest_scanner,
    which Streamlit's component manager imports at each call)."""
    from streamlit.components.v2 import manifest_scanner

    scan = functools.cache(manifest_scanner.scan_component_manifests)
    patch = pytest.MonkeyPatch()
    patch.setattr(manifest_scanner, "scan_component_manifests", lambda **_: list(scan()))
    yield
    patch.undo()


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
def own_city(role_city_path, tmp_path):
    """This test's own copy of the fixture city with the role table (the tests write to it)."""
    path = tmp_path / "pohina.duckdb"
    shutil.copy(role_city_path, path)
    yield path
    store.close(path)


@pytest.fixture
def login_on(monkeypatch, streamlit_secrets):
    """The app behind its OIDC login (tests/test_access_setup.AUTH), with a pseudonym key for
    supports and comments."""
    from tests.test_access_setup import AUTH

    streamlit_secrets(AUTH)
    monkeypatch.setenv("POHINA_AUTH", "oidc")
    monkeypatch.setenv("POHINA_PSEUDONYM_KEY", PSEUDONYM_KEY)


@pytest.fixture
def writable_city(fixture_db_path, tmp_path):
    """A fresh fixture city of the test's own, for tests that write: a copy of the session's
    file (building it again for every test would cost a second each)."""
    path = tmp_path / "writable.duckdb"
    shutil.copy(fixture_db_path, path)
    yield store.connect(path)
    store.close(path)


@pytest.fixture(scope="session")
def empty_db_file(tmp_path_factory):
    """A closed new database, made once: each `empty_db` is a copy (migrating costs a second)."""
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    store.connect(path)
    store.close(path)
    return path


@pytest.fixture
def empty_db(empty_db_file, tmp_path):
    """A new database with the schema and nothing else: for imports that must start from
    nothing, and for tests that write (the fixture city is shared and must stay unchanged)."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(empty_db_file, path)
    yield store.connect(path)
    store.close(path)


@pytest.fixture(scope="session")
def csps() -> Path:
    """The folder of the real CSPS files, kept byte for byte as published (tests/data/csps,
    whose README gives their source and licence)."""
    return Path(__file__).resolve().parent / "data" / "csps"

"""Pages read the data version once a run (ui/data.py), and still see a write on the next run."""

from __future__ import annotations

import shutil

import pytest

from metrics import idea_actions, store
from tests.apptest import open_page
from tests.idea_city import idea_city_file


@pytest.fixture(scope="module")
def idea_city_path(tmp_path_factory):
    return idea_city_file(tmp_path_factory.mktemp("data_cache"))


@pytest.fixture
def db(idea_city_path, tmp_path):
    """This test's own copy of the idea city (the test writes to it)."""
    path = tmp_path / "ideas.duckdb"
    shutil.copyfile(idea_city_path, path)
    yield path
    store.close(path)


@pytest.fixture
def version_reads(monkeypatch) -> list[int]:
    """Every reading of store.data_version, in order."""
    reads: list[int] = []
    read = store.data_version

    def counted(con):
        reads.append(read(con))
        return reads[-1]

    monkeypatch.setattr(store, "data_version", counted)
    return reads


def test_a_unit_page_run_reads_the_data_version_once(city_path, monkeypatch, version_reads):
    # the page calls some twenty metrics through ui.data.cached; each reading is a query
    app = open_page(city_path, monkeypatch, "unit", unit="S1")
    assert app.metric  # the unit's figures are there
    version_reads.clear()
    app.run()
    assert not app.exception
    assert len(version_reads) == 1


def test_an_idea_written_between_runs_shows_on_the_next_run(db, monkeypatch, version_reads):
    app = open_page(db, monkeypatch, "pages/triage.py")
    assert "Uusi lukusali" not in app.dataframe[0].value["Otsikko"].tolist()
    idea_actions.submit_idea(
        store.connect(db), token="data-cache-test", title="Uusi lukusali", unit_id="A1"
    )
    app.run()
    assert "Uusi lukusali" in app.dataframe[0].value["Otsikko"].tolist()
    assert version_reads[-1] > version_reads[0]

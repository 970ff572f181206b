"""Backups taken and restored as the data page does it: a directory, or a downloaded zip."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import datetime

import pytest

from metrics import backups, store
from metrics.imports import import_file
from tests.snapshots import snapshot


@pytest.fixture
def db(fixture_db_path, tmp_path):
    path = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    yield path
    store.close(path)


def add_a_unit(con, tmp_path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("unit_id,name,headcount\nU9,Uusi,4\n")
    import_file(con, "units", path)


def test_a_downloaded_backup_zip_restores_the_data_it_was_taken_from(db, tmp_path):
    con = store.connect(db)
    before = snapshot(con)
    root = backups.backup_root(db)
    taken = backups.take(con, root, now=datetime(2026, 11, 27, 14, 3, 5))
    assert taken.name == "2026-11-27T14-03-05" and backups.available(root) == [taken.name]
    archive = backups.zip_bytes(taken)
    add_a_unit(con, tmp_path)
    backups.restore_zip(archive, db)
    assert snapshot(store.connect(db)) == before


def test_two_backups_in_the_same_second_do_not_collide(db):
    con, root, now = store.connect(db), backups.backup_root(db), datetime(2026, 11, 27, 14, 3, 5)
    first, second = backups.take(con, root, now), backups.take(con, root, now)
    assert (first.name, second.name) == ("2026-11-27T14-03-05", "2026-11-27T14-03-05-2")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"not a zip", "not a zip file", id="not-zip"),
        pytest.param({"notes.txt": "hello"}, "no schema.sql", id="not-a-backup"),
        pytest.param({"schema.sql": "", "../evil.sql": ""}, "outside itself", id="zip-slip"),
    ],
)
def test_a_zip_that_is_not_a_backup_is_refused_and_changes_nothing(db, content, message):
    if isinstance(content, dict):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, text in content.items():
                archive.writestr(name, text)
        content = buffer.getvalue()
    before = snapshot(store.connect(db))
    with pytest.raises(ValueError, match=message):
        backups.restore_zip(content, db)
    assert snapshot(store.connect(db)) == before

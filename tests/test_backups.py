"""Backups taken and restored as the data page does it: a directory, or a downloaded zip."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from datetime import datetime

import duckdb
import pytest

from metrics import backups, idea_actions, store, tokens
from metrics.imports import import_file
from tests.snapshots import data_tables, snapshot
from ui import i18n


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
        pytest.param({"notes.txt": "hello"}, "no manifest.json", id="not-a-backup"),
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


# --- a backup is data only: restore runs no statement from it and checks everything it loads ---

SECRET = "cookie_secret = 'forge-logins-8f2a'"


def backup_files(con, tmp_path) -> dict[str, bytes]:
    """The files of a new backup of `con`, by name."""
    taken = store.backup(con, tmp_path / "taken")
    return {path.name: path.read_bytes() for path in taken.iterdir()}


def zipped(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def edit_manifest(files: dict, change) -> dict:
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    return files | {"manifest.json": json.dumps(manifest)}


def rewrite(files: dict, name: str, select: str, tmp_path, *, rehash: bool) -> dict:
    """`files` with the Parquet file `name` written again from `select` over its old rows
    (read_parquet($old)); with `rehash`, its manifest hash is made to match."""
    old, new = tmp_path / "old.parquet", tmp_path / "new.parquet"
    old.write_bytes(files[name])
    con = duckdb.connect()
    con.execute(f"COPY ({select}) TO $new (FORMAT parquet)", {"old": str(old), "new": str(new)})
    con.close()
    changed = files | {name: new.read_bytes()}
    if not rehash:
        return changed
    digest = hashlib.sha256(changed[name]).hexdigest()
    return edit_manifest(
        changed, lambda m: m["tables"][name.removesuffix(".parquet")].update(sha256=digest)
    )


def refuse(db, archive: bytes, reason: str) -> None:
    """The restore of `archive` is refused for `reason` and leaves the database file byte for byte
    as it was, with no .restoring file beside it."""
    store.close(db)
    before = db.read_bytes()
    with pytest.raises(backups.BackupRefused) as refused:
        backups.restore_zip(archive, db)
    assert refused.value.reason == reason, refused.value
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".restoring").exists()


def secrets_file(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


def statements_reading(secrets, leak) -> dict[str, str]:
    """A backup that the old restore (IMPORT DATABASE) ran: its schema.sql copied the secrets into
    a table and into a file of the attacker's choosing (load.sql may hold only COPY ... FROM)."""
    return {
        "schema.sql": f"CREATE TABLE stolen AS SELECT content FROM read_text('{secrets}');\n"
        f"COPY (SELECT content FROM read_text('{secrets}')) TO '{leak}';\n",
        "load.sql": "",
    }


@pytest.mark.parametrize("alongside_a_manifest", [False, True], ids=["old-format", "with-manifest"])
def test_a_backup_with_statements_that_read_the_secrets_is_refused_and_runs_none(
    db, tmp_path, alongside_a_manifest
):
    leak = tmp_path / "leak.csv"
    files = statements_reading(secrets_file(tmp_path), leak)
    if alongside_a_manifest:
        files |= backup_files(store.connect(db), tmp_path)
    refuse(db, zipped(files), "unknown_file" if alongside_a_manifest else "old_format")
    assert SECRET not in repr(snapshot(store.connect(db)))
    assert not leak.exists()


def add_table(files: dict, tmp_path) -> dict:
    """A table Pöhinä does not have, listed with a file whose hash matches (a copy of roles)."""
    entry = json.loads(files["manifest.json"])["tables"]["roles"] | {"file": "stolen.parquet"}
    files = files | {"stolen.parquet": files["roles.parquet"]}
    return edit_manifest(files, lambda m: m["tables"].update(stolen=entry))


def without(files: dict, name: str) -> dict:
    return {other: content for other, content in files.items() if other != name}


def drop_table(files: dict, tmp_path) -> dict:
    return edit_manifest(without(files, "roles.parquet"), lambda m: m["tables"].pop("roles"))


TAMPERINGS = {
    "unknown_file": lambda files, tmp_path: files | {"notes.txt": b"hello"},
    "missing_file": lambda files, tmp_path: without(files, "ideas.parquet"),
    "unknown_table": add_table,
    "missing_table": drop_table,
    "hash": lambda files, tmp_path: rewrite(
        files,
        "ideas.parquet",
        "SELECT * REPLACE ('forged' AS title) FROM read_parquet($old)",
        tmp_path,
        rehash=False,
    ),
    "newer": lambda files, tmp_path: edit_manifest(
        files, lambda m: m.update(schema_version=len(store.MIGRATIONS) + 1)
    ),
    "manifest": lambda files, tmp_path: edit_manifest(files, lambda m: m.update(format_version=2)),
    "columns": lambda files, tmp_path: rewrite(
        files,
        "ideas.parquet",
        "SELECT *, 'x' AS secret FROM read_parquet($old)",
        tmp_path,
        rehash=True,
    ),
    "rows": lambda files, tmp_path: edit_manifest(
        files, lambda m: m["tables"]["ideas"].update(rows=m["tables"]["ideas"]["rows"] + 1)
    ),
    "sequences": lambda files, tmp_path: edit_manifest(
        files, lambda m: m["sequences"].update(stolen_seq=1)
    ),
}


@pytest.mark.parametrize("reason", list(TAMPERINGS))
def test_a_tampered_backup_is_refused_and_leaves_the_database_file_as_it_was(db, tmp_path, reason):
    files = backup_files(store.connect(db), tmp_path)
    refuse(db, zipped(TAMPERINGS[reason](files, tmp_path)), reason)


def test_a_retyped_column_is_refused(db, tmp_path):
    files = backup_files(store.connect(db), tmp_path)
    select = (
        "SELECT * REPLACE (CAST(submitted_on AS VARCHAR) AS submitted_on) FROM read_parquet($old)"
    )
    refuse(db, zipped(rewrite(files, "ideas.parquet", select, tmp_path, rehash=True)), "columns")


def test_a_backup_is_a_manifest_and_one_parquet_file_per_table(db, tmp_path):
    con = store.connect(db)
    files = backup_files(con, tmp_path)
    manifest = json.loads(files.pop("manifest.json"))
    tables = data_tables(con)
    assert sorted(files) == [f"{table}.parquet" for table in tables]
    assert (manifest["format"], manifest["schema_version"]) == (
        "pohina-backup",
        len(store.MIGRATIONS),
    )
    for table in tables:
        entry = manifest["tables"][table]
        assert entry["sha256"] == hashlib.sha256(files[entry["file"]]).hexdigest()
        assert entry["rows"] == store.read(con, f'SELECT count(*) FROM "{table}"').iloc[0, 0]


def test_a_restored_city_keeps_every_row_and_its_sequences_continue(db, tmp_path):
    con = store.connect(db)
    for token in ("t1", "t2"):
        idea_actions.submit_idea(con, token=token, title="Yhteinen kalenteri", unit_id="U1")
    before, counters = snapshot(con), backups.sequence_values(con)
    taken = store.backup(con, tmp_path / "taken")
    add_a_unit(con, tmp_path)
    store.close(db)
    replaced = db.read_bytes()
    store.restore(taken, db)
    assert db.with_name(db.name + ".before-restore").read_bytes() == replaced
    assert not db.with_name(db.name + ".restoring").exists()
    con = store.connect(db)
    assert snapshot(con) == before and backups.sequence_values(con) == counters
    (event_id,) = con.execute(
        "INSERT INTO idea_events (idea_id, changed_at, to_status)"
        " VALUES ('I-1', now()::TIMESTAMP, 'new') RETURNING event_id"
    ).fetchone()
    assert event_id > counters["idea_event_seq"]
    add_a_unit(con, tmp_path)  # the import log takes a fresh import_id


def test_a_restore_keeps_the_servers_api_tokens_not_the_backups(db, tmp_path):
    con = store.connect(db)
    revoked = tokens.create(con, "vanha", "import")
    taken = store.backup(con, tmp_path / "taken")
    tokens.revoke(con, "vanha")
    made_since = tokens.create(con, "uusi", "read")
    store.restore(taken, db)
    con = store.connect(db)
    assert tokens.verify(con, revoked) is None  # revoked after the backup: stays revoked
    assert tokens.verify(con, made_since).name == "uusi"


def test_a_backup_restored_on_a_new_server_brings_no_api_tokens(db, tmp_path):
    con = store.connect(db)
    secret = tokens.create(con, "vanha", "import")
    taken = store.backup(con, tmp_path / "taken")
    elsewhere = tmp_path / "new-server" / "pohina.duckdb"
    elsewhere.parent.mkdir()
    store.restore(taken, elsewhere)
    assert tokens.verify(store.connect(elsewhere), secret) is None
    store.close(elsewhere)


def test_a_backup_of_an_older_schema_is_upgraded_by_the_migrations(db, tmp_path):
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    store.schema_version(old)
    for number, script in enumerate(store.MIGRATIONS[:5], start=1):
        old.execute(script)
        old.execute("INSERT INTO schema_meta VALUES (?)", [number])
    taken = store.backup(old, tmp_path / "taken")
    old.close()
    assert json.loads((taken / "manifest.json").read_text())["schema_version"] == 5
    store.restore(taken, db)
    con = store.connect(db)
    assert store.schema_version(con) == len(store.MIGRATIONS)
    assert store.read(con, "SELECT count(*) AS n FROM roles")["n"][0] == 0


def test_every_restore_refusal_has_a_text_in_three_languages():
    texts = i18n.catalog()
    for reason in backups.REFUSALS:
        assert set(texts[f"data.restore.refused.{reason}"]) == {"fi", "sv", "en"}, reason

"""Backups: data only, written and restored without running a statement from the backup.

A backup is a directory holding `manifest.json` (format, schema version, every sequence's last
value, and for every table its file, row count, columns and SHA-256) and one Parquet file per
table. DuckDB's EXPORT and IMPORT DATABASE are not used: IMPORT runs the backup's own schema.sql,
so a crafted backup could copy any file the server can read (its secrets among them) into the
database or elsewhere.

Restore builds the schema from Pöhinä's own migrations into a new file beside the database,
loads only the tables those migrations make, with their columns checked, from files whose
hashes match the manifest, checks the row counts, runs the migrations the backup predates and
swaps the new file in; the old file stays beside it as `.before-restore`. Table, column and
sequence names come only from the migrated schema; file paths go in as bound parameters.

The data page keeps backups in a `backups` directory beside the database file, named by the
time they were taken, and offers each one as a zip file to download.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb

from metrics import store

FORMAT, FORMAT_VERSION = "pohina-backup", 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1_000_000
MAX_BACKUP_ZIP_MB = 2000
NOT_DATA = "schema_meta"  # the manifest's schema_version stands for it
OLD_FORMAT_FILES = ("schema.sql", "load.sql")
# The API's tokens are the server's credentials, not its data: a restore keeps those the server
# has now, so a token revoked after the backup was taken stays revoked (and one made since still
# works); a backup restored on a new server brings none.
TOKENS = "api_tokens"

# Why a backup is refused, in English (the command line); the data page shows the text
# data.restore.refused.<reason> from ui/locales/data.toml with the same {values}.
REFUSALS = {
    "not_zip": "not a zip file; choose a backup downloaded from this page",
    "paths": "the backup holds folders or paths outside itself; it is not a backup",
    "too_big": "the backup unpacks to more than {mb} MB",
    "not_backup": "not a Pöhinä backup: there is no manifest.json",
    "old_format": "the backup was made by an older Pöhinä that ran SQL on restore, so it is not"
    " loaded; take a new backup",
    "manifest": "manifest.json is not a manifest of a backup format this Pöhinä reads",
    "newer": "the backup is of schema version {version}, newer than this Pöhinä ({supported});"
    " update Pöhinä first",
    "unknown_file": "the backup holds a file its manifest does not list: {name}",
    "missing_file": "the file {name} listed in the manifest is missing",
    "hash": "the file {name} has changed since the backup was taken (its SHA-256 differs)",
    "unknown_table": "the backup lists a table Pöhinä does not have: {name}",
    "missing_table": "the backup lacks the table {name}",
    "columns": "the columns of the table {name} differ from Pöhinä's",
    "rows": "the table {name} loaded {loaded} rows where the manifest lists {listed}",
    "sequences": "the backup's sequences differ from Pöhinä's",
}


class BackupRefused(ValueError):
    """A backup restore will not load. `reason` keys REFUSALS (and the page's text), `values`
    fill it in; str() is the English text."""

    def __init__(self, reason: str, **values):
        super().__init__(REFUSALS[reason].format(**values))
        self.reason, self.values = reason, values


def backup_root(db: str | Path | None = None) -> Path:
    """The directory beside the database file that holds the page's backups."""
    return Path(db or store.db_path()).resolve().parent / "backups"


def available(root: Path) -> list[str]:
    """The backups in `root`, newest first (only directories that hold a manifest.json)."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if (p / MANIFEST).is_file()]
    return sorted(found, reverse=True)


def take(con: duckdb.DuckDBPyConnection, root: Path, now: datetime | None = None) -> Path:
    """Write a backup into a new directory under `root` named by the time (2026-11-27T14-03-05)."""
    name = (now or datetime.now()).strftime("%Y-%m-%dT%H-%M-%S")
    target = root / name
    suffix = 1
    while target.exists():
        suffix += 1
        target = root / f"{name}-{suffix}"
    return backup(con, target)


def backup(con: duckdb.DuckDBPyConnection, directory: str | Path) -> Path:
    """Write every table of the database to a new directory: a Parquet file each and the manifest.

    The tables are read in one transaction, so the files agree with each other; the manifest is
    written last, so a backup cut short is never listed or restored.
    """
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; back up into a new directory")
    target.mkdir(parents=True, exist_ok=True)
    con.cursor().execute("CHECKPOINT").close()
    version = store.schema_version(con)
    tables = {}
    with store.transaction(con) as cur:
        known = table_columns(cur)
        for name, columns in known.items():
            path = target / f"{name}.parquet"
            table = store.quote_identifier(name, set(known))
            (rows,) = cur.execute(
                f"COPY (SELECT * FROM {table}) TO ? (FORMAT parquet)", [str(path)]
            ).fetchone()
            tables[name] = {
                "file": path.name,
                "rows": rows,
                "sha256": _sha256(path),
                "columns": [column for column, _ in columns],
            }
        sequences = sequence_values(cur)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": version,
        "created_at": datetime.now().isoformat(timespec="seconds"),
        "tables": tables,
        "sequences": sequences,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return target


def table_columns(con) -> dict[str, list[tuple[str, str]]]:
    """The database's own base tables (schema_meta aside), each with its columns and their types
    in table order: the only names backup and restore put into SQL."""
    rows = con.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c"
        " JOIN duckdb_tables() t USING (database_name, schema_name, table_name)"
        " WHERE c.database_name = current_database() AND c.schema_name = 'main'"
        " AND c.table_name <> ? ORDER BY c.table_name, c.column_index",
        [NOT_DATA],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def sequence_values(con) -> dict[str, int | None]:
    """Each sequence of the database and the last value it gave (None: it gave none yet)."""
    rows = con.execute(
        "SELECT sequence_name, last_value FROM duckdb_sequences()"
        " WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()
    return dict(rows)


def zip_bytes(directory: Path) -> bytes:
    """A backup directory as a zip file (its files at the top level)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            if path.is_file():
                archive.write(path, arcname=path.name)
    return buffer.getvalue()


def restore_zip(data: bytes, db: str | Path | None = None) -> Path:
    """Replace the database from a backup zip (as zip_bytes writes it).

    The zip's names are checked against its manifest before anything is unpacked; `restore`
    then checks the unpacked backup as it checks a directory.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BackupRefused("not_zip") from None
    with archive, tempfile.TemporaryDirectory() as work:
        names = archive.namelist()
        if any(n.startswith(("/", "\\")) or ".." in Path(n).parts or "/" in n for n in names):
            raise BackupRefused("paths")
        _refuse_without_manifest(names)
        if sum(i.file_size for i in archive.infolist()) > MAX_BACKUP_ZIP_MB * 1e6:
            raise BackupRefused("too_big", mb=MAX_BACKUP_ZIP_MB)
        if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
            raise BackupRefused("manifest")
        _check_names(set(names), _parse_manifest(archive.read(MANIFEST)))
        archive.extractall(work)
        return restore(work, db)


def restore(directory: str | Path, db: str | Path | None = None) -> Path:
    """Replace the database file with a backup; the old file is kept beside it as .before-restore.

    The backup is loaded into `<db>.restoring` first and swapped in only when every check
    passed, so a refused or broken backup leaves the database file as it was.
    """
    source = Path(directory)
    manifest = read_manifest(source)
    if any(not path.is_file() for path in source.iterdir()):
        raise BackupRefused("paths")
    _check_names({path.name for path in source.iterdir()}, manifest)
    for entry in manifest["tables"].values():
        if _sha256(source / entry["file"]) != entry["sha256"]:
            raise BackupRefused("hash", name=entry["file"])
    target = Path(db or store.db_path()).resolve()
    tokens = _server_tokens(target)
    fresh = target.with_name(target.name + ".restoring")
    _remove(fresh)
    try:
        _build(fresh, source, manifest, tokens)
        _swap(fresh, target)
    except BaseException:
        _remove(fresh)
        raise
    return target


def read_manifest(source: Path) -> dict:
    """The backup directory's manifest, checked for its shape, format and schema version."""
    _refuse_without_manifest([p.name for p in source.iterdir()])
    path = source / MANIFEST
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise BackupRefused("manifest")
    return _parse_manifest(path.read_bytes())


def _refuse_without_manifest(names: list[str]) -> None:
    if MANIFEST in names:
        return
    if any(name in OLD_FORMAT_FILES for name in names):
        raise BackupRefused("old_format")
    raise BackupRefused("not_backup")


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError):
        raise BackupRefused("manifest") from None
    if not (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and manifest.get("format_version") == FORMAT_VERSION
        and _is_count(manifest.get("schema_version"))
        and manifest["schema_version"] >= 1
        and isinstance(manifest.get("tables"), dict)
        and all(_entry_ok(name, entry) for name, entry in manifest["tables"].items())
        and isinstance(manifest.get("sequences"), dict)
        and all(v is None or _is_count(v) for v in manifest["sequences"].values())
    ):
        raise BackupRefused("manifest")
    if manifest["schema_version"] > len(store.MIGRATIONS):
        raise BackupRefused(
            "newer", version=manifest["schema_version"], supported=len(store.MIGRATIONS)
        )
    return manifest


def _entry_ok(name: str, entry) -> bool:
    """A table's entry names its own file (<table>.parquet) and holds a count, a hash, columns."""
    return (
        isinstance(entry, dict)
        and entry.get("file") == f"{name}.parquet"
        and _is_count(entry.get("rows"))
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("columns"), list)
        and all(isinstance(column, str) for column in entry["columns"])
    )


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_names(names: set[str], manifest: dict) -> None:
    """The backup holds the manifest and the files it lists, and nothing else."""
    listed = {entry["file"] for entry in manifest["tables"].values()}
    if extra := sorted(names - listed - {MANIFEST}):
        raise BackupRefused("unknown_file", name=extra[0])
    if missing := sorted(listed - names):
        raise BackupRefused("missing_file", name=missing[0])


def _server_tokens(target: Path):
    """The API tokens of the database a restore replaces: none if there is no database yet, or
    if it does not open (a restore may be how a broken file is mended)."""
    if not target.exists():
        return None
    try:
        return store.read(store.connect(target), f"SELECT * FROM {TOKENS}")
    except duckdb.Error:
        store.close(target)
        return None


def _build(fresh: Path, source: Path, manifest: dict, tokens) -> None:
    """The new database: the migrations up to the backup's version, its data, then the rest;
    and the API tokens the server has now, not the backup's (see TOKENS)."""
    con = duckdb.connect(str(fresh))
    try:
        _migrate_to(con, manifest["schema_version"])
        with store.transaction(con) as cur:
            _load(cur, source, manifest["tables"])
            _continue_sequences(cur, manifest["sequences"])
        store.migrate(con)
        with store.transaction(con) as cur:
            cur.execute(f"DELETE FROM {TOKENS}")
            if tokens is not None and len(tokens):
                cur.register("server_tokens", tokens)
                cur.execute(f"INSERT INTO {TOKENS} SELECT * FROM server_tokens")
    finally:
        con.close()


def _migrate_to(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """store.migrate, stopped at `version`: the schema the backup was taken from."""
    store.schema_version(con)
    for number, script in enumerate(store.MIGRATIONS[:version], start=1):
        with store.transaction(con) as cur:
            cur.execute(script)
            cur.execute("INSERT INTO schema_meta VALUES (?)", [number])


def _load(cur, source: Path, listed: dict) -> None:
    """Fill each table of the migrated schema from its Parquet file, replacing the rows the
    migrations seed; its columns and row count must be those the manifest lists."""
    known = table_columns(cur)
    if unknown := sorted(set(listed) - set(known)):
        raise BackupRefused("unknown_table", name=unknown[0])
    if missing := sorted(set(known) - set(listed)):
        raise BackupRefused("missing_table", name=missing[0])
    for name, columns in known.items():
        path = str(source / f"{name}.parquet")
        found = cur.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
        names = [column for column, _ in columns]
        if [tuple(row[:2]) for row in found] != columns or listed[name]["columns"] != names:
            raise BackupRefused("columns", name=name)
        table = store.quote_identifier(name, set(known))
        quoted = ", ".join(store.quote_identifier(c, set(names)) for c in names)
        cur.execute(f"DELETE FROM {table}")
        cur.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM read_parquet(?)", [path])
        (loaded,) = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
        if loaded != listed[name]["rows"]:
            raise BackupRefused("rows", name=name, loaded=loaded, listed=listed[name]["rows"])


def _continue_sequences(cur, recorded: dict[str, int | None]) -> None:
    """Set every sequence past the value the backup recorded for it and past the largest id the
    loaded rows took from it (read from the columns' defaults), so the next row gets a fresh id."""
    if set(recorded) != set(sequence_values(cur)):
        raise BackupRefused("sequences")
    known = table_columns(cur)
    largest = {name: value or 0 for name, value in recorded.items()}
    defaults = cur.execute(
        "SELECT table_name, column_name, column_default FROM duckdb_columns()"
        " WHERE database_name = current_database() AND column_default LIKE 'nextval(%'"
    ).fetchall()
    for table, column, default in defaults:
        drawn = re.fullmatch(r"nextval\('(.+)'\)", default)
        if table not in known or drawn is None or drawn[1] not in largest:
            continue
        allowed = {name for name, _ in known[table]}
        (value,) = cur.execute(
            f"SELECT max({store.quote_identifier(column, allowed)})"
            f" FROM {store.quote_identifier(table, set(known))}"
        ).fetchone()
        largest[drawn[1]] = max(value or 0, largest[drawn[1]])
    for sequence, value in largest.items():
        if value:
            cur.execute("SELECT setval(?, ?)", [sequence, value])


def _swap(fresh: Path, target: Path) -> None:
    """Put the restored file in place in one rename; the old file stays as .before-restore (a
    hard link to it, made while it is closed, so there is never a moment without a database)."""
    store.close(target)
    if target.exists():
        kept = target.with_name(target.name + ".before-restore")
        kept.unlink(missing_ok=True)
        os.link(target, kept)
    os.replace(fresh, target)


def _remove(fresh: Path) -> None:
    fresh.unlink(missing_ok=True)
    fresh.with_name(fresh.name + ".wal").unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()

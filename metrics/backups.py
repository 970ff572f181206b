"""Backups the data page takes and restores: store.backup directories, listed, zipped, unzipped.

A backup is a directory written by DuckDB's EXPORT DATABASE (schema.sql, load.sql and a Parquet
file per table). The page keeps them in a `backups` directory beside the database file, named
by the time they were taken, and offers each one as a zip file to download.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb

from metrics import store

MAX_BACKUP_ZIP_MB = 2000


def backup_root(db: str | Path | None = None) -> Path:
    """The directory beside the database file that holds the page's backups."""
    return Path(db or store.db_path()).resolve().parent / "backups"


def available(root: Path) -> list[str]:
    """The backups in `root`, newest first (only directories that hold a schema.sql)."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if (p / "schema.sql").is_file()]
    return sorted(found, reverse=True)


def take(con: duckdb.DuckDBPyConnection, root: Path, now: datetime | None = None) -> Path:
    """Write a backup into a new directory under `root` named by the time (2026-11-27T14-03-05)."""
    name = (now or datetime.now()).strftime("%Y-%m-%dT%H-%M-%S")
    target = root / name
    suffix = 1
    while target.exists():
        suffix += 1
        target = root / f"{name}-{suffix}"
    return store.backup(con, target)


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

    Refuses a zip that is not a Pöhinä backup (no schema.sql at its top level) or that holds
    paths outside itself; the database stays as it was then.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("not a zip file; choose a backup downloaded from this page") from None
    with archive, tempfile.TemporaryDirectory() as work:
        names = archive.namelist()
        if "schema.sql" not in names:
            raise ValueError("not a Pöhinä backup: the zip has no schema.sql")
        if any(n.startswith(("/", "\\")) or ".." in Path(n).parts or "/" in n for n in names):
            raise ValueError("the zip holds folders or paths outside itself; it is not a backup")
        if sum(i.file_size for i in archive.infolist()) > MAX_BACKUP_ZIP_MB * 1e6:
            raise ValueError(f"the backup unpacks to more than {MAX_BACKUP_ZIP_MB} MB")
        archive.extractall(work)
        return store.restore(work, db)

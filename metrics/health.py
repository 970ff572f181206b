"""Is the database there: what the server's health check and a monitoring job may know.

No figures and no names: only that the database opens, its schema version and when a file was
last loaded.
"""

from __future__ import annotations

from datetime import datetime

import duckdb


def health(con: duckdb.DuckDBPyConnection) -> dict:
    """{"schema_version": int, "last_import_at": datetime | None} (the latest loaded file's
    time; refused files change nothing and do not count)."""
    cur = con.cursor()
    try:
        version, last = cur.execute(
            "SELECT (SELECT max(version) FROM schema_meta),"
            " (SELECT max(imported_at) FROM import_log)"
        ).fetchone()
    finally:
        cur.close()
    return {"schema_version": version, "last_import_at": last}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None

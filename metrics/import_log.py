"""What was imported: loaded files in the database's import_log, refused ones in a journal.

A refused file must leave the database exactly as it was (docs/data-contract.md), its log
included, so its record is kept outside it: in a JSON-lines refusal journal beside the database
file. import_log reads both in one shape.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from metrics import store
from metrics.validation import ImportRejected

_LOG_SQL = """
INSERT INTO import_log (imported_at, kind, file_name, content_sha256, rows_added, rows_updated,
    imported_by, preset, rows_rejected, problems, refused, report)
VALUES (current_timestamp, $kind, $file_name, $sha, $added, $updated, $by, $preset, 0, 0, false,
    $report)
"""


def log_loaded(
    cur,
    *,
    kind: str,
    file_name: str,
    content_sha256: str,
    added: int,
    updated: int,
    imported_by: str | None,
    preset: str | None,
    report: str | None,
) -> None:
    """Record one kind's part of a loaded file in import_log, inside the write's transaction."""
    cur.execute(
        _LOG_SQL,
        {
            "kind": kind,
            "file_name": file_name,
            "sha": content_sha256,
            "added": added,
            "updated": updated,
            "by": imported_by,
            "preset": preset,
            "report": report,
        },
    )


def refusal_journal(con: duckdb.DuckDBPyConnection) -> Path:
    """Where refused files are recorded: a JSON-lines file beside the database file."""
    cur = con.cursor()
    try:
        (path,) = cur.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    finally:
        cur.close()
    return Path(path).with_name(Path(path).name + ".refused.jsonl")


def log_refused(
    con: duckdb.DuckDBPyConnection, refused: ImportRejected, *, imported_by: str | None = None
) -> None:
    """Record a refused file in the refusal journal: every data row rejected, and the report."""
    entry = {
        "imported_at": datetime.now().isoformat(timespec="microseconds"),
        "kind": getattr(refused, "kind", ""),
        "preset": getattr(refused, "preset", None),
        "file_name": refused.file_name,
        "content_sha256": getattr(refused, "content_sha256", ""),
        "rows_added": 0,
        "rows_updated": 0,
        "rows_rejected": getattr(refused, "rows", 0),
        "refused": True,
        "problems": len(refused.errors) + refused.unlisted,
        "imported_by": imported_by,
        "report": refused.report(),
    }
    with refusal_journal(con).open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(entry, ensure_ascii=False) + "\n")


IMPORT_LOG_SQL = """
SELECT imported_at, kind, preset, file_name, content_sha256, rows_added, rows_updated,
       coalesce(rows_rejected, 0) AS rows_rejected, coalesce(refused, false) AS refused,
       coalesce(problems, 0) AS problems, imported_by, report
FROM import_log
ORDER BY import_id DESC
LIMIT $limit
"""


def import_log(con: duckdb.DuckDBPyConnection, *, limit: int = 200) -> pd.DataFrame:
    """The latest imports, loaded and refused, newest first.

    Columns: imported_at (timestamp), kind, preset, file_name, content_sha256 (hex), rows_added,
    rows_updated, rows_rejected (rows of a refused file: all of them, since a file loads all or
    nothing), refused (bool), problems (how many the refusal report named), imported_by, report.
    Loaded files come from the database's import_log; refused ones from the refusal journal.
    """
    loaded = store.read(con, IMPORT_LOG_SQL, {"limit": limit})
    journal = refusal_journal(con)
    if not journal.exists():
        return loaded
    lines = journal.read_text("utf-8").splitlines()[-limit:]
    refused = pd.DataFrame([json.loads(line) for line in lines], columns=loaded.columns)
    refused["imported_at"] = pd.to_datetime(refused["imported_at"])
    both = pd.concat([loaded, refused], ignore_index=True) if len(loaded) else refused
    return both.sort_values("imported_at", ascending=False, ignore_index=True).head(limit)

"""'The database stayed exactly as it was', checked by content, table by table."""

from __future__ import annotations

# The schema version is not data; everything else, the import log included, must stay as it was.
NOT_DATA = {"schema_meta"}
# What a successful load adds besides data: a round trip compares the data without it.
LOGS = {"import_log"}


def data_tables(con, *, logs: bool = True) -> list[str]:
    """Every base table of the database (without the logs if asked): new tables included."""
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            " ORDER BY table_name"
        ).fetchall()
    finally:
        cur.close()
    left_out = NOT_DATA if logs else NOT_DATA | LOGS
    return [name for (name,) in rows if name not in left_out]


def snapshot(con, *, logs: bool = True) -> dict[str, list[str]]:
    """Every table's rows, sorted, keyed by table name."""
    cur = con.cursor()
    try:
        return {
            table: sorted(map(repr, cur.execute(f'SELECT * FROM "{table}"').fetchall()))
            for table in data_tables(con, logs=logs)
        }
    finally:
        cur.close()

"""'The database stayed exactly as it was', checked by content, table by table."""

from __future__ import annotations

# The schema version is not data; everything else, the import log included, must stay as it was.
NOT_DATA = {"schema_meta"}


def data_tables(con) -> list[str]:
    """Every base table of the database: new tables are included as they come."""
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            " ORDER BY table_name"
        ).fetchall()
    finally:
        cur.close()
    return [name for (name,) in rows if name not in NOT_DATA]


def snapshot(con) -> dict[str, list[str]]:
    """Every data table's rows, sorted, keyed by table name."""
    cur = con.cursor()
    try:
        return {
            table: sorted(map(repr, cur.execute(f'SELECT * FROM "{table}"').fetchall()))
            for table in data_tables(con)
        }
    finally:
        cur.close()

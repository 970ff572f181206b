"""The DuckDB store: the one place that opens the database, owns the schema and runs writes.

DuckDB rules this module keeps (docs/design.md, Architecture):
- one connection per database file per process; every query takes a fresh cursor, because
  sharing one cursor across Streamlit's session threads returns wrong results silently;
- every write runs in an explicit transaction that is rolled back on any error, because after
  an error DuckDB's COMMIT silently rolls back and would hide the first error.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data/pohina.duckdb")
HOME_ORG_ID = "HOME"
RETRY_ATTEMPTS = 12  # a transaction refused for a conflict is run again this many times at most

_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()

# Forward migrations: each entry moves the schema from version i to i + 1. Never edit an entry
# that has shipped; append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE organisations (
        org_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        group_name VARCHAR,
        home BOOLEAN NOT NULL DEFAULT false
    );
    CREATE TABLE units (
        unit_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        parent_id VARCHAR,
        org_id VARCHAR NOT NULL,
        head_email VARCHAR,
        change_agent VARCHAR
    );
    -- headcount history: the latest row per unit on a date is its headcount then;
    -- as_of NULL means "from the beginning".
    CREATE TABLE unit_headcounts (
        unit_id VARCHAR NOT NULL,
        as_of DATE,
        headcount INTEGER NOT NULL,
        supervisors INTEGER
    );
    CREATE TABLE ideas (
        idea_id VARCHAR PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        submitted_on DATE NOT NULL,
        title VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        description VARCHAR,
        category VARCHAR,
        status_changed_on DATE,
        decided_on DATE,
        implemented_on DATE,
        submitter VARCHAR,
        anonymous BOOLEAN NOT NULL DEFAULT false,
        merged_into VARCHAR,
        team_id VARCHAR,
        benefit_hours_per_year DOUBLE,
        benefit_eur_per_year DOUBLE
    );
    CREATE TABLE survey_rounds (
        round_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        closed_on DATE NOT NULL,
        opened_on DATE
    );
    CREATE TABLE survey_items (
        item_id VARCHAR PRIMARY KEY,
        text_fi VARCHAR NOT NULL,
        text_en VARCHAR,
        text_sv VARCHAR,
        indicator VARCHAR NOT NULL,
        scale_max INTEGER NOT NULL DEFAULT 5,
        reverse BOOLEAN NOT NULL DEFAULT false
    );
    -- one row per respondent and answered item; empty answers are not stored
    CREATE TABLE survey_answers (
        round_id VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        respondent VARCHAR NOT NULL,
        item_id VARCHAR NOT NULL,
        value TINYINT NOT NULL
    );
    CREATE TABLE survey_results (
        round_id VARCHAR NOT NULL,
        unit_id VARCHAR,
        org_id VARCHAR,
        item_id VARCHAR,
        indicator VARCHAR,
        favourable_pct DOUBLE,
        mean DOUBLE,
        n INTEGER,
        response_rate DOUBLE,
        suppressed BOOLEAN NOT NULL DEFAULT false
    );
    CREATE TABLE teams (
        team_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        started_on DATE,
        ended_on DATE,
        change_agent VARCHAR
    );
    CREATE TABLE projects (
        project_id VARCHAR PRIMARY KEY,
        team_id VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        goal VARCHAR,
        phase VARCHAR,
        started_on DATE,
        due_on DATE,
        done_on DATE,
        progress_pct DOUBLE,
        measure VARCHAR,
        baseline_value DOUBLE,
        target_value DOUBLE,
        result_value DOUBLE
    );
    CREATE TABLE milestones (
        milestone_id VARCHAR PRIMARY KEY,
        project_id VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        due_on DATE,
        reached_on DATE
    );
    CREATE TABLE activities (
        activity_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        held_on DATE NOT NULL,
        title VARCHAR NOT NULL,
        unit_id VARCHAR,
        org_id VARCHAR,
        participants INTEGER,
        supervisors INTEGER
    );
    CREATE TABLE practices (
        practice_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        summary VARCHAR NOT NULL,
        unit_id VARCHAR,
        org_id VARCHAR,
        idea_id VARCHAR,
        project_id VARCHAR,
        tags VARCHAR,
        published_on DATE
    );
    CREATE SEQUENCE import_log_seq;
    CREATE TABLE import_log (
        import_id BIGINT PRIMARY KEY DEFAULT nextval('import_log_seq'),
        imported_at TIMESTAMP NOT NULL,
        kind VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        content_sha256 VARCHAR NOT NULL,
        rows_added INTEGER NOT NULL,
        rows_updated INTEGER NOT NULL,
        imported_by VARCHAR
    );
    -- every unit paired with itself and each unit below it: "a unit with all units below it"
    CREATE VIEW unit_closure AS
    WITH RECURSIVE closure(ancestor_id, unit_id) AS (
        SELECT unit_id, unit_id FROM units
        UNION ALL
        SELECT c.ancestor_id, u.unit_id FROM closure c JOIN units u ON u.parent_id = c.unit_id
    )
    SELECT * FROM closure;
    INSERT INTO organisations VALUES ('HOME', 'Kotiorganisaatio', NULL, true);
    """,
    # 2: the ideas' event log (every submission and status change: who, when, from, to, note)
    # and the idempotency tokens of ideas sent through the form (a resend finds its idea).
    """
    CREATE SEQUENCE idea_event_seq;
    CREATE TABLE idea_events (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('idea_event_seq'),
        idea_id VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR,  -- NULL for a submission: a submitter is never recorded here
        from_status VARCHAR,  -- NULL for a submission
        to_status VARCHAR NOT NULL,
        merged_into VARCHAR,
        note VARCHAR
    );
    CREATE TABLE idea_submissions (
        token VARCHAR PRIMARY KEY,
        idea_id VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL
    );
    """,
    # 3: the import log records the preset a file was read through. The refusal columns stay
    # false/0 here: a refused file leaves the database as it was and is journalled beside it
    # (metrics.imports.refusal_journal); import_log() reads both in the same shape.
    """
    ALTER TABLE import_log ADD COLUMN preset VARCHAR;
    ALTER TABLE import_log ADD COLUMN rows_rejected INTEGER DEFAULT 0;
    ALTER TABLE import_log ADD COLUMN problems INTEGER DEFAULT 0;
    ALTER TABLE import_log ADD COLUMN refused BOOLEAN DEFAULT false;
    ALTER TABLE import_log ADD COLUMN report VARCHAR;
    """,
    # 4: survey sums per unit, round and indicator, kept by the importer, so that no page has
    # to count 12 million answers (the pooled figures of any group are sums of these).
    """
    CREATE TABLE survey_unit_sums (
        round_id VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        indicator VARCHAR NOT NULL,
        respondents BIGINT NOT NULL,
        answers BIGINT NOT NULL,
        favourable BIGINT NOT NULL,
        value_sum BIGINT NOT NULL
    );
    -- filled once from the answers already loaded; a frozen copy of import_write.UNIT_SUMS_SQL
    INSERT INTO survey_unit_sums
    SELECT round_id, unit_id, indicator, count(DISTINCT respondent), count(*),
           count(*) FILTER (WHERE value >= scale_max - 1), sum(value)
    FROM (
        SELECT a.round_id, a.unit_id, a.respondent, i.indicator, i.scale_max,
               CASE WHEN i.reverse THEN i.scale_max + 1 - a.value ELSE a.value END AS value
        FROM survey_answers a JOIN survey_items i USING (item_id)
    )
    GROUP BY ALL;
    """,
    # 5: benchmarks and the good-practice guide. A preset's source and licence credit are kept
    # with the data they loaded (data_sources; organisations.source_id names it), and a
    # preset's aggregate rows (a published median or mean: a reference, not an organisation)
    # are flagged. A practice may say its origin (idea, project, seminar, other); practices
    # added in the app are logged in practice_events (who, when), which keys the caches too.
    """
    CREATE TABLE data_sources (
        source_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        source VARCHAR,
        attribution VARCHAR
    );
    ALTER TABLE organisations ADD COLUMN source_id VARCHAR;
    ALTER TABLE organisations ADD COLUMN aggregate BOOLEAN DEFAULT false;
    ALTER TABLE practices ADD COLUMN origin VARCHAR;
    CREATE SEQUENCE practice_event_seq;
    CREATE TABLE practice_events (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('practice_event_seq'),
        practice_id VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR,
        action VARCHAR NOT NULL,
        token VARCHAR
    );
    """,
    # 6: the role table (access control when the app runs with a login): who may see what. An
    # e-mail (lower case) has one role; a unit head's or change agent's units are unit ids
    # separated by ';' (each with every unit below it). Loaded as the `roles` kind, which
    # replaces the whole table: someone left out of the file loses access.
    """
    CREATE TABLE roles (
        email VARCHAR PRIMARY KEY,
        role VARCHAR NOT NULL,
        units VARCHAR
    );
    """,
    # idea sends: ideas sent through the form take their numbers from a sequence, so
    # parallel sends never collide on "the year's highest + 1" (a number already taken, e.g.
    # by a form idea sent before this, moves the sequence past it: idea_actions.next_idea_id);
    # and a signed-in person's sends of the day are counted for the daily limit, keyed by a
    # keyed hash of the person and the day, never the e-mail (idea_actions.send_counter_key).
    """
    CREATE SEQUENCE IF NOT EXISTS idea_number_seq;
    CREATE TABLE IF NOT EXISTS idea_send_counts (
        day DATE NOT NULL,
        person VARCHAR NOT NULL,
        sends INTEGER NOT NULL,
        PRIMARY KEY (day, person)
    );
    """,
    # the unit tree's shared pieces, defined once in SQL (metrics/units.py names them):
    # headcount_on(day) — each unit's staff and supervisors on a day (the latest headcount row
    # dated on or before it); home_units — the home organisation's units; leaf_units — home
    # units without sub-units (the units staff work in).
    """
    CREATE MACRO headcount_on(day) AS TABLE
        SELECT unit_id, headcount, supervisors FROM (
            SELECT unit_id, headcount, supervisors,
                   row_number() OVER (PARTITION BY unit_id ORDER BY as_of DESC NULLS LAST)
                       AS latest
            FROM unit_headcounts WHERE as_of IS NULL OR as_of <= day
        ) WHERE latest = 1;
    CREATE VIEW home_units AS
        SELECT u.unit_id, u.parent_id FROM units u JOIN organisations o USING (org_id)
        WHERE o.home;
    CREATE VIEW leaf_units AS
        SELECT h.unit_id FROM home_units h
        WHERE NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = h.unit_id);
    """,
    # frozen survey rounds: a round's unit tree as it was when data about its units was first
    # loaded (survey_round_units; metrics.survey reads a round's figures on it, so later moves
    # change none of them), and when its answers were first loaded (survey_round_loads), which
    # opens the window in which they may be replaced (survey.correction_window_days). Rounds
    # already loaded are frozen on today's units, the best knowledge there is; their first load
    # is the earliest responses load in the import log, no later than the real one, so their
    # window can only be shorter than it was.
    """
    CREATE TABLE IF NOT EXISTS survey_round_loads (
        round_id VARCHAR PRIMARY KEY,
        frozen_at TIMESTAMP NOT NULL,  -- when its unit tree was taken
        first_loaded_at TIMESTAMP  -- when its answers were first loaded (NULL: none yet)
    );
    CREATE TABLE IF NOT EXISTS survey_round_units (
        round_id VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        parent_id VARCHAR,
        org_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        PRIMARY KEY (round_id, unit_id)
    );
    INSERT INTO survey_round_loads
    SELECT round_id, current_timestamp,
           CASE WHEN round_id IN (SELECT round_id FROM survey_answers) THEN (
               SELECT min(imported_at) FROM import_log WHERE kind = 'survey_responses'
           ) END
    FROM (
        SELECT round_id FROM survey_answers
        UNION SELECT round_id FROM survey_results WHERE unit_id IS NOT NULL
    )
    WHERE round_id NOT IN (SELECT round_id FROM survey_round_loads);
    INSERT INTO survey_round_units
    SELECT l.round_id, u.unit_id, u.parent_id, u.org_id, u.name
    FROM survey_round_loads l CROSS JOIN units u
    WHERE l.round_id NOT IN (SELECT round_id FROM survey_round_units)
    ORDER BY l.round_id, u.rowid;  -- kept in the units' order: suppression follows it
    """,
    # bearer tokens of the server's API (metrics/tokens.py): a name, a scope (import or read)
    # and the SHA-256 of the secret, which is shown once and never stored. IF NOT EXISTS, so the
    # step means the same wherever it lands among migrations appended at the same time.
    """
    CREATE TABLE IF NOT EXISTS api_tokens (
        name VARCHAR PRIMARY KEY,
        scope VARCHAR NOT NULL,
        token_sha256 VARCHAR NOT NULL UNIQUE,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        last_used_at TIMESTAMP
    );
    """,
    # the steering group's meetings (the `meetings` kind): a meeting pack covers the days since
    # the previous meeting (metrics.meetings). IF NOT EXISTS: the step means the same wherever
    # it lands among migrations appended at the same time.
    """
    CREATE TABLE IF NOT EXISTS meetings (
        meeting_id VARCHAR PRIMARY KEY,
        held_on DATE NOT NULL,
        title VARCHAR
    );
    """,
    # units' actions on their survey results (the `actions` kind, metrics.actions), and the log
    # of actions created or edited in the app (who, when), which keys the caches too
    # (data_version). IF NOT EXISTS: the step means the same wherever it lands among migrations
    # appended at the same time.
    """
    CREATE TABLE IF NOT EXISTS actions (
        action_id VARCHAR PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        round_id VARCHAR NOT NULL,
        indicator VARCHAR NOT NULL,
        item_id VARCHAR,
        title VARCHAR NOT NULL,
        owner VARCHAR NOT NULL,
        created_on DATE NOT NULL,
        due_on DATE NOT NULL,
        status VARCHAR NOT NULL,
        practice_id VARCHAR,
        project_id VARCHAR,
        published BOOLEAN NOT NULL DEFAULT false
    );
    CREATE SEQUENCE IF NOT EXISTS action_event_seq;
    CREATE TABLE IF NOT EXISTS action_events (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('action_event_seq'),
        action_id VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR,
        change VARCHAR NOT NULL,  -- created or edited
        status VARCHAR
    );
    """,
    # staff take part in ideas (metrics.idea_talk, metrics.campaigns): supports (one per person
    # and idea, the person only as idea_actions.pseudonym), comments with one level of replies
    # (a hidden one keeps its text for the admin, with who hid it and why), campaigns (the
    # `campaigns` kind, or opened in the app), an idea's campaign and its responsible person.
    # Every write in the app, a withdrawn support too, appends to idea_talk_events, which keys
    # the caches (data_version). IF NOT EXISTS: the step means the same wherever it lands among
    # migrations appended at the same time.
    """
    CREATE SEQUENCE IF NOT EXISTS idea_talk_event_seq;
    CREATE TABLE IF NOT EXISTS idea_talk_events (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('idea_talk_event_seq'),
        happened_at TIMESTAMP NOT NULL,
        action VARCHAR NOT NULL,  -- support, withdraw, comment, hide, responsible, campaign
        idea_id VARCHAR,
        comment_id BIGINT,
        campaign_id VARCHAR,
        done_by VARCHAR,  -- who hid, named the responsible or opened a campaign; never a supporter
        note VARCHAR
    );
    CREATE TABLE IF NOT EXISTS idea_supports (
        idea_id VARCHAR NOT NULL,
        supporter VARCHAR NOT NULL,  -- idea_actions.pseudonym of the person, never shown
        supported_on DATE NOT NULL,
        PRIMARY KEY (idea_id, supporter)
    );
    CREATE SEQUENCE IF NOT EXISTS idea_comment_seq;
    CREATE TABLE IF NOT EXISTS idea_comments (
        comment_id BIGINT PRIMARY KEY DEFAULT nextval('idea_comment_seq'),
        idea_id VARCHAR NOT NULL,
        reply_to BIGINT,  -- NULL for a comment, else the comment it answers (one level)
        posted_at TIMESTAMP NOT NULL,
        body VARCHAR NOT NULL,
        anonymous BOOLEAN NOT NULL,
        author_name VARCHAR,  -- the name a named comment shows; NULL when anonymous
        author VARCHAR,  -- a named commenter's pseudonym (what they follow); NULL when anonymous
        token VARCHAR UNIQUE,  -- the form's idempotency key
        hidden_at TIMESTAMP,
        hidden_by VARCHAR,
        hidden_reason VARCHAR
    );
    CREATE TABLE IF NOT EXISTS campaigns (
        campaign_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        why VARCHAR,
        units VARCHAR,  -- unit ids separated by ';', each with the units below; NULL: everyone
        opens_on DATE NOT NULL,
        closes_on DATE NOT NULL,
        indicator VARCHAR,
        focus VARCHAR
    );
    ALTER TABLE ideas ADD COLUMN IF NOT EXISTS campaign_id VARCHAR;
    ALTER TABLE ideas ADD COLUMN IF NOT EXISTS responsible VARCHAR;
    """,
]


def db_path() -> Path:
    """The database file named by POHINA_DB, or data/pohina.duckdb."""
    return Path(os.environ.get("POHINA_DB") or DEFAULT_DB)


def connect(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process's one connection to the database file, created and migrated on first use.

    Callers must not query this object directly from several threads: take `con.cursor()`
    for every query (see `read` and `transaction`).
    """
    resolved = str(Path(path or db_path()).resolve())
    with _lock:
        con = _connections.get(resolved)
        if con is None:
            Path(resolved).parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(resolved)
            migrate(con)
            _connections[resolved] = con
        return con


def close(path: str | Path | None = None) -> None:
    """Close the cached connection to a file (used before a restore replaces it, and in tests)."""
    resolved = str(Path(path or db_path()).resolve())
    with _lock:
        con = _connections.pop(resolved, None)
    if con is not None:
        con.close()


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS schema_meta (version INTEGER NOT NULL)")
    row = cur.execute("SELECT max(version) FROM schema_meta").fetchone()
    return row[0] or 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations the database has not had yet; return the resulting version."""
    version = schema_version(con)
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with transaction(con) as cur:
            cur.execute(script)
            cur.execute("INSERT INTO schema_meta VALUES (?)", [number])
    return len(MIGRATIONS)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN … COMMIT; any error rolls everything back and is re-raised."""
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    else:
        cur.execute("COMMIT")
    finally:
        cur.close()


def retrying(con: duckdb.DuckDBPyConnection, work, conflicts: tuple[type[Exception], ...]):
    """Run `work(cursor)` in one transaction; when DuckDB refuses it for a conflict with a
    concurrent transaction, run the whole transaction again (after a short random pause)."""
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            with transaction(con) as cur:
                return work(cur)
        except conflicts:
            if attempt == RETRY_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.002, 0.01 * attempt))
    raise AssertionError("unreachable")


def read(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None):
    """Run a read-only query on a fresh cursor and return a pandas DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


def quote_identifier(name: str, allowed: set[str] | frozenset[str]) -> str:
    """Quote a table or column name that must come from a whitelist (never from a user)."""
    if name not in allowed:
        raise ValueError(f"identifier not allowed: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever data is written; pages use it to key their caches.

    Imports write an import_log row, idea actions an idea_events row, practices added in the
    app a practice_events row, and supports, comments, hides and campaigns an idea_talk_events
    row; the ids only grow, so their sum grows with every committed
    write."""
    cur = con.cursor()
    row = cur.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) FROM import_log)"
        " + (SELECT coalesce(max(event_id), 0) FROM idea_events)"
        " + (SELECT coalesce(max(event_id), 0) FROM practice_events)"
        " + (SELECT coalesce(max(event_id), 0) FROM idea_talk_events)"
        " + (SELECT coalesce(max(event_id), 0) FROM action_events)"
    ).fetchone()
    cur.close()
    return int(row[0])


def backup(con: duckdb.DuckDBPyConnection, directory: str | Path) -> Path:
    """Write a backup (a manifest and a Parquet file per table) to a new directory.

    The work is metrics.backups.backup; it is imported here, not at the top, because that
    module builds on this one."""
    from metrics import backups

    return backups.backup(con, directory)


def restore(directory: str | Path, path: str | Path | None = None) -> Path:
    """Replace the database file with a backup, running no statement from it; the old file is
    kept beside it as .before-restore (metrics.backups.restore, imported as in `backup`)."""
    from metrics import backups

    return backups.restore(directory, path)

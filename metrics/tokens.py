"""Bearer tokens for machines: the city's scheduled jobs calling the server's API.

A token is a random secret (secrets.token_urlsafe(32), 256 bits) shown once when it is made;
the database keeps only its SHA-256, so neither the database nor a backup of it holds a usable
token. Each token has a name (which the server's log and the import log show for every call)
and one scope:

- `import`: load files (POST /api/v1/imports/…) and take backups (POST /api/v1/backups);
- `read`: read reports (GET /api/v1/reports/…).

A token does one of the two: a job that only reads cannot load, and a loading job gets a
second token to read. Presented tokens are compared with hmac.compare_digest.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from metrics import store

SCOPES = ("import", "read")
PREFIX = "pohina_"  # so a leaked token is recognisable in a log or a secret scanner
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Token:
    """Who called: the token's name and scope (never its secret)."""

    name: str
    scope: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise ValueError(
            f"a token name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or"
            f" digit; {name!r} is not"
        )
    return name


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(f"a token's scope is one of {', '.join(SCOPES)}; {scope!r} is not")
    return scope


def create(
    con: duckdb.DuckDBPyConnection, name: str, scope: str, *, created_by: str | None = None
) -> str:
    """Make a token and return its secret, the only time it exists in the clear.

    Raises ValueError for a bad name or scope, or a name that is taken (revoke it first)."""
    check_name(name)
    check_scope(scope)
    secret = PREFIX + secrets.token_urlsafe(32)
    with store.transaction(con) as cur:
        taken = cur.execute("SELECT 1 FROM api_tokens WHERE name = ?", [name]).fetchone()
        if taken:
            raise ValueError(f"a token named {name!r} exists; revoke it first or choose a name")
        cur.execute(
            "INSERT INTO api_tokens (name, scope, token_sha256, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [name, scope, _digest(secret), datetime.now(), created_by],
        )
    return secret


def revoke(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Remove a token: from now on it is refused. Raises ValueError for an unknown name."""
    with store.transaction(con) as cur:
        (found,) = cur.execute("SELECT count(*) FROM api_tokens WHERE name = ?", [name]).fetchone()
        if not found:
            raise ValueError(f"no token named {name!r}; see `token list`")
        cur.execute("DELETE FROM api_tokens WHERE name = ?", [name])


def listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every token, oldest first. Columns: name, scope, created_at, created_by, last_used_at
    (timestamps; last_used_at empty for a token never used). Never the secret or its hash."""
    return store.read(
        con,
        "SELECT name, scope, created_at, created_by, last_used_at FROM api_tokens"
        " ORDER BY created_at, name",
    )


def verify(con: duckdb.DuckDBPyConnection, presented: str | None) -> Token | None:
    """The token a caller presented, or None if it is not a valid one.

    Every stored hash is compared in constant time (the table holds a handful of rows), and a
    valid token's last_used_at is brought up to date."""
    if not presented:
        return None
    digest = _digest(presented)
    rows = store.read(con, "SELECT name, scope, token_sha256 FROM api_tokens")
    found = None
    for name, scope, stored in rows.itertuples(index=False):
        if hmac.compare_digest(digest, stored):
            found = Token(name, scope)
    if found is not None:
        _touch(con, found.name)
    return found


def _touch(con: duckdb.DuckDBPyConnection, name: str) -> None:
    def write(cur):
        cur.execute("UPDATE api_tokens SET last_used_at = ? WHERE name = ?", [datetime.now(), name])

    store.retrying(con, write, (duckdb.TransactionException,))

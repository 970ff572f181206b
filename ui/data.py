"""The app's database connection and cached metric calls.

One connection per process (st.cache_resource); metrics take a fresh cursor per query. Results
are cached per data version, so a warm rerun reads no data and an import shows at once. The
version is read once per script run: a unit page calls `cached` some twenty times, and each
reading of it is a query.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import numbers
from datetime import date
from pathlib import Path

import streamlit as st

from metrics import store, units
from ui import runs
from ui.i18n import t


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return store.connect(path)


@functools.lru_cache(maxsize=8)
def _resolved(path: str) -> str:
    return str(Path(path).resolve())  # resolving asks the file system: once per name, not per call


def _path() -> str:
    """The database file's full path (POHINA_DB, which tests change between runs)."""
    return _resolved(str(store.db_path()))


def connection():
    return _connection(_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, version: int, function: str, key: str, _kwargs: dict):
    """`function(con, **_kwargs)`, cached by `key`, the arguments written out (argument_key):
    Streamlit hashes no argument whose name starts with _, and hashing them its own way cost
    about 3 ms a call, a fifth of a survey page's rerun."""
    module, name = function.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(_connection(path), **_kwargs)


def argument_key(value) -> str:
    """An argument of a cached call as text that tells it exactly from any other: plain values
    by repr, collections and dataclasses (a period, the incentive rules) by their parts. Any
    other type is refused, so that nothing is cached under a key that does not tell it apart."""
    if value is None or isinstance(value, str | numbers.Number | date):  # datetime is a date
        return repr(value)
    if isinstance(value, tuple | list):
        return "(" + ",".join(map(argument_key, value)) + ")"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(map(argument_key, value))) + "}"
    if isinstance(value, dict):
        pairs = (f"{argument_key(k)}:{argument_key(v)}" for k, v in value.items())
        return "{" + ",".join(sorted(pairs)) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return type(value).__qualname__ + argument_key(parts)
    raise TypeError(f"cached() takes plain arguments, not {type(value).__name__}")


def _data_version(path: str) -> int:
    """The data version for this script run, read from the database once per run (ui/runs.py;
    on every call outside a script run). The next run reads it again: a write is followed by
    st.rerun(), whose run sees it."""
    known = runs.recall("data_version")
    if known is None or known[0] != path:
        known = (path, store.data_version(_connection(path)))
        runs.remember("data_version", known)
    return known[1]


def cached(function, **kwargs):
    """Call a metrics function `f(con, **kwargs)` through the cache, keyed by data version."""
    path = _path()
    version = _data_version(path)
    name = f"{function.__module__}.{function.__qualname__}"
    return _cached(path, version, name, argument_key(kwargs), kwargs)


def require_data() -> None:
    """Stop a page that needs data with a pointer to the demo and the import, if there is none."""
    if cached(units.units).empty:
        st.info(t("db.empty"))
        st.stop()

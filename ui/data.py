"""The app's database connection and cached metric calls.

One connection per process (st.cache_resource); metrics take a fresh cursor per query. Results
are cached per data version, so a warm rerun reads no data and an import shows at once.
"""

from __future__ import annotations

import importlib

import streamlit as st

from metrics import store, units
from ui.i18n import t


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return store.connect(path)


def connection():
    return _connection(str(store.db_path().resolve()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, version: int, function: str, kwargs: tuple):
    module, name = function.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(_connection(path), **dict(kwargs))


def cached(function, **kwargs):
    """Call a metrics function `f(con, **kwargs)` through the cache, keyed by data version."""
    path = str(store.db_path().resolve())
    version = store.data_version(_connection(path))
    name = f"{function.__module__}.{function.__qualname__}"
    return _cached(path, version, name, tuple(sorted(kwargs.items())))


def require_data() -> None:
    """Stop a page that needs data with a pointer to the demo and the import, if there is none."""
    if cached(units.units).empty:
        st.info(t("db.empty"))
        st.stop()

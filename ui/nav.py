"""Keeps app.py the one router.

Streamlit runs any script in a folder named pages/ straight from its address (its older
multipage convention), which would skip app.py: its login, language and access checks. So
app.py marks the script run it routes, and every page starts with `require_router()`: a page
run without that mark hands the run to app.py, which decides what this user may see.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parent.parent / "app.py"
_run = threading.local()  # a session's script runs on one thread, one run at a time


@contextmanager
def routed() -> Iterator[None]:
    """Mark the page that app.py runs inside this block as routed."""
    _run.routed = True
    try:
        yield
    finally:
        _run.routed = False


def require_router() -> None:
    """Run app.py instead of a page that was opened without it, then stop."""
    if getattr(_run, "routed", False):
        return
    runpy.run_path(str(APP), run_name="__main__")
    st.stop()

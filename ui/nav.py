"""Keeps app.py the one router.

Streamlit runs any script in a folder named pages/ straight from its address (its older
multipage convention), which would skip app.py: its login, language and access checks. So
app.py marks the script run it routes, and every page starts with `require_router()`: a page
run without that mark hands the run to app.py, which decides what this user may see.

`guarded()` turns an unexpected error into a friendly message with a short reference; the
traceback (which may name the database's path) goes to the server's log under that reference.
"""

from __future__ import annotations

import logging
import runpy
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ui.i18n import t

APP = Path(__file__).resolve().parent.parent / "app.py"
_run = threading.local()  # a session's script runs on one thread, one run at a time

# Pöhinä's own log lines ("pohina.*"), with time and level, on the server's standard error
# beside Streamlit's. They still reach the root logger, so tests can read them.
LOG = logging.getLogger("pohina")
if not LOG.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)


@contextmanager
def guarded() -> Iterator[None]:
    """Show an unexpected error as a friendly message with a reference (8 hex digits), and log
    the traceback at ERROR under that reference. st.stop, st.rerun and st.switch_page raise
    Streamlit's ScriptControlException (a BaseException, so `except Exception` would not catch
    it anyway) and a fragment that showed its own error raises FragmentHandledException: those
    pass through untouched."""
    try:
        yield
    except (ScriptControlException, FragmentHandledException):
        raise
    except Exception:
        reference = secrets.token_hex(4)
        LOG.exception("Unexpected error, reference %s", reference)
        st.error(t("error.unexpected", reference=reference), icon=":material/error:")


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

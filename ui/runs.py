"""What a script run has worked out once, kept for the rest of that run.

Streamlit makes a new ParallelFragmentCoordinator at the start of every script run (a rerun, a
fragment's run) and drops it at the end, so it keys what one run may reuse: the data version
(ui/data.py: reading it is a query) and the visitor's language (ui/i18n.py: a session-state
lookup that formatting a table would otherwise make for every cell). Weak keys: a finished
run's entries go with its coordinator. Outside a script run there is nothing to remember.
"""

from __future__ import annotations

import threading
import weakref

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_remembered: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()  # every session's script runs on a thread of its own


def this_run():
    """The current script run's coordinator, or None outside a script run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "parallel_coordinator", None)


def recall(name: str):
    """What this run remembered under `name` (None if nothing, or outside a run)."""
    run = this_run()
    if run is None:
        return None
    with _lock:
        return _remembered.get(run, {}).get(name)


def remember(name: str, value) -> None:
    """Keep `value` under `name` for the rest of this run (nothing outside a run)."""
    run = this_run()
    if run is None:
        return
    with _lock:
        _remembered.setdefault(run, {})[name] = value

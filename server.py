"""Pöhinä in production: the pages (app.py) and the API (api.py) in one ASGI process, the one
process that opens the database.

    uvicorn server:app --host 127.0.0.1 --port 8501 --ws-per-message-deflate false

Run it from the project folder. With uvicorn there are no `--server.*` flags: Streamlit's
options come from .streamlit/config.toml and STREAMLIT_* variables, e.g.
STREAMLIT_SERVER_BASE_URL_PATH=pohina serves the pages under /pohina/ and the API under
/pohina/api/v1/. `streamlit run server.py` serves the same app (`make run` does).
"""

import os
from pathlib import Path

import click
import streamlit as st
from streamlit import config

import api

APP = Path(__file__).resolve().parent / "app.py"
# How `streamlit run` records an option given as a flag or a STREAMLIT_* variable.
GIVEN_TO_STREAMLIT_RUN = "command-line argument or environment variable"


def apply_environment() -> None:
    """Set each Streamlit option its STREAMLIT_* variable names (STREAMLIT_SERVER_BASE_URL_PATH
    for server.baseUrlPath), as `streamlit run` does: its command line reads them, and uvicorn
    has none, so without this only the secret ones would count. An option `streamlit run` was
    given already is left as it is."""
    for key, option in config.get_config_options().items():
        raw = os.environ.get(option.env_var)
        if raw is None or option.sensitive or option.where_defined == GIVEN_TO_STREAMLIT_RUN:
            continue
        kind = click.types.convert_type(option.type)
        value = (
            [kind.convert(v, None, None) for v in raw.split()]
            if option.multiple
            else (kind.convert(raw, None, None))
        )
        config.set_option(key, value, "environment variable")


apply_environment()

app = st.App(
    APP,
    routes=api.routes(config.get_option("server.baseUrlPath")),
    lifespan=api.lifespan,
)

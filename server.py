"""Pöhinä in production: the pages (app.py) and the API (api.py) in one ASGI process, the one
process that opens the database.

    uvicorn server:app --host 127.0.0.1 --port 8501

Run it from the project folder. With uvicorn there are no `--server.*` flags: Streamlit's
options come from .streamlit/config.toml and STREAMLIT_* variables, e.g.
STREAMLIT_SERVER_BASE_URL_PATH=pohina serves the pages under /pohina/ and the API under
/pohina/api/v1/. `streamlit run server.py` serves the same app (`make run` does).
"""

from pathlib import Path

import streamlit as st
from streamlit import config

import api

APP = Path(__file__).resolve().parent / "app.py"

app = st.App(
    APP,
    routes=api.routes(config.get_option("server.baseUrlPath")),
    lifespan=api.lifespan,
)

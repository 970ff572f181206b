"""Pöhinä's domain: the store, the importer and every metric. Never imports streamlit."""

"""Shared page pieces: translation, formatting, the sidebar filters, cached data and charts."""

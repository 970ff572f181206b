"""The one translation mechanism, and number and date formats for the chosen language.

Texts live in ui/locales/*.toml, one file per area, each key a table with fi, sv and en:

    ["overview.title"]
    fi = "Ohjelman yleiskuva"
    sv = "…"
    en = "…"
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from metrics import formats

LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "fi"
LOCALES = formats.LOCALES
DATE_FORMATS = formats.DATE_FORMATS
MISSING = formats.MISSING
_CATALOG_DIR = Path(__file__).parent / "locales"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every text by key and language, merged from all locale files."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(_CATALOG_DIR.glob("*.toml")):
        for key, versions in tomllib.loads(path.read_text("utf-8")).items():
            if key in texts:
                raise ValueError(f"{path.name}: text {key!r} is defined twice")
            texts[key] = versions
    return texts


def current_language() -> str:
    """The visitor's language: the one this run chose (ui/filters.language remembers it for the
    rest of the run, ui/runs.py: a table's every cell asks), else the session's."""
    import streamlit as st

    from ui import runs

    chosen = runs.recall("lang")
    if chosen is not None:
        return chosen

    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for `key` in the language, with {placeholders} filled in."""
    versions = catalog()[key]
    text = versions.get(lang or current_language()) or versions[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


# Numbers and dates are written by metrics.formats (the pack and the e-mails write them too);
# these wrappers only supply the visitor's language.


def number(value, decimals: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """1 234,5 in Finnish and Swedish, 1,234.5 in English; '–' for a missing value."""
    return formats.number(value, decimals, lang or current_language(), signed)


def percent(value, decimals: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """A value already in percent (0–100), written with its sign: 33 %."""
    return formats.percent(value, decimals, lang or current_language(), signed)


def fraction(value, decimals: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """A fraction 0–1 shown as percent."""
    return formats.fraction(value, decimals, lang or current_language(), signed)


def points(value, decimals: int = 1, lang: str | None = None) -> str:
    """A change in percentage points, always signed and always saying it is points."""
    return formats.points(value, decimals, lang or current_language())


def day(value: date | None, lang: str | None = None) -> str:
    """30.4.2019 in Finnish."""
    return formats.day(value, lang or current_language())


def figure(value, unit: str, lang: str | None = None) -> str:
    """A value of a metric catalogue unit as the pages write it: 23,8 · 5,0 % · +7,4 %-yks."""
    return formats.figure(value, unit, lang or current_language())


def figure_change(change, unit: str, lang: str | None = None) -> str:
    """A change of a value of the unit, signed: shares and percents change in points."""
    return formats.figure_change(change, unit, lang or current_language())


# A whole column at once: the language is looked up once (it is in the session state, which
# costs more than writing the number), and each distinct value is written once
# (metrics.formats.each). A Series comes back as a Series on the same index.


def _column(values, write, lang: str | None, **options):
    written = formats.each(values, write, lang or current_language(), **options)
    if isinstance(values, pd.Series):
        return pd.Series(written, index=values.index, dtype=object, name=values.name)
    return written


def numbers(values, decimals: int = 0, lang: str | None = None, signed: bool = False):
    """`number` of every value of a column."""
    return _column(values, formats.number, lang, decimals=decimals, signed=signed)


def percents(values, decimals: int = 0, lang: str | None = None, signed: bool = False):
    """`percent` of every value of a column."""
    return _column(values, formats.percent, lang, decimals=decimals, signed=signed)


def fractions(values, decimals: int = 0, lang: str | None = None, signed: bool = False):
    """`fraction` of every value of a column."""
    return _column(values, formats.fraction, lang, decimals=decimals, signed=signed)


def days(values, lang: str | None = None):
    """`day` of every value of a column; a missing one (None, NaT) is '–'."""
    return _column(values, formats.day, lang)


def figures(values, unit: str, lang: str | None = None):
    """`figure` of every value of a column of a metric catalogue unit."""
    return _column(values, formats.figure, lang, unit=unit)


def has(key: str) -> bool:
    """Whether the catalogue has a text for `key` (an optional text, such as a short label)."""
    return key in catalog()

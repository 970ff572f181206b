"""Numbers and dates for every language, and the words of the documents metrics/ writes itself
(the meeting pack and the e-mail digests: metrics/pack_render.py, metrics/digest.py).

Numbers go through Babel for the language (Finnish `1 234,5`, English `1,234.5`), dates
`30.4.2019`, and a catalogue unit (metrics/catalogue.py UNITS) is written by `figure`. The
pages write through these too (ui/i18n.py supplies the visitor's language), so a figure reads
the same on a page, in the pack and in a mail. The words are in metrics/pack_texts.toml, each
key with fi, sv and en.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern

LANGUAGES = ("fi", "sv", "en")
LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
DATE_FORMATS = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMM yyyy"}
MISSING = "–"
TEXTS = Path(__file__).with_name("pack_texts.toml")


@cache
def texts() -> dict[str, dict[str, str]]:
    """Every text by key and language (metrics/pack_texts.toml); a text missing a language
    raises ValueError naming it."""
    found = tomllib.loads(TEXTS.read_text("utf-8"))
    for key, versions in found.items():
        missing = [lang for lang in LANGUAGES if not str(versions.get(lang, "")).strip()]
        if missing:
            raise ValueError(f"{TEXTS.name}: {key} has no text in {', '.join(missing)}")
    return found


def text(key: str, lang: str, count: int | None = None, **values) -> str:
    """The text for `key` in the language, {placeholders} filled in; with `count` 1 the
    singular `key.one` where there is one."""
    catalogue = texts()
    if count == 1 and f"{key}.one" in catalogue:
        key = f"{key}.one"
    chosen = catalogue[key][lang]
    if count is not None:
        values["count"] = number(count, 0, lang)
    return chosen.format(**values) if values else chosen


def _blank(value) -> bool:
    """None, NaN, NaT or pandas' NA: a figure that is missing (or hidden)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


@cache
def _pattern(decimals: int):
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def number(value, decimals: int = 0, lang: str = "fi", signed: bool = False) -> str:
    """1 234,5 in Finnish and Swedish, 1,234.5 in English; '–' for a missing value."""
    if _blank(value):
        return MISSING
    written = _decimal(value, decimals, lang)
    return f"+{written}" if signed and value > 0 else written


# Babel's writing of numbers and dates, remembered: a page writes the same figures on every
# rerun, and Babel takes some 15 µs a number. Equal values are written alike by a fixed pattern
# (1 and 1.0 alike), so a value's equality is its key.
@lru_cache(maxsize=1 << 16)
def _decimal(value, decimals: int, lang: str) -> str:
    return format_decimal(value, format=_pattern(decimals), locale=_locale(lang))


@lru_cache(maxsize=1 << 14)
def _date(value: date, lang: str) -> str:
    return format_date(value, format=DATE_FORMATS[lang], locale=LOCALES[lang])


def percent(value, decimals: int = 0, lang: str = "fi", signed: bool = False) -> str:
    """A value already in percent (0–100): 33 % (33% in English)."""
    if _blank(value):
        return MISSING
    space = "" if lang == "en" else "\u00a0"
    return f"{number(value, decimals, lang, signed)}{space}%"


def fraction(value, decimals: int = 0, lang: str = "fi", signed: bool = False) -> str:
    """A fraction 0–1 written as percent."""
    return percent(None if _blank(value) else 100 * value, decimals, lang, signed)


def points(value, decimals: int = 1, lang: str = "fi") -> str:
    """A change in percentage points, always signed and named: +6,0 %-yks."""
    if _blank(value):
        return MISSING
    return f"{number(value, decimals, lang, signed=True)}\u00a0{text('unit.pp', lang)}"


def day(value: date | None, lang: str = "fi") -> str:
    """30.4.2019 in Finnish and Swedish, 30 Apr 2019 in English."""
    if value is None or _blank(value):
        return MISSING
    return _date(value, lang)


def month(value: date, lang: str = "fi") -> str:
    """A month's short name: touko, maj, May."""
    return format_date(value, format="LLL", locale=LOCALES[lang])


def period(start: date, end: date, lang: str = "fi") -> str:
    """An inclusive range of days: 1.7.2026–30.9.2026."""
    return f"{day(start, lang)}\u2013{day(end, lang)}"


# How a value of each catalogue unit is written: decimals, and as a number, a fraction shown as
# percent, a percent or percentage points. ui/i18n.py writes through these for the pages.
WRITERS = {
    "count": (0, "number"),
    "people": (0, "number"),
    "per_100_staff_year": (1, "number"),
    "share": (1, "fraction"),
    "percent": (1, "percent"),
    "pp": (1, "points"),
    "relative_percent": (0, "percent"),
    "days": (0, "number"),
    "points": (1, "number"),
    "points_per_10_staff": (2, "number"),
    "rank": (0, "number"),
    "scale": (2, "number"),
    "hours_per_year": (0, "number"),
    "eur_per_year": (0, "number"),
}


def figure(value, unit: str, lang: str = "fi") -> str:
    """A value of a catalogue unit: 23,8 · 5,0 % · +7,4 %-yks."""
    decimals, kind = WRITERS[unit]
    if kind == "fraction":
        return fraction(value, decimals, lang)
    if kind == "percent":
        return percent(value, decimals, lang)
    if kind == "points":
        return points(value, decimals, lang)
    return number(value, decimals, lang)


def figure_change(change, unit: str, lang: str = "fi") -> str:
    """A change of a value of the unit, signed: shares and percents change in points."""
    decimals, kind = WRITERS[unit]
    if kind == "fraction":
        return points(None if _blank(change) else 100 * change, decimals, lang)
    if kind in ("percent", "points"):
        return points(change, decimals, lang)
    return number(change, decimals, lang, signed=True)


def each(values: Iterable, write: Callable[..., str], lang: str = "fi", **options) -> list[str]:
    """`write(value, lang=lang, **options)` for every value of a column (number, percent, day,
    figure, …), in order; a value that repeats is written once. A table's column is written
    this way rather than cell by cell: its figures repeat (counts, statuses' dates), and Babel
    takes some 15 µs a number."""
    written: dict = {}
    found = []
    for value in values:
        key = (type(value), value)  # 1 and 1.0 and True are equal, but not written alike
        try:
            text = written[key]
        except KeyError:
            text = written[key] = write(value, lang=lang, **options)
        except TypeError:  # unhashable: written as it comes
            text = write(value, lang=lang, **options)
        found.append(text)
    return found

"""The meeting pack's words: phrases, labels, titles, dates and counts written in the chosen
language (plain text; escaped only where a block is written). The words themselves come from
metrics/pack_texts.toml through metrics/formats.py."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import formats
from metrics.pack import Figure, Label, Pack, Phrase


def write(phrase: Phrase, lang: str) -> str:
    """A sentence or phrase in the language, every value written (plain text, not escaped)."""
    values = {name: _value(value, lang) for name, value in phrase.values.items()}
    return formats.text(phrase.key, lang, count=phrase.count, **values)


def _value(value, lang: str) -> str:
    if isinstance(value, Figure):
        writer = formats.figure_change if value.change else formats.figure
        return writer(value.value, value.unit, lang)
    if isinstance(value, Label):
        words = formats.text(value.key, lang)
        return words[:1].lower() + words[1:]  # inside a sentence
    if isinstance(value, Phrase):
        return write(value, lang)
    if isinstance(value, list):
        return joined([_value(v, lang) for v in value], lang)
    if isinstance(value, bool):
        return formats.text("yes" if value else "no", lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return formats.number(value, 0 if float(value).is_integer() else 1, lang)
    if isinstance(value, date):
        return formats.day(value, lang)
    return str(value)


def joined(items: list[str], lang: str) -> str:
    """a, b and c (ja, och)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {formats.text('list.and', lang)} {items[-1]}"


def label(name: str, lang: str) -> str:
    """A metric's label (metric.<name> in pack_texts.toml)."""
    return formats.text(f"metric.{name}", lang)


def day_text(value, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return formats.MISSING
    return formats.day(pd.Timestamp(value).date(), lang)


def int_text(value, lang: str) -> str:
    return formats.number(value, 0, lang)


def title(pack: Pack, lang: str) -> str:
    """The pack's title line: the meeting (its title and day), or the period covered."""
    t = texts(lang)
    meeting = pack.window.meeting
    if meeting is not None:
        name = meeting.title or t("pack.meeting")
        return f"{name} {formats.day(meeting.held_on, lang)}"
    return t("pack.since_period", period=period_range(pack.period, lang))


def period_range(period, lang: str) -> str:
    return formats.period(period.start, period.end, lang)


def texts(lang: str):
    def t(key: str, count: int | None = None, **values) -> str:
        return formats.text(key, lang, count=count, **values)

    return t

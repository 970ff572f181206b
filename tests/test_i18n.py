"""One translation mechanism, complete in Finnish, Swedish and English."""

import re
from datetime import date
from pathlib import Path

import pytest

from ui import i18n

ROOT = Path(__file__).resolve().parent.parent


def test_every_text_has_all_three_languages():
    for key, versions in i18n.catalog().items():
        assert set(versions) == {"fi", "sv", "en"}, key
        assert all(v.strip() for v in versions.values()), key


def test_every_key_the_code_uses_exists():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', path.read_text()))
    assert used, "no texts found"
    assert used <= set(i18n.catalog()), used - set(i18n.catalog())


@pytest.mark.parametrize(
    ("lang", "number", "day"),
    [("fi", "1\u00a0234,5", "30.4.2019"), ("sv", "1\u00a0234,5", "30.4.2019"),
     ("en", "1,234.5", "30 Apr 2019")],
)  # fmt: skip
def test_numbers_and_dates_follow_the_language(lang, number, day):
    assert i18n.number(1234.5, 1, lang) == number
    assert i18n.day(date(2019, 4, 30), lang) == day


def test_points_are_always_signed_and_named():
    assert i18n.points(6.04, 1, "fi") == "+6,0\u00a0%-yks."
    assert i18n.points(-2, 1, "en") == "-2.0\u00a0pp"
    assert i18n.fraction(float("nan"), 1, "fi") == "–"

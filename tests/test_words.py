"""The wording layer: every language implements the whole interface, English without Babel
says dates as Babel's CLDR data does, and a profile cannot ask for a language with no wording."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.dates import format_date, format_skeleton

from observances.errors import RegistryError
from observances.profile import load_profile
from observances.registry import load
from observances.words import LANGUAGES, Wording, for_language

ROOT = Path(__file__).resolve().parent.parent
EVERY_DAY_OF_2028 = [dt.date(2028, 1, 1) + dt.timedelta(days=n) for n in range(366)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_implements_the_whole_interface(language: str) -> None:
    # an abstract method left out would make the class impossible to instantiate
    words = for_language(language)
    assert isinstance(words, Wording)
    assert words.language == language


def test_english_dates_match_cldr_without_loading_babel() -> None:
    english = for_language("en")
    for day in EVERY_DAY_OF_2028:
        assert english.long_date(day) == format_date(day, "long", locale="en_GB")
        assert english.month_day(day) == format_skeleton("MMMMd", day, locale="en_GB")
        assert english.weekday(day) == format_date(day, "EEEE", locale="en_GB")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2026, 9, 12), dt.date(2026, 9, 12), "Sat 12 Sep 2026"),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 15), "Mon 9 Nov - Sun 15 Nov 2026"),
        (dt.date(2026, 12, 28), dt.date(2027, 1, 3), "Mon 28 Dec 2026 - Sun 3 Jan 2027"),
        (dt.date(2021, 1, 1), dt.date(2030, 12, 31), "1 Jan 2021 - 31 Dec 2030"),
    ],
)
def test_short_ranges_for_tables(start: dt.date, end: dt.date, expected: str) -> None:
    assert for_language("en").short_range(start, end) == expected


@pytest.mark.parametrize(
    ("field", "line_text"),
    [("language: en", "language: de"), ("    language: es", "    language: pt")],
)
def test_a_profile_language_without_wording_is_refused_at_load(
    tmp_path: Path, field: str, line_text: str
) -> None:
    text = (ROOT / "profiles" / "aipr.yaml").read_text(encoding="utf-8")
    assert field in text
    bad = tmp_path / "profile.yaml"
    bad.write_text(text.replace(field, line_text, 1), encoding="utf-8")
    line = 1 + text[: text.index(field)].count("\n")
    with pytest.raises(RegistryError) as caught:
        load_profile(bad, load(ROOT / "observances.yaml"))
    (problem,) = caught.value.problems
    assert problem.line == line
    assert problem.path.endswith("language")
    assert "no wording for language" in problem.message
    assert "en, es, fr, ar, zh, ru" in problem.message

"""History sentences: computed for every shape of history, in English and Spanish."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from observances.drafts.history import first_observed, history
from observances.registry import Registry, load
from observances.words import PLACEHOLDER, for_language

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@cache
def real() -> Registry:
    return load(ROOT / "observances.yaml")


@cache
def cases() -> Registry:
    return load(DATA / "registries" / "history_cases.yaml")


def test_south_south_moved_date() -> None:
    text = history(real().get("south-south-cooperation"), 2027, "en").text
    assert (
        "First observed on 19 December 2004, the Day has been marked on 12 September"
        " since 2012 (decision 66/550)." in text
    )
    assert "From 2004 to 2011 it was marked on 19 December (resolution A/RES/58/220)." in text
    assert text.startswith(
        "The General Assembly established the Day by resolution A/RES/58/220 of 23 December 2003."
    )


def test_history_is_as_of_the_occurrence_year() -> None:
    text = history(real().get("south-south-cooperation"), 2008, "en").text
    assert "12 September" not in text
    assert "Since 2004 the Day has been marked on 19 December." in text


def test_rule_change_to_fixed_date() -> None:
    text = history(real().get("international-day-of-peace"), 2025, "en").text
    assert "has been marked on 21 September since 2002 (resolution A/RES/55/282)" in text
    assert "From 1982 to 2001 it was marked on the third Tuesday of September" in text
    es = history(real().get("international-day-of-peace"), 2025, "es").text
    assert "De 1982 a 2001 se celebró el tercer martes de septiembre" in es


def test_rename_in_english_and_a_placeholder_in_spanish() -> None:
    obs = real().get("persons-with-disabilities")
    assert (
        "Until 2007 it was called “International Day of Disabled Persons”"
        in history(obs, 2025, "en").text
    )
    es = history(obs, 2025, "es").text
    assert "[[TODO: nombre oficial en español de «International Day of Disabled Persons»]]" in es
    assert "Disabled Persons" not in PLACEHOLDER.sub("", es)  # never the English name in prose
    assert "called" not in history(obs, 2007, "en").text  # the old name was still in force


def test_every_five_years_and_a_gap() -> None:
    text = history(real().get("world-statistics-day"), 2025, "en").text
    assert "on 20 October every 5 years since 2015" in text
    assert "In 2010 it was marked on 20 October (resolution A/RES/64/267)." in text
    assert "cada 5 años" in history(real().get("world-statistics-day"), 2025, "es").text


def test_announced_dates_claim_no_first_day() -> None:
    obs = real().get("vesak")
    assert first_observed(obs) is None
    assert "on the day of the full moon in May" in history(obs, 2025, "en").text


def test_year_and_decade() -> None:
    assert "covers all of 2025" in history(real().get("quantum-science-year"), 2025, "en").text
    decade = history(real().get("indigenous-languages-decade"), 2022, "es").text
    assert "El Decenio abarca de 2022 a 2032." in decade


def test_weeks_and_any_of_rules() -> None:
    week = history(real().get("science-and-peace-week"), 2025, "en").text
    assert "in the week (Monday to Sunday) that includes 11 November" in week
    assert (
        "la Semana se celebra del 1 al 7 de febrero"
        in history(real().get("interfaith-harmony-week"), 2025, "es").text
    )
    birds = history(real().get("world-migratory-bird-day"), 2025, "en").text
    assert "UNEP (CMS and AEWA) established the Day (UNEP/CMS/AEWA)." in birds
    assert "second Saturday of May and the second Saturday of October" in birds


def test_one_off_move_and_change_sources() -> None:
    obs = cases().get("moved-once")
    past = history(obs, 2025, "en")
    assert (
        "In 2020 it was held on 20 March instead of 15 March (resolution A/RES/20/2)." in past.text
    )
    assert [c.symbol for c in past.changes] == ["A/RES/20/2"]
    assert past.first_observed == dt.date(1991, 3, 1)
    assert "2020" not in history(obs, 2019, "en").text


def test_two_renames_and_an_acronym_body() -> None:
    text = history(cases().get("renamed-twice"), 2025, "en").text
    assert text.startswith("UNESCO General Conference established the Day (1/1).")
    assert "Until 2009 it was called “Day of the Second Name” (decision 2/2)." in text
    assert text.endswith("It has had its present name since 2010.")


def test_week_across_new_year() -> None:
    text = history(cases().get("a-week"), 2025, "es").text
    assert "del 28 de diciembre al 3 de enero" in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_observance_has_a_history(language: str) -> None:
    for registry in (real(), cases()):
        for obs in registry.observances:
            for year in (obs.since, 2027):
                past = history(obs, year, language)
                assert past.sentences, obs.id
                for sentence in past.sentences:
                    assert sentence[0].isupper(), (obs.id, sentence)
                    assert sentence.endswith("."), (obs.id, sentence)
                    assert "None" not in sentence, (obs.id, sentence)


@pytest.mark.parametrize(
    ("n", "language", "kind", "expected"),
    [(1, "en", "day", "1st"), (12, "en", "day", "12th"), (23, "en", "day", "23rd"),
     (111, "en", "day", "111th"), (9, "es", "day", "9.º"), (9, "es", "week", "9.ª")],
)  # fmt: skip
def test_ordinals(n: int, language: str, kind: str, expected: str) -> None:
    from observances.registry import Kind

    assert for_language(language).ordinal(n, Kind(kind)) == expected

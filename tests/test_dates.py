"""The date engine: presence and absence over whole year ranges, for every kind of rule."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from observances.occurrences import next_occurrence, occurrences, occurrences_in_year
from observances.registry import Registry, load
from observances.words import for_language

D = dt.date
REGISTRIES = Path(__file__).parent / "data" / "registries"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load(REGISTRIES / "valid_every_rule.yaml")


def starts(registry: Registry, observance_id: str, year: int) -> list[tuple[dt.date, dt.date]]:
    return [(o.start, o.end) for o in occurrences_in_year(registry.get(observance_id), year)]


def test_fixed_date_changes_with_its_span(registry: Registry) -> None:
    assert all(starts(registry, "fixed", y) == [] for y in range(1990, 2004))
    assert all(starts(registry, "fixed", y) == [(D(y, 12, 19),) * 2] for y in range(2004, 2012))
    assert all(starts(registry, "fixed", y) == [(D(y, 9, 12),) * 2] for y in range(2012, 2060))


def test_nth_and_last_weekday(registry: Registry) -> None:
    for year in range(2000, 2041):
        ((day, _),) = starts(registry, "nth", year)
        assert (day.month, day.weekday()) == (9, 3)  # a Thursday in September
        assert (day + dt.timedelta(days=7)).month == 10  # ... and the last one
    assert starts(registry, "nth", 2026) == [(D(2026, 9, 24),) * 2]


def test_several_dates_in_one_year(registry: Registry) -> None:
    assert starts(registry, "twice", 2026) == [(D(2026, 5, 9),) * 2, (D(2026, 10, 10),) * 2]
    assert starts(registry, "twice", 2005) == []


def test_fixed_run_of_days(registry: Registry) -> None:
    assert starts(registry, "range", 2026) == [(D(2026, 2, 1), D(2026, 2, 7))]
    assert starts(registry, "range", 2010) == []


def test_a_run_across_new_year_belongs_to_the_year_it_starts(registry: Registry) -> None:
    assert starts(registry, "new-year", 2026) == [(D(2026, 12, 29), D(2027, 1, 4))]
    january = occurrences((registry.get("new-year"),), D(2027, 1, 1), D(2027, 1, 31))
    assert january == []  # it started in December 2026
    assert starts(registry, "new-year", 2019) == []


@pytest.mark.parametrize("year", range(2020, 2035))
def test_a_week_of_an_early_january_date_is_found_from_late_december(year: int) -> None:
    from observances.registry import loads

    text = (REGISTRIES / "valid_every_rule.yaml").read_text(encoding="utf-8")
    week = loads(text.replace('week_containing: "11-11"', 'week_containing: "01-01"')).get(
        "week-of"
    )
    ((start, end),) = [(o.start, o.end) for o in occurrences_in_year(week, year + 1)]
    assert start <= D(year + 1, 1, 1) <= end
    # every window that holds its first day finds it, whichever year the window ends in
    for first, last in ((D(year, 12, 1), D(year, 12, 31)), (start, start), (start, end)):
        expected = [(start, year + 1)] if first <= start <= last else []
        assert [(o.start, o.year) for o in occurrences((week,), first, last)] == expected
    assert start.year == year or start == D(year + 1, 1, 1)


def test_monday_to_sunday_week_containing_a_date(registry: Registry) -> None:
    assert starts(registry, "week-of", 2026) == [(D(2026, 11, 9), D(2026, 11, 15))]
    assert starts(registry, "week-of", 2025) == [(D(2025, 11, 10), D(2025, 11, 16))]
    for year in range(1988, 2041):
        ((start, end),) = starts(registry, "week-of", year)
        assert start.weekday() == 0
        assert end.weekday() == 6
        assert start <= D(year, 11, 11) <= end


def test_whole_year_and_decade(registry: Registry) -> None:
    assert starts(registry, "year", 2025) == [(D(2025, 1, 1), D(2025, 12, 31))]
    assert starts(registry, "year", 2024) == starts(registry, "year", 2026) == []
    assert starts(registry, "decade", 2022) == [(D(2022, 1, 1), D(2032, 12, 31))]
    assert all(starts(registry, "decade", y) == [] for y in range(2023, 2040))
    (decade,) = occurrences_in_year(registry.get("decade"), 2022)
    assert decade.edition is None


def test_every_five_years(registry: Registry) -> None:
    years = [y for y in range(2000, 2041) if starts(registry, "every-five", y)]
    assert years == [2010, 2015, 2020, 2025, 2030, 2035, 2040]
    editions = [occurrences_in_year(registry.get("every-five"), y)[0].edition for y in years]
    assert editions == [1, 2, 3, 4, 5, 6, 7]


def test_announced_dates_only_for_years_listed(registry: Registry) -> None:
    years = [y for y in range(2000, 2041) if starts(registry, "announced", y)]
    assert years == [2024, 2025, 2026]
    assert starts(registry, "announced", 2026) == [(D(2026, 5, 6), D(2026, 5, 8))]
    (vesak,) = occurrences_in_year(registry.get("announced"), 2024)
    assert vesak.edition == 25  # counted from 2000, known date or not


def test_one_off_move(registry: Registry) -> None:
    assert starts(registry, "moved", 2019) == [(D(2019, 4, 29),) * 2]
    assert starts(registry, "moved", 2020) == [(D(2020, 5, 4),) * 2]
    assert starts(registry, "moved", 2021) == [(D(2021, 4, 29),) * 2]
    (moved,) = occurrences_in_year(registry.get("moved"), 2020)
    assert moved.citation.symbol == "decision 11/1"


def test_names_in_force_by_year(registry: Registry) -> None:
    names = {
        y: occurrences_in_year(registry.get("renamed"), y)[0].name
        for y in (1992, 2007, 2008, 2017, 2018)
    }
    assert names == {
        1992: "First Name Day",
        2007: "First Name Day",
        2008: "Second Name Day",
        2017: "Second Name Day",
        2018: "New Name Day",
    }


def test_29_february_only_in_leap_years(registry: Registry) -> None:
    years = [y for y in range(2000, 2041) if starts(registry, "leap", y)]
    assert years == [y for y in range(2000, 2041) if y % 4 == 0]


def test_edition_counts_from_the_first_year_across_spans(registry: Registry) -> None:
    fixed = registry.get("fixed")
    assert fixed.edition(2003) is None
    assert fixed.edition(2004) == 1
    assert fixed.edition(2012) == 9
    assert fixed.edition(2026) == 23


def test_window_is_inclusive_and_sorted(registry: Registry) -> None:
    found = occurrences(registry.observances, D(2026, 9, 12), D(2026, 11, 9))
    assert [(o.start, o.id) for o in found] == [
        (D(2026, 9, 12), "fixed"),
        (D(2026, 9, 24), "nth"),
        (D(2026, 10, 10), "twice"),
        (D(2026, 11, 9), "week-of"),  # every-five skips 2026; new-year starts in December
    ]


def test_next_occurrence(registry: Registry) -> None:
    found = next_occurrence(registry.get("every-five"), D(2026, 1, 1))
    assert found is not None
    assert found.start == D(2030, 10, 20)
    assert next_occurrence(registry.get("year"), D(2026, 1, 1)) is None


def test_spans_in_words(registry: Registry) -> None:
    english = for_language("en")
    words = [english.span_label(s) for o in registry.observances for s in o.dates]
    assert words[:4] == [
        "19 December, 2004-2011",
        "12 September, from 2012",
        "last Thursday of September, from 2000",
        "second Saturday of May and second Saturday of October, from 2006",
    ]
    assert "20 October, every 5 years from 2010" in words
    assert "the Monday-to-Sunday week in which 11 November falls, from 1988" in words


def test_no_edition_when_the_first_year_is_unknown() -> None:
    text = (REGISTRIES / "valid_every_rule.yaml").read_text(encoding="utf-8")
    head, _, tail = text.partition("  - id: fixed\n")
    tail = re.sub(r"first_year: \{[^}]*\}", "first_year: {basis: unknown}", tail, count=1)
    text = head + "  - id: fixed\n" + tail
    from observances.registry import loads

    fixed = loads(text).get("fixed")
    assert [o.edition for o in occurrences_in_year(fixed, 2026)] == [None]
    assert starts(loads(text), "fixed", 2026) == [(D(2026, 9, 12),) * 2]


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (112, "112th")],
)  # fmt: skip
def test_english_ordinals(n: int, word: str) -> None:
    from observances.words.en import ordinal

    assert ordinal(n) == word

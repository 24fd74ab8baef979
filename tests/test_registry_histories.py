"""Histories: nothing before the first year, and the right date and name on each side of every
change, as the date engine computes them from the registry."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from observances.occurrences import Occurrence, occurrences, occurrences_in_year
from observances.registry import Observance, Registry, load

REGISTRY = Path(__file__).resolve().parent.parent / "observances.yaml"
D = dt.date


@cache
def registry() -> Registry:
    return load(REGISTRY)


def obs(observance_id: str) -> Observance:
    return registry().get(observance_id)


def starts(observance_id: str, year: int) -> list[dt.date]:
    return [occ.start for occ in occurrences_in_year(obs(observance_id), year)]


def only(observance_id: str, year: int) -> Occurrence:
    found = occurrences_in_year(obs(observance_id), year)
    assert len(found) == 1, f"{observance_id} in {year}: {found}"
    return found[0]


def test_nothing_before_the_first_year_for_any_entry() -> None:
    for entry in registry().observances:
        for year in range(entry.since - 10, entry.since):
            assert not occurrences_in_year(entry, year), f"{entry.id} in {year}"
        window = occurrences((entry,), D(1900, 1, 1), D(entry.since - 1, 12, 31))
        assert not window, entry.id


# (id, year before the change, its date and citation, year of the change, its date and citation)
CHANGES = [
    ("south-south-cooperation", 2011, D(2011, 12, 19), "A/RES/58/220",
     2012, D(2012, 9, 12), "decision 66/550"),
    ("international-day-of-peace", 2001, D(2001, 9, 18), "A/RES/36/67",
     2002, D(2002, 9, 21), "A/RES/55/282"),
    ("biological-diversity-day", 2000, D(2000, 12, 29), "A/RES/49/119",
     2001, D(2001, 5, 22), "A/RES/55/201"),
    ("chemical-warfare-victims-day", 2015, D(2015, 4, 29), "OPCW C-10/5 para 23.3",
     2016, D(2016, 11, 30), "OPCW C-20/DEC.10"),
    ("disaster-risk-reduction-day", 2009, D(2009, 10, 14), "A/RES/44/236",
     2010, D(2010, 10, 13), "A/RES/64/200"),
    ("world-maritime-day", 1979, D(1979, 3, 17), "IMCO/C XXXVIII/21",
     1980, D(1980, 9, 25), "IMCO/C XXXVIII/21"),
    ("telecommunication-information-society-day", 2006, D(2006, 5, 17),
     "ITU PP Res. 46 (Malaga-Torremolinos 1973)", 2007, D(2007, 5, 17),
     "ITU PP Res. 68 (Antalya 2006)"),
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=[c[0] for c in CHANGES])
def test_the_right_date_on_each_side_of_a_change(
    change: tuple[str, int, dt.date, str, int, dt.date, str],
) -> None:
    observance_id, before, old_day, old_cite, after, new_day, new_cite = change
    old, new = only(observance_id, before), only(observance_id, after)
    assert (old.start, old.citation.symbol) == (old_day, old_cite)
    assert (new.start, new.citation.symbol) == (new_day, new_cite)
    if (old_day.month, old_day.day) != (new_day.month, new_day.day):  # not the other rule
        assert old.start != new_day.replace(year=before)
        assert new.start != old_day.replace(year=after)


def test_south_south_cooperation_follows_the_un_record() -> None:
    assert starts("south-south-cooperation", 2003) == []
    assert starts("south-south-cooperation", 2004) == [D(2004, 12, 19)]
    assert starts("south-south-cooperation", 2011) == [D(2011, 12, 19)]
    assert starts("south-south-cooperation", 2012) == [D(2012, 9, 12)]
    for year in range(2004, 2012):
        assert D(year, 9, 12) not in starts("south-south-cooperation", year)
        assert D(year, 12, 14) not in starts("south-south-cooperation", year)
    for year in range(2012, 2031):
        assert starts("south-south-cooperation", year) == [D(year, 9, 12)]
    assert {c.symbol for c in obs("south-south-cooperation").citations} == {
        "A/RES/58/220",
        "decision 66/550",
    }


NAMES = [
    ("persons-with-disabilities", 2007, "International Day of Disabled Persons",
     2008, "International Day of Persons with Disabilities"),
    ("rwanda-genocide-reflection", 2017,
     "International Day of Reflection on the Genocide in Rwanda", 2018,
     "International Day of Reflection on the 1994 Genocide against the Tutsi in Rwanda"),
    ("disaster-risk-reduction-day", 2009, "International Day for Natural Disaster Reduction",
     2010, "International Day for Disaster Reduction"),
    ("disaster-risk-reduction-day", 2018, "International Day for Disaster Reduction",
     2019, "International Day for Disaster Risk Reduction"),
    ("telecommunication-information-society-day", 2006, "World Telecommunication Day",
     2007, "World Telecommunication and Information Society Day"),
]  # fmt: skip


@pytest.mark.parametrize("change", NAMES, ids=[f"{c[0]}-{c[3]}" for c in NAMES])
def test_the_name_in_force_on_each_side_of_a_renaming(
    change: tuple[str, int, str, int, str],
) -> None:
    observance_id, before, old_name, after, new_name = change
    assert only(observance_id, before).name == old_name
    assert only(observance_id, after).name == new_name


def test_a_former_name_has_no_translation() -> None:
    rwanda = obs("rwanda-genocide-reflection")
    assert rwanda.name_for("fr", 2017) is None
    assert rwanda.name_for("fr", 2018) is not None


RULE_DAYS = [
    ("international-day-of-cooperatives", [D(2025, 7, 5)], [D(2024, 7, 6)]),
    ("world-habitat-day", [D(2025, 10, 6)], [D(2024, 10, 7)]),
    ("road-traffic-victims", [D(2025, 11, 16)], [D(2024, 11, 17)]),
    ("world-philosophy-day", [D(2025, 11, 20)], [D(2024, 11, 21)]),
    ("world-maritime-day", [D(2025, 9, 25)], [D(2024, 9, 26)]),
    ("world-migratory-bird-day", [D(2025, 5, 10), D(2025, 10, 11)],
     [D(2024, 5, 11), D(2024, 10, 12)]),
    ("international-girls-in-ict-day", [D(2025, 4, 24)], [D(2024, 4, 25)]),
    ("science-and-peace-week", [D(2025, 11, 10)], [D(2024, 11, 11)]),
]  # fmt: skip


@pytest.mark.parametrize("case", RULE_DAYS, ids=[c[0] for c in RULE_DAYS])
def test_rule_based_days_fall_by_their_rule_not_a_printed_date(
    case: tuple[str, list[dt.date], list[dt.date]],
) -> None:
    observance_id, in_2025, in_2024 = case
    assert starts(observance_id, 2025) == in_2025
    assert starts(observance_id, 2024) == in_2024


def test_girls_in_ict_day_was_first_held_on_28_april_2011() -> None:
    assert starts("international-girls-in-ict-day", 2010) == []
    assert starts("international-girls-in-ict-day", 2011) == [D(2011, 4, 28)]


def test_weeks_and_periods_are_runs_of_days() -> None:
    week = only("science-and-peace-week", 2026)
    assert (week.start, week.end) == (D(2026, 11, 9), D(2026, 11, 15))
    harmony = only("interfaith-harmony-week", 2011)
    assert (harmony.start, harmony.end) == (D(2011, 2, 1), D(2011, 2, 7))
    assert starts("interfaith-harmony-week", 2010) == []
    remembrance = only("second-world-war-remembrance", 2025)
    assert (remembrance.start, remembrance.end) == (D(2025, 5, 8), D(2025, 5, 9))
    assert obs("second-world-war-remembrance").kind.value == "period"


def test_world_statistics_day_every_five_years() -> None:
    held = [year for year in range(2005, 2036) if starts("world-statistics-day", year)]
    assert held == [2010, 2015, 2020, 2025, 2030, 2035]


# Espenak's table of full moons (UT), as the research recorded it: the registry computes Vesak
# in UTC, so the day is the table's day
FULL_MOONS_UT = {2027: D(2027, 5, 20), 2028: D(2028, 5, 8), 2029: D(2029, 5, 27),
                 2030: D(2030, 5, 17), 2031: D(2031, 5, 7)}  # fmt: skip


@pytest.mark.parametrize("year", sorted(FULL_MOONS_UT))
def test_vesak_is_computed_from_the_full_moon_and_provisional(year: int) -> None:
    assert starts("vesak", year) == [FULL_MOONS_UT[year]]
    (occ,) = occurrences_in_year(obs("vesak"), year)
    assert occ.provisional


def test_an_announced_vesak_date_wins_and_is_not_provisional() -> None:
    assert starts("vesak", 2025) == [D(2025, 5, 12)]
    assert starts("vesak", 2024) == [D(2024, 5, 23)]
    (occ,) = occurrences_in_year(obs("vesak"), 2024)
    assert not occ.provisional
    assert starts("vesak", 2026) == [D(2026, 5, 1)]  # two full moons in May 2026: the first
    assert not obs("vesak").verified


def test_years_and_decades() -> None:
    assert [y for y in range(2019, 2030) if starts("international-year-of-peace-and-trust", y)] == [
        2021,
        2025,
    ]
    decade = only("ocean-science-decade", 2021)
    assert (decade.start, decade.end) == (D(2021, 1, 1), D(2030, 12, 31))
    assert starts("ocean-science-decade", 2022) == []
    assert starts("ocean-science-decade", 2020) == []

"""Facts and their sources: the class table, the verification rule, the first-year rule, editions
that are printed only when confirmed, and decades shown in every year of a feed."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from observances.calendar.ical import CalendarInfo, build
from observances.occurrences import occurrences, occurrences_in_year
from observances.registry import Registry, load
from observances.registry.models import first_year_from_adoption
from observances.registry.sources import SourceClass, source_class, verified_by

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


@cache
def registry() -> Registry:
    return load(ROOT / "observances.yaml")


@pytest.mark.parametrize(
    ("url", "cls"),
    [
        ("https://undocs.org/A/RES/58/220", SourceClass.PRIMARY),
        ("https://press.un.org/en/2024/ga12617.doc.htm", SourceClass.PRIMARY),
        ("https://www.un.org/en/observances/braille-day", SourceClass.PRIMARY),
        ("https://unic.un.org.pl/oionz/x", SourceClass.PRIMARY),
        ("https://www.who.int/campaigns/world-hepatitis-day", SourceClass.PRIMARY),
        ("https://iite.unesco.org/news/639296/", SourceClass.PRIMARY),
        ("https://en.wikipedia.org/wiki/UN_Chinese_Language_Day", SourceClass.SECONDARY),
        ("https://fakeun.org/page", SourceClass.SECONDARY),
        ("https://movatter.jp/copy-of-un-page", SourceClass.SECONDARY),
        ("https://github.com/kitsuyui/hyper-calendar/blob/x/international.rs", SourceClass.DATASET),
        ("https://raw.githubusercontent.com/a/b/main/days.json", SourceClass.DATASET),
        ("https://currentaffairs.adda247.com/x", SourceClass.DATASET),
        ("https://www.thereisadayforthat.com/holidays/x", SourceClass.DATASET),
    ],
)
def test_the_source_class_table(url: str, cls: SourceClass) -> None:
    assert source_class(url) is cls


def test_a_fact_is_verified_by_a_primary_source_or_two_secondary_sites() -> None:
    assert verified_by(["https://undocs.org/A/RES/1"])
    assert not verified_by(["https://en.wikipedia.org/wiki/X"])
    assert not verified_by(["https://en.wikipedia.org/wiki/X", "https://de.wikipedia.org/wiki/Y"])
    assert verified_by(["https://en.wikipedia.org/wiki/X", "https://www.bbc.co.uk/news/y"])
    assert not verified_by(["https://github.com/a/b", "https://gktoday.in/x"])


def test_the_first_year_rule_on_both_sides_of_the_day_and_with_beginning_in() -> None:
    def december_14(year: int) -> dt.date:
        return D(year, 12, 14)

    def march_20(year: int) -> dt.date:
        return D(year, 3, 20)

    assert first_year_from_adoption(D(2025, 12, 3), december_14) == 2025  # before the day
    assert first_year_from_adoption(D(2012, 6, 28), march_20) == 2013  # after the day
    assert first_year_from_adoption(D(2017, 12, 12), lambda y: D(y, 12, 12)) == 2018  # on it
    assert first_year_from_adoption(D(2007, 11, 26), lambda y: D(y, 2, 20), 2009) == 2009


def test_editions_confirmed_unconfirmed_and_unknown() -> None:
    reg = registry()
    (confirmed,) = occurrences_in_year(reg.get("south-south-cooperation"), 2027)
    assert (confirmed.edition, confirmed.edition_confirmed) == (24, True)
    (lower_bound,) = occurrences_in_year(reg.get("international-day-for-tolerance"), 2027)
    assert lower_bound.edition
    assert not lower_bound.edition_confirmed
    (unknown,) = occurrences_in_year(reg.get("world-post-day"), 2027)
    assert unknown.edition is None
    assert not unknown.edition_confirmed
    feed = build([confirmed, lower_bound, unknown], CalendarInfo("t", "d"), reg.revision).decode()
    assert "This is the 24th observance." in feed
    assert feed.count("observance.") == 1  # no number for the unconfirmed or unknown edition


def test_a_2027_feed_shows_every_decade_running_in_2027() -> None:
    reg = registry()
    found = occurrences(reg.observances, D(2027, 1, 1), D(2027, 12, 31), by_year=True)
    shown = {occ.id for occ in found if occ.part is not None}
    running = {
        obs.id
        for obs in reg.select(kinds=["decade"])
        if any(s.since <= 2027 <= (s.until or 0) for s in obs.dates)
    }
    assert "ocean-science-decade" in running
    assert shown == running
    ocean = next(o for o in found if o.id == "ocean-science-decade")
    assert ocean.part == (7, 10)
    feed = build([ocean], CalendarInfo("t", "d"), reg.revision).decode()
    assert "UID:ocean-science-decade-2027@observances" in feed
    assert "2030)\\, year 7 of 10" in feed.replace("\r\n ", "")


def test_no_dataset_reaches_a_feed() -> None:
    reg = registry()
    found = occurrences(reg.observances, D(2027, 1, 1), D(2027, 12, 31), by_year=True)
    feed = build(found, CalendarInfo("t", "d"), reg.revision).decode().replace("\r\n ", "")
    assert "github.com" not in feed
    assert "tnpscthervupettagam" not in feed
    assert "https://www.un.org/en/observances/braille-day" in feed

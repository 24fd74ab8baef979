"""What each VEVENT says: names by year, moves, spans, UIDs, SEQUENCE and reminders."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar, Component

from observances.calendar.feedset import feed_set
from observances.calendar.ical import CalendarInfo, build
from observances.occurrences import occurrences
from observances.registry import Registry, loads

SMALL = Path(__file__).resolve().parent / "data" / "registries" / "feed-small.yaml"
INFO = CalendarInfo("Test", "A test feed.")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return loads(SMALL.read_text(encoding="utf-8"), str(SMALL))


def events(
    registry: Registry, first: int = 2017, last: int = 2019, info: CalendarInfo = INFO
) -> dict[str, Component]:
    found = occurrences(registry.observances, dt.date(first, 1, 1), dt.date(last, 12, 31))
    cal = Calendar.from_ical(build(found, info, registry.revision))
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def dates(event: Component) -> tuple[dt.date, dt.date]:
    return event.decoded("DTSTART"), event.decoded("DTEND")


def test_a_renamed_day_carries_the_name_in_force_each_year(registry: Registry) -> None:
    found = events(registry)
    old = "International Day of Reflection on the Genocide in Rwanda"
    assert found["rwanda-genocide-reflection-2017@observances"]["SUMMARY"] == old
    assert str(found["rwanda-genocide-reflection-2018@observances"]["SUMMARY"]).startswith(
        "International Day of Reflection on the 1994 Genocide"
    )


def test_a_moved_date_keeps_its_uid(registry: Registry) -> None:
    moved = events(registry)["persons-with-disabilities-2018@observances"]
    assert dates(moved) == (dt.date(2018, 12, 4), dt.date(2018, 12, 5))
    assert "moved from 3 December 2018 to 4 December 2018" in str(moved["DESCRIPTION"])


def test_a_date_changed_by_resolution_keeps_the_yearly_uid(registry: Registry) -> None:
    found = events(registry)
    assert dates(found["south-south-cooperation-2018@observances"])[0] == dt.date(2018, 12, 19)
    assert dates(found["south-south-cooperation-2019@observances"])[0] == dt.date(2019, 9, 12)


def test_weeks_are_one_event_with_an_exclusive_end(registry: Registry) -> None:
    found = events(registry)
    assert dates(found["interfaith-harmony-week-2018@observances"]) == (
        dt.date(2018, 2, 1),
        dt.date(2018, 2, 8),
    )
    assert dates(found["science-and-peace-week-2019@observances"]) == (
        dt.date(2019, 11, 11),
        dt.date(2019, 11, 18),
    )


def test_an_international_year_shows_on_its_first_day(registry: Registry) -> None:
    year = events(registry)["indigenous-languages-year-2019@observances"]
    assert dates(year) == (dt.date(2019, 1, 1), dt.date(2019, 1, 2))
    assert "It runs from 1 January 2019 to 31 December 2019." in str(year["DESCRIPTION"])
    assert "observance." not in str(year["DESCRIPTION"])  # no "1st observance" of a one-off


def test_two_days_in_one_year_get_distinct_uids_whatever_the_window(registry: Registry) -> None:
    whole = events(registry, 2018, 2018)
    assert dates(whole["world-migratory-bird-day-2018@observances"])[0] == dt.date(2018, 5, 12)
    assert dates(whole["world-migratory-bird-day-2018-2@observances"])[0] == dt.date(2018, 10, 13)
    found = occurrences(registry.observances, dt.date(2018, 6, 1), dt.date(2018, 12, 31))
    late = Calendar.from_ical(build(found, INFO, registry.revision))
    uids = {str(e["UID"]) for e in late.walk("VEVENT")}
    assert "world-migratory-bird-day-2018-2@observances" in uids
    assert "world-migratory-bird-day-2018@observances" not in uids


def test_description_gives_edition_history_and_sources(registry: Registry) -> None:
    text = str(events(registry)["south-south-cooperation-2019@observances"]["DESCRIPTION"])
    first, second = text.splitlines()[:2]
    assert first.startswith("The General Assembly established the Day by resolution A/RES/58/220")
    assert second == "This is the 16th observance."
    assert "- 19 December, 2004-2018 (A/RES/58/220)" in text
    assert "- 12 September, from 2019 (TEST/CHANGE/2019)" in text
    assert "A/RES/58/220, adopted 23 December 2003: https://undocs.org/A/RES/58/220" in text


def test_url_categories_and_transparency(registry: Registry) -> None:
    event = events(registry)["rwanda-genocide-reflection-2019@observances"]
    assert event["URL"] == "https://www.un.org/en/observances/tutsi-genocide-rwanda-day"
    assert event["TRANSP"] == "TRANSPARENT"
    # in a feed of the set, categories carry the themes' names, not the tags
    served = Calendar.from_ical(feed_set(registry, None)["all"].build(registry, None, (2019, 2019)))
    rwanda = next(e for e in served.walk("VEVENT") if str(e["UID"]) == str(event["UID"]))
    assert rwanda.decoded("CATEGORIES") == ["Atrocity prevention", "Human rights"]


def test_sequence_and_last_modified_follow_the_entry_revision(registry: Registry) -> None:
    found = events(registry)
    own = found["rwanda-genocide-reflection-2019@observances"]
    assert own["SEQUENCE"] == 20180201
    assert own.decoded("LAST-MODIFIED") == dt.datetime(2018, 2, 1, tzinfo=dt.UTC)
    other = found["world-habitat-day-2019@observances"]
    assert other["SEQUENCE"] == 20190630  # no `revised`: the registry's revision


def test_sequence_rises_when_an_entry_is_revised(registry: Registry) -> None:
    before = events(registry)["persons-with-disabilities-2018@observances"].decoded("SEQUENCE")
    edited = tuple(
        dataclasses.replace(obs, revised=dt.date(2019, 9, 1))
        if obs.id == "persons-with-disabilities"
        else obs
        for obs in registry.observances
    )
    after_registry = dataclasses.replace(registry, observances=edited)
    after = events(after_registry)["persons-with-disabilities-2018@observances"].decoded("SEQUENCE")
    assert after > before


def test_no_reminders_by_default(registry: Registry) -> None:
    assert all(not event.subcomponents for event in events(registry).values())


def test_reminders_at_the_configured_lead_times(registry: Registry) -> None:
    info = CalendarInfo("Test", "A test feed.", alarm_days=(7, 1))
    event = events(registry, info=info)["world-habitat-day-2018@observances"]
    alarms = event.walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [-dt.timedelta(days=7), -dt.timedelta(1)]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}

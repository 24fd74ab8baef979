"""The rules every feed line keeps, checked on the golden feed of a small registry (its exact
bytes are compared in test_snapshots.py)."""

from __future__ import annotations

import re

import pytest
from conftest import snapshots


@pytest.fixture(scope="module")
def feed() -> bytes:
    built: bytes = snapshots().feed_small()
    return built


def test_building_twice_gives_the_same_bytes(feed: bytes) -> None:
    assert snapshots().feed_small() == feed


def test_lines_end_in_crlf_and_fold_at_75_octets(feed: bytes) -> None:
    assert feed.endswith(b"\r\n")
    lines = feed.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # a fold never splits a UTF-8 sequence


def _unfolded(feed: bytes) -> list[str]:
    return feed.decode().replace("\r\n ", "").split("\r\n")


def test_every_event_is_all_day_with_an_exclusive_end(feed: bytes) -> None:
    lines = _unfolded(feed)
    starts = [line for line in lines if line.startswith("DTSTART")]
    ends = [line for line in lines if line.startswith("DTEND")]
    assert len(starts) == len(ends) == 25
    for start, end in zip(starts, ends, strict=True):
        assert start.startswith("DTSTART;VALUE=DATE:")
        assert end.startswith("DTEND;VALUE=DATE:")
        assert end.split(":")[1] > start.split(":")[1]


def test_uids_are_unique_and_derived_from_id_and_year(feed: bytes) -> None:
    uids = [line[4:] for line in _unfolded(feed) if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) == 25
    assert "world-migratory-bird-day-2018@observances" in uids
    assert "world-migratory-bird-day-2018-2@observances" in uids
    assert all(re.fullmatch(r"[a-z0-9-]+-20(17|18|19)(-2)?@observances", uid) for uid in uids)


def test_no_recurrence_and_no_clock(feed: bytes) -> None:
    text = feed.decode()
    for word in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"):
        assert word not in text
    lines = _unfolded(feed)
    stamps = [line.split(":", 1)[1] for line in lines if line.startswith("DTSTAMP")]
    modified = [line.split(":", 1)[1] for line in lines if line.startswith("LAST-MODIFIED")]
    # each event's DTSTAMP is its LAST-MODIFIED: an entry's `revised`, else the registry's
    # revision; never the clock (the calendar's own LAST-MODIFIED comes first)
    assert stamps == modified[1:]
    assert set(stamps) == {"20190630T000000Z", "20180201T000000Z"}


def test_calendar_properties(feed: bytes) -> None:
    lines = _unfolded(feed)
    for expected in (
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "CALSCALE:GREGORIAN",
        "NAME:UN observances (test)",
        "X-WR-CALNAME:UN observances (test)",
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
    ):
        assert expected in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert any(line.startswith("DESCRIPTION:The feed-small") for line in lines)

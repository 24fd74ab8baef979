"""Freshness follows content: ETag and Last-Modified change whenever the served bytes change
(a profile edit, a settings edit, the window's shift on 1 January), and `If-Modified-Since`
never answers 304 for bytes the client has not seen. On the app, in process, with moved clocks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar
from starlette.testclient import TestClient
from web_support import make_app, workspace

from observances.settings import Settings


class Clock:
    """A clock a test moves: `now` for Last-Modified, `today` for the window."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def today(self) -> dt.date:
        return self.at.date()

    def move(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def revalidate(client: TestClient, path: str, seen: dict[str, str]) -> int:
    """What a client that saw `seen` (a response's headers) gets, by date and by tag."""
    by_date = client.get(path, headers={"if-modified-since": seen["last-modified"]})
    by_tag = client.get(path, headers={"if-none-match": seen["etag"]})
    assert by_date.status_code == by_tag.status_code, path
    return by_date.status_code


def test_a_profile_edit_changes_the_marked_feed_and_its_dates(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    clock = Clock(dt.datetime(2018, 6, 15, 12, tzinfo=dt.UTC))
    app, live = make_app(registry, profile, now=clock.now, today=clock.today)
    with TestClient(app) as client:
        before = client.get("/feeds/marked.ics")
        untouched = client.get("/feeds/all.ics")
        assert revalidate(client, "/feeds/marked.ics", dict(before.headers)) == 304

        clock.move(minutes=5)
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace("[human-rights]", "[environment]"), encoding="utf-8")
        live.refresh()
        after = client.get("/feeds/marked.ics")
        assert after.content != before.content
        assert after.headers["etag"] != before.headers["etag"]
        assert after.headers["last-modified"] == "Fri, 15 Jun 2018 12:05:00 GMT"
        assert revalidate(client, "/feeds/marked.ics", dict(before.headers)) == 200
        assert revalidate(client, "/feeds/marked.ics", dict(after.headers)) == 304
        # `all` reads no profile: same bytes, same validators, still 304
        assert (
            client.get("/feeds/all.ics").headers["last-modified"]
            == (untouched.headers["last-modified"])
        )
        assert revalidate(client, "/feeds/all.ics", dict(untouched.headers)) == 304


def test_a_change_within_the_same_second_still_moves_last_modified(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    clock = Clock(dt.datetime(2018, 6, 15, 12, tzinfo=dt.UTC))
    app, live = make_app(registry, profile, now=clock.now, today=clock.today)
    with TestClient(app) as client:
        before = client.get("/feeds/marked.ics")
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace("[human-rights]", "[environment]"), encoding="utf-8")
        live.refresh()  # the clock has not moved
        after = client.get("/feeds/marked.ics")
        assert after.headers["last-modified"] == "Fri, 15 Jun 2018 12:00:01 GMT"
        assert revalidate(client, "/feeds/marked.ics", dict(before.headers)) == 200


def test_the_window_shift_on_1_january_is_new_content(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    clock = Clock(dt.datetime(2018, 12, 31, 23, 59, tzinfo=dt.UTC))
    app, _ = make_app(registry, profile, now=clock.now, today=clock.today)
    with TestClient(app) as client:
        december = client.get("/feeds/all.ics")
        clock.move(minutes=2)  # 1 January 2019, 00:01
        assert revalidate(client, "/feeds/all.ics", dict(december.headers)) == 200
        january = client.get("/feeds/all.ics")
        assert january.content != december.content
        assert january.headers["last-modified"] == "Tue, 01 Jan 2019 00:01:00 GMT"
        assert b"DTSTART;VALUE=DATE:2020" in january.content
        assert b"DTSTART;VALUE=DATE:2020" not in december.content


def test_a_settings_edit_is_new_content_after_the_restart(tmp_path: Path) -> None:
    # settings are read at start: the edited server is a new process, with a later clock
    registry, profile = workspace(tmp_path)
    clock = Clock(dt.datetime(2018, 6, 15, 12, tzinfo=dt.UTC))
    first, _ = make_app(registry, profile, now=clock.now, today=clock.today)
    with TestClient(first) as client:
        seen = dict(client.get("/feeds/human-rights.ics").headers)
    clock.move(hours=1)
    edited = Settings(feed_alarm_days=(3,), feed_years_ahead=1)
    second, _ = make_app(registry, profile, now=clock.now, today=clock.today, settings=edited)
    with TestClient(second) as client:
        assert revalidate(client, "/feeds/human-rights.ics", seen) == 200
        now = client.get("/feeds/human-rights.ics")
        assert b"BEGIN:VALARM" in now.content
        assert now.headers["last-modified"] == "Fri, 15 Jun 2018 13:00:00 GMT"


def event_stamps(body: bytes) -> dict[str, tuple[int, dt.datetime, str]]:
    cal = Calendar.from_ical(body)
    return {
        str(e["UID"]): (int(e.decoded("SEQUENCE")), e.decoded("LAST-MODIFIED"), str(e["SUMMARY"]))
        for e in cal.walk("VEVENT")
    }


def test_sequence_and_last_modified_follow_each_events_content(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    clock = Clock(dt.datetime(2019, 8, 1, 12, tzinfo=dt.UTC))  # after the revision
    stamps = tmp_path / "data" / "feed-stamps.json"
    app, live = make_app(registry, profile, now=clock.now, today=clock.today, stamps=stamps)
    with TestClient(app) as client:
        before = event_stamps(client.get("/feeds/all.ics").content)
        # a new revision date alone changes no event
        text = registry.read_text(encoding="utf-8")
        revision = next(line for line in text.splitlines() if line.startswith("revision:"))
        registry.write_text(text.replace(revision, "revision: 2019-07-01"), encoding="utf-8")
        clock.move(days=1)
        live.refresh()
        assert event_stamps(client.get("/feeds/all.ics").content) == before
        # a renamed observance changes its own events, and only those
        clock.move(days=1)
        text = registry.read_text(encoding="utf-8")
        registry.write_text(
            text.replace("name: World Migratory Bird Day", "name: World Migratory Birds Day"),
            encoding="utf-8",
        )
        live.refresh()
        after = event_stamps(client.get("/feeds/all.ics").content)
    changed = {uid for uid in after if after[uid] != before[uid]}
    assert changed
    assert all(uid.startswith("world-migratory-bird-day-") for uid in changed)
    for uid in changed:
        # one up, or the registry's own (higher) number for a revision made since
        assert after[uid][0] == max(before[uid][0] + 1, 20190701)
        assert after[uid][1] == dt.datetime(2019, 8, 3, 12, tzinfo=dt.UTC)
    # the stamps outlive the process: a restarted server publishes the same SEQUENCE
    again, _ = make_app(registry, profile, now=clock.now, today=clock.today, stamps=stamps)
    with TestClient(again) as client:
        assert event_stamps(client.get("/feeds/all.ics").content) == after

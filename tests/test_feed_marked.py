"""The `marked` feed says what the team needs: that the organization marks the observance, the
programs it concerns, and the local date each draft goes out, the planner's dates; reminders
are off unless set, and the marked feed's own reminder stays in that feed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from icalendar import Calendar
from starlette.testclient import TestClient
from web_support import make_app, workspace

from observances import defaults, wiring
from observances.calendar.feedset import feed_set
from observances.calendar.ical import uid
from observances.delivery.planner import plan
from observances.profile import load_profile
from observances.registry import load
from observances.settings import Settings
from observances.words import for_language

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_each_marked_event_gives_the_planners_draft_dates_in_the_zone() -> None:
    registry = load(Path(defaults.REGISTRY))
    profile = load_profile(Path(defaults.PROFILE), registry)
    settings = Settings(timezone="Europe/Paris", send_time=dt.time(23, 30))
    options = wiring.feed_options(settings)
    assert options.send_at == "23:30 (Europe/Paris)"
    feeds = feed_set(registry, profile)
    body = feeds["marked"].build(registry, profile, (2027, 2027), send_at=options.send_at)
    events = {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    sends = plan(
        registry,
        profile,
        zone=PARIS,
        send_time=dt.time(23, 30),
        first_day=dt.date(2027, 1, 1),
        last_day=dt.date(2027, 12, 31),
    )
    assert sends
    words = for_language("en")
    for send in sends:
        occ = send.occurrence
        text = str(events[uid(occ)]["DESCRIPTION"])
        assert f"{profile.name} marks this observance." in text
        # the planner's instant, read on Paris's wall clock, is the date the feed states
        local = send.send_at.astimezone(PARIS)
        assert (local.hour, local.minute) == (23, 30)
        assert words.long_date(local.date()) in text, (occ.id, local)
        assert "at 23:30 (Europe/Paris)." in text
        for program in profile.programs_for(occ.observance):
            assert program.name in text
    # the unmarked feeds carry none of this
    plain = feeds["all"].build(registry, profile, (2027, 2027))
    assert b"marks this observance" not in plain
    assert b"Draft email" not in plain


def test_reminders_are_off_by_default_and_the_marked_one_stays_in_its_feed(
    tmp_path: Path,
) -> None:
    registry, profile = workspace(tmp_path)
    app, _ = make_app(registry, profile)
    with TestClient(app) as client:
        assert b"BEGIN:VALARM" not in client.get("/feeds/marked.ics").content
        assert b"BEGIN:VALARM" not in client.get("/feeds/all.ics").content
    settings = Settings(feed_marked_alarm_days=(14,))
    app, _ = make_app(registry, profile, settings=settings)
    with TestClient(app) as client:
        marked = Calendar.from_ical(client.get("/feeds/marked.ics").content)
        alarms = [a for e in marked.walk("VEVENT") for a in e.walk("VALARM")]
        assert alarms
        assert {a.decoded("TRIGGER") for a in alarms} == {-dt.timedelta(days=14)}
        assert b"BEGIN:VALARM" not in client.get("/feeds/all.ics").content

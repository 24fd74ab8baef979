"""The budget: every feed the server emits stays under 1,000,000 bytes and 1,000 events, so
that Google Calendar (which stops near 1 MB) reads it whole; a window that would exceed it is
refused with the feed, its size and the way out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_cli
from icalendar import Calendar
from starlette.testclient import TestClient
from web_support import make_app, workspace

from observances import defaults, wiring
from observances.calendar.feedset import Budget, FeedOptions, OverBudget, feed_set
from observances.errors import InputError
from observances.profile import load_profile
from observances.registry import load
from observances.settings import Settings

BUDGET = Budget()


def test_every_default_feed_of_the_full_registry_is_within_the_budget() -> None:
    today = dt.date(2026, 11, 29)
    registry = load(Path(defaults.REGISTRY))
    profile = load_profile(Path(defaults.PROFILE), registry)
    options = wiring.feed_options(Settings())
    feeds = feed_set(registry, profile)
    assert {"all", "marked", "human-rights"} <= set(feeds)
    for feed in feeds.values():
        body = feed.build(registry, profile, options.years(today, feed.name), budget=None)
        events = Calendar.from_ical(body).walk("VEVENT")
        assert len(body) < BUDGET.max_bytes, feed.name
        assert 0 < len(events) < BUDGET.max_events, feed.name


def test_an_archive_year_of_the_full_registry_is_within_the_budget() -> None:
    registry = load(Path(defaults.REGISTRY))
    body = feed_set(registry, None)["all"].build(registry, None, (2020, 2020))
    years = {e.decoded("DTSTART").year for e in Calendar.from_ical(body).walk("VEVENT")}
    assert years == {2020}
    assert len(body) < BUDGET.max_bytes


def test_a_feed_over_the_budget_is_an_error_naming_it_its_size_and_the_way_out() -> None:
    registry = load(Path(defaults.REGISTRY))
    feed = feed_set(registry, None)["all"]
    with pytest.raises(OverBudget) as raised:
        feed.build(registry, None, (2025, 2029))  # the old default: five years
    message = str(raised.value)
    assert "feed 'all' (2025-2029) is " in message
    assert f"{raised.value.events:,} events" in message
    assert raised.value.events > BUDGET.max_events
    assert "narrow its window" in message
    assert "/feeds/<tag>.ics" in message
    with pytest.raises(OverBudget, match=r"feed 'all' \(2026\) is [\d,]+ bytes"):
        feed.build(registry, None, (2026, 2026), budget=Budget(max_bytes=10_000))


def test_a_settings_change_past_the_budget_is_refused_at_start(tmp_path: Path) -> None:
    settings = Settings(feed_windows={"all": (1, 3)})
    files = wiring.live_files(settings)
    with pytest.raises(InputError, match=r"feed 'all' \(\d{4}-\d{4}\) is 1,\d{3} events"):
        wiring.web_app(settings, files, poll_seconds=0)
    # the default settings start
    wiring.web_app(Settings(), wiring.live_files(Settings()), poll_seconds=0)


def test_validate_reports_a_feed_over_the_budget(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_cli(capsys, "validate")
    assert code == 0
    assert "within the budget of 1,000,000 bytes and 1,000 events" in out
    monkeypatch.setenv("OBSERVANCES_FEED_WINDOWS", '{"all": [1, 3]}')
    code, _, err = run_cli(capsys, "validate")
    assert code == 2
    assert "feed 'all' (" in err
    assert "narrow its window" in err


def test_the_server_refuses_bytes_over_the_budget_with_503(tmp_path: Path) -> None:
    # a window can pass the start (events are counted) and still exceed in bytes: the server
    # answers 503, and a subscriber keeps its last copy rather than a calendar cut short
    registry, profile = workspace(tmp_path)
    app, _ = make_app(registry, profile)
    app.state.feed_cache._options = FeedOptions(1, 2, budget=Budget(max_bytes=2_000))
    with TestClient(app) as client:
        response = client.get("/feeds/all.ics")
    assert response.status_code == 503
    assert "feed 'all' (2018-2019) is " in response.text


def test_archive_feeds_serve_one_past_year(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    app, _ = make_app(registry, profile)  # today: 15 June 2018
    with TestClient(app) as client:
        past = client.get("/feeds/all/2016.ics")
        assert past.status_code == 200
        assert past.headers["content-disposition"] == 'inline; filename="all-2016.ics"'
        years = {e.decoded("DTSTART").year for e in Calendar.from_ical(past.content).walk("VEVENT")}
        assert years == {2016}
        assert client.get("/feeds/human-rights/2017.ics").status_code == 200
        spanish = client.get("/feeds/all/2016.es.ics")  # an archive in another language
        assert spanish.status_code == 200
        assert spanish.headers["content-disposition"] == 'inline; filename="all-2016.es.ics"'
        assert spanish.headers["etag"] != past.headers["etag"]
        assert b"LANGUAGE=es" in spanish.content
        for absent in (
            "/feeds/all/2018.ics",
            "/feeds/all/1800.ics",
            "/feeds/nothing/2016.ics",
            "/feeds/all/2016.xx.ics",
        ):
            assert client.get(absent).status_code == 404, absent

"""wiring.py turns settings into the objects the rest takes; these check that the pieces it
builds agree with each other (one "today", one feed set)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from service_kit import FakeClock, at, profile, registry
from starlette.testclient import TestClient
from web_support import workspace

from observances import wiring
from observances.drafts.templates import TemplateSet
from observances.occurrences import occurrences_in_year
from observances.settings import Settings

# 12:00 UTC on New Year's Eve is already 1 January on Kiritimati (UTC+14)
NEW_YEARS_EVE_NOON = dt.datetime(2018, 12, 31, 12, tzinfo=dt.UTC)


def test_today_is_the_date_in_the_configured_zone() -> None:
    def now() -> dt.datetime:
        return NEW_YEARS_EVE_NOON

    assert wiring.local_today(Settings(timezone="Pacific/Kiritimati"), now)() == dt.date(2019, 1, 1)
    assert wiring.local_today(Settings(timezone="America/New_York"), now)() == dt.date(2018, 12, 31)


def test_the_web_app_places_its_window_by_the_configured_zone(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    settings = Settings(
        registry=registry,
        profile=profile,
        timezone="Pacific/Kiritimati",
        data_dir=tmp_path / "data",
        status_token="token",
    )
    files = wiring.live_files(settings, lambda: NEW_YEARS_EVE_NOON)
    app = wiring.web_app(settings, files, now=lambda: NEW_YEARS_EVE_NOON, poll_seconds=0)
    with TestClient(app) as client:
        status = client.get("/status", headers={"authorization": "Bearer token"}).json()
        assert status["feed_window"] == [2018, 2021]
        assert status["feed_windows"]["all"] == [2019, 2020]  # feed_windows: this year, next


def test_the_draft_renderer_counts_days_on_the_clock_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "statement.md.j2").write_text(
        "Subject: in {{ occurrence.days_until }} days\n\nBody\n", encoding="utf-8"
    )
    templates = TemplateSet.load(tmp_path)
    clock = FakeClock(at("2027-09-05T10:00:00"))
    today = wiring.local_today(Settings(timezone="UTC"), clock)
    renderer = wiring.draft_renderer(profile, lambda: templates, today)
    occurrence = occurrences_in_year(registry().get("south-south-cooperation"), 2027)[0]
    assert renderer(occurrence, 7).subject == "in 7 days"
    clock.advance(days=6)
    assert renderer(occurrence, 1).subject == "in 1 days"

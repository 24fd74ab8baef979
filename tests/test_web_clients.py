"""Real clients written by others read the feed over real HTTP and must list exactly what
`observances upcoming --json` prints for the same window.

- ical.js (Mozilla's parser, the one Thunderbird uses), run by the machine's node;
- python's recurring-ical-events, the library calendar tools use to expand events.
Neither is optional: `.ci/run` installs both (`npm ci --prefix tests/clients/icaljs`).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import recurring_ical_events
import uvicorn
from icalendar import Calendar

from observances.calendar.ical import LONG_SPAN_DAYS
from observances.registry import load
from observances.settings import Settings
from observances.web.app import create_app
from observances.web.state import live_files
from observances.wiring import feed_options

ROOT = Path(__file__).resolve().parent.parent
ICALJS = ROOT / "tests" / "clients" / "icaljs"
TODAY = dt.date(2026, 6, 15)  # `all`: 2026 and 2027 with the default settings
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2027, 12, 31)

Row = tuple[str, str, str]  # start, exclusive end, name


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The real app on uvicorn, on a free port of 127.0.0.1, in a background thread."""
    live = live_files(
        ROOT / "observances.yaml",
        ROOT / "profiles" / "aipr.yaml",
        now=lambda: dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC),
    )
    app = create_app(live, feed_options(Settings()), today=lambda: TODAY, poll_seconds=0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def expected() -> set[Row]:
    """What the CLI says, as a calendar shows it: end exclusive; a span longer than a month
    (an international year) on its first day, as docs/feeds.md explains."""
    out = subprocess.run(
        [sys.executable, "-m", "observances", "upcoming", "--json",
         "--from", FIRST.isoformat(), "--to", LAST.isoformat()],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    rows: set[Row] = set()
    for occ in json.loads(out.stdout):
        if occ["kind"] == "decade":
            continue  # a feed shows a decade in each of its years, added below
        start, end = dt.date.fromisoformat(occ["start"]), dt.date.fromisoformat(occ["end"])
        if (end - start).days + 1 > LONG_SPAN_DAYS:
            end = start
        rows.add((start.isoformat(), (end + dt.timedelta(days=1)).isoformat(), occ["name"]))
    for decade in load(ROOT / "observances.yaml").select(kinds=["decade"]):
        for span in decade.dates:
            assert span.until is not None
            for year in range(max(span.since, FIRST.year), min(span.until, LAST.year) + 1):
                n, k = span.until - span.since + 1, year - span.since + 1
                name = f"{decade.name_in(year)} ({span.since}\u2013{span.until}), year {k} of {n}"
                rows.add((f"{year}-01-01", f"{year}-01-02", name))
    assert len(rows) > 50
    days = [dt.date.fromisoformat(end) - dt.date.fromisoformat(start) for start, end, _ in rows]
    assert max(days) > dt.timedelta(days=1), "the window should hold multi-day spans"
    return rows


def test_icaljs_lists_exactly_the_occurrences(server: str, expected: set[Row]) -> None:
    assert (ICALJS / "node_modules" / "ical.js").is_dir(), (
        "run: npm ci --prefix tests/clients/icaljs"
    )
    out = subprocess.run(
        ["node", str(ICALJS / "list-events.mjs"), f"{server}/feeds/all.ics",
         FIRST.isoformat(), (LAST + dt.timedelta(days=1)).isoformat()],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result["contentType"] == "text/calendar; charset=utf-8"
    events = result["events"]
    assert all(e["allDay"] for e in events)
    assert len({e["uid"] for e in events}) == len(events)
    assert len(events) == len(expected)
    assert {(e["start"], e["end"], e["summary"]) for e in events} == expected


def test_recurring_ical_events_lists_exactly_the_occurrences(
    server: str, expected: set[Row]
) -> None:
    with urllib.request.urlopen(f"{server}/feeds/all.ics", timeout=30) as response:
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        calendar = Calendar.from_ical(response.read())
    events = recurring_ical_events.of(calendar).between(FIRST, LAST + dt.timedelta(days=1))
    rows = {
        (e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat(), str(e["SUMMARY"]))
        for e in events
    }
    assert len(events) == len(expected)
    assert rows == expected


@pytest.mark.parametrize("language", ["fr", "ar", "zh", "ru"])
def test_icaljs_reads_each_language_feed_with_the_english_feeds_events(
    server: str, expected: set[Row], language: str
) -> None:
    def events(name: str) -> list[dict[str, object]]:
        out = subprocess.run(
            ["node", str(ICALJS / "list-events.mjs"), f"{server}/feeds/{name}",
             FIRST.isoformat(), (LAST + dt.timedelta(days=1)).isoformat()],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        found: list[dict[str, object]] = json.loads(out.stdout)["events"]
        return found

    english, other = events("all.ics"), events(f"all.{language}.ics")
    assert len(other) == len(expected)
    assert sorted((e["uid"], e["start"], e["end"]) for e in other) == sorted(
        (e["uid"], e["start"], e["end"]) for e in english
    )
    # names in that language where a source gives one: not the English titles throughout
    assert {e["summary"] for e in other} != {e["summary"] for e in english}

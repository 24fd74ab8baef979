"""Editing the registry while the server runs: new feeds on a good edit, the last good
version and a reported problem on a bad one."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from starlette.testclient import TestClient
from web_support import STATUS_AUTH, TODAY, make_app, noon_utc, workspace

from observances.settings import Settings
from observances.web.app import create_app
from observances.web.state import live_files
from observances.wiring import feed_options


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_changes_the_feed_and_its_etag(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    app, live = make_app(registry, profile)
    with TestClient(app) as client:
        before = client.get("/feeds/all.ics")
        assert live.refresh() is False  # nothing changed: nothing reloaded
        edit(registry, "name: World Habitat Day", "name: World Habitat Day (renamed)")
        assert live.refresh() is True
        after = client.get("/feeds/all.ics")
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        assert b"SUMMARY:World Habitat Day (renamed)" in after.content
        stale = client.get("/feeds/all.ics", headers={"if-none-match": before.headers["etag"]})
        assert stale.status_code == 200


def test_a_bad_edit_keeps_the_last_good_feed_and_reports_it(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    app, live = make_app(registry, profile)
    with TestClient(app) as client:
        good = client.get("/feeds/all.ics")
        edit(registry, 'rule: {date: "12-03"}', 'rule: {date: "13-03"}')
        assert live.refresh() is False
        served = client.get("/feeds/all.ics")
        assert served.status_code == 200
        assert served.content == good.content
        health = client.get("/healthz")
        assert health.status_code == 200  # still serving: degraded, not down
        assert health.json() == {"status": "degraded"}
        body = client.get("/status", headers=STATUS_AUTH).json()
        assert body["status"] == "degraded"
        messages = [p["message"] for p in body["problems"]]
        assert any("13-03" in m and "observances.yaml" in m for m in messages)
        assert dt.datetime.fromisoformat(body["problems"][0]["at"]).tzinfo is not None

        edit(registry, 'rule: {date: "13-03"}', 'rule: {date: "12-03"}')
        assert live.refresh() is True
        fixed = client.get("/status", headers=STATUS_AUTH).json()
        assert (fixed["status"], fixed["problems"]) == ("ok", [])


def test_a_deleted_registry_keeps_the_last_good_feed(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    app, live = make_app(registry, profile)
    with TestClient(app) as client:
        good = client.get("/feeds/all.ics").content
        registry.unlink()
        assert live.refresh() is False
        assert client.get("/feeds/all.ics").content == good
        assert client.get("/healthz").json()["status"] == "degraded"


def test_a_profile_edit_changes_the_marked_feed(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    app, live = make_app(registry, profile)
    with TestClient(app) as client:
        before = client.get("/feeds/marked.ics")
        assert b"World Habitat Day" not in before.content
        edit(profile, "tags: [human-rights]", "tags: [human-rights]\n  ids: [world-habitat-day]")
        assert live.refresh() is True
        after = client.get("/feeds/marked.ics")
        assert b"World Habitat Day" in after.content
        assert after.headers["etag"] != before.headers["etag"]


def test_the_running_app_polls_for_edits(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    live = live_files(registry, profile, now=noon_utc)
    app = create_app(live, feed_options(Settings()), today=lambda: TODAY, poll_seconds=0.05)
    with TestClient(app) as client:
        before = client.get("/feeds/all.ics").headers["etag"]
        edit(registry, "name: World Habitat Day", "name: World Habitat Day (polled)")
        deadline = time.monotonic() + 10
        while client.get("/feeds/all.ics").headers["etag"] == before:
            assert time.monotonic() < deadline, "the edit was not picked up"
            time.sleep(0.05)

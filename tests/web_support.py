"""Helpers shared by the web tests: a registry copy to edit, and an app over it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette

from observances.reloading import Live
from observances.settings import FeedSpec, Settings
from observances.web.app import HealthCheck, create_app
from observances.web.auth import Accounts, Sessions
from observances.web.desk import DeskConfig
from observances.web.state import Loaded, live_files
from observances.wiring import configured_feeds, feed_options

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "registries" / "feed-small.yaml"
TODAY = dt.date(2018, 6, 15)  # windows: 2017-2020 by default, 2018-2019 for `all`
STATUS_TOKEN = "status-token-for-tests"
STATUS_AUTH = {"authorization": f"Bearer {STATUS_TOKEN}"}


def noon_utc() -> dt.datetime:
    """When the files were loaded, or a reload failed: a fixed instant, as tests want."""
    return dt.datetime(2018, 6, 15, 12, tzinfo=dt.UTC)


PROFILE = """\
name: Test Organization for <Peace> & "Rights"
short_name: TO
marks:
  tags: [human-rights]
"""


def workspace(tmp_path: Path, registry: Path = SMALL) -> tuple[Path, Path]:
    """Copies of a registry and a profile that a test may edit."""
    registry_copy = tmp_path / "observances.yaml"
    shutil.copyfile(registry, registry_copy)
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    return registry_copy, profile


def _constant(check: HealthCheck) -> Callable[[], HealthCheck]:
    return lambda: check


def make_app(
    registry: Path,
    profile: Path,
    *,
    feeds: tuple[FeedSpec, ...] = (),
    checks: tuple[HealthCheck, ...] = (),
    today: dt.date | Callable[[], dt.date] = TODAY,
    now: Callable[[], dt.datetime] = noon_utc,
    settings: Settings | None = None,
    stamps: Path | None = None,
) -> tuple[Starlette, Live[Loaded]]:
    """The app over copies of the files, with the default feed windows (or those of
    `settings`); configured feeds become the calendar's type as `observances run` makes them
    (wiring.configured_feeds). `today` and `now` may be clocks a test moves."""
    live = live_files(registry, profile, configured_feeds(Settings(feeds=feeds)), now=noon_utc)
    app = create_app(
        live,
        feed_options(settings or Settings()),
        health_checks=[_constant(c) for c in checks],
        status=lambda: {"outbox": {"pending": 0}},
        today=today if callable(today) else (lambda: today),
        now=now,
        stamps_path=stamps,
        poll_seconds=0,
        desk=DeskConfig(
            Accounts({}),
            Sessions(b"a secret for the tests only", clock=lambda: 1.8e9),
            None,
            None,
            status_token=STATUS_TOKEN,
        ),
    )
    return app, live

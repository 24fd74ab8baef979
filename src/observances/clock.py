"""The one place that reads the system clock. Everything else takes dates as arguments.

Testing aid: when OBSERVANCES_FAKE_NOW holds an ISO 8601 instant with an offset (for example
`2027-09-05T09:00:30+00:00`), `now()` starts at that instant when first called and then runs
at normal speed. It exists so that a test can start the service as a subprocess at a chosen
moment; it is not a setting and is not meant for production.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time

FAKE_NOW_ENV = "OBSERVANCES_FAKE_NOW"


@functools.cache
def _fake_origin(value: str) -> tuple[dt.datetime, float]:
    start = dt.datetime.fromisoformat(value)
    if start.tzinfo is None:
        raise ValueError(f"{FAKE_NOW_ENV}={value}: give an offset, such as +00:00")
    return start.astimezone(dt.UTC), time.monotonic()


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    fake = os.environ.get(FAKE_NOW_ENV)
    if fake:
        start, origin = _fake_origin(fake)
        return start + dt.timedelta(seconds=time.monotonic() - origin)
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date where this process runs (its local time zone)."""
    if os.environ.get(FAKE_NOW_ENV):
        return now().astimezone().date()
    return dt.datetime.now().astimezone().date()


def monotonic() -> float:
    """Seconds on a clock that never jumps: for ages such as the service's heartbeat."""
    return time.monotonic()

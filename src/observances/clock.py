"""The one place that reads the system clock. Everything else takes dates as arguments."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date where this process runs (its local time zone)."""
    return dt.datetime.now().astimezone().date()

"""Bytes and events of every feed the server serves, for the full registry (issue 16).

    .venv/bin/python bench/feed_sizes.py [YYYY-MM-DD]

Each feed of the default set (`all`, `marked`, one per tag) is built over the window the
default settings give it on the date (default: today), and one archive year (last year's
`all`); the table says how much of the budget (1,000,000 bytes, 1,000 events: what Google
Calendar reads whole) each uses, largest first. Results go to stdout only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from observances import wiring
from observances.calendar.feedset import feed_set
from observances.profile import load_profile
from observances.registry import load
from observances.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    today = dt.date.fromisoformat(argv[0]) if argv else dt.datetime.now(dt.UTC).date()
    settings = Settings()
    options = wiring.feed_options(settings)
    registry = load(ROOT / "observances.yaml")
    profile = load_profile(ROOT / "profiles" / "aipr.yaml", registry)
    rows = []
    for feed in feed_set(registry, profile).values():
        years = options.years(today, feed.name)
        body = feed.build(registry, profile, years, budget=None, send_at=options.send_at)
        rows.append((feed.name, years, len(body), body.count(b"BEGIN:VEVENT")))
    archive = (today.year - 1, today.year - 1)
    body = feed_set(registry, profile)["all"].build(registry, profile, archive, budget=None)
    rows.append((f"all/{archive[0]}", archive, len(body), body.count(b"BEGIN:VEVENT")))
    budget = options.budget
    print(f"feeds on {today} (budget: {budget.max_bytes:,} bytes, {budget.max_events:,} events)")
    print(f"{'feed':24} {'years':10} {'bytes':>10} {'events':>7} {'of budget':>10}")
    for name, (first, last), size, events in sorted(rows, key=lambda r: -r[2]):
        used = max(size / budget.max_bytes, events / budget.max_events)
        print(f"{name:24} {first}-{last}  {size:>10,} {events:>7,} {used:>10.0%}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""How long building the default feed of a full-size registry takes (target: 500 ms).

    .venv/bin/python bench/feed_build.py [RUNS]

The full registry (observances.yaml) over five years (2025-2029: the default window before
issue 16, kept so figures compare over time; `all` now serves two, see bench/feed_sizes.py)
is built RUNS times; the median is printed, with the same events built the naive
way (`Component.add` for every property, which infers each value's type) for comparison, and
where the time goes according to cProfile. Results go to stdout only.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import pstats
import statistics
import sys
import time
from pathlib import Path

from icalendar import Calendar, Event

from observances.calendar.ical import (
    CalendarInfo,
    build,
    description,
    history,
    revised,
    sequence,
    shown_end,
    uid,
)
from observances.occurrences import Occurrence, occurrences
from observances.registry import load

ROOT = Path(__file__).resolve().parent.parent

TARGET_MS = 500.0
INFO = CalendarInfo("United Nations observances", "Every observance in the registry.")


def naive(found: list[Occurrence], revision: dt.date) -> bytes:
    """The same properties, added the way the icalendar tutorial shows."""
    cal = Calendar()
    cal.add("prodid", "-//bench//naive//EN")
    cal.add("version", "2.0")
    stamp = dt.datetime(revision.year, revision.month, revision.day, tzinfo=dt.UTC)
    for occ in found:
        event = Event()
        event.add("uid", uid(occ))
        event.add("dtstamp", stamp)
        event.add("dtstart", occ.start)
        event.add("dtend", shown_end(occ))
        event.add("summary", occ.name)
        event.add("description", description(occ, history(occ.observance)))
        event.add("sequence", sequence(revised(occ.observance, revision)))
        event.add("last-modified", stamp)
        event.add("transp", "TRANSPARENT")
        if occ.observance.url:
            event.add("url", occ.observance.url)
        if occ.observance.tags:
            event.add("categories", list(occ.observance.tags))
        cal.add_component(event)
    return bytes(cal.to_ical())


def timed(runs: int, func: object, *args: object) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func(*args)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    registry = load(ROOT / "observances.yaml")
    year = 2026
    found = occurrences(registry.observances, dt.date(year - 1, 1, 1), dt.date(year + 3, 12, 31))
    size = len(build(found, INFO, registry.revision))
    ours = timed(runs, build, found, INFO, registry.revision)
    theirs = timed(max(3, runs // 2), naive, found, registry.revision)
    per_event_us = statistics.median(ours) * 1000 / len(found)
    print(f"registry: {len(registry.observances)} observances; window {year - 1}-{year + 3}")
    print(f"events: {len(found)}; feed: {size / 1024:.0f} KiB")
    print(
        f"feed.build: median {statistics.median(ours):.0f} ms over {runs} runs "
        f"(min {min(ours):.0f}, max {max(ours):.0f}); {per_event_us:.0f} us/event; "
        f"target {TARGET_MS:.0f} ms: {'met' if statistics.median(ours) <= TARGET_MS else 'MISSED'}"
    )
    print(
        f"naive icalendar (add() per property): median {statistics.median(theirs):.0f} ms, "
        f"{statistics.median(theirs) * 1000 / len(found):.0f} us/event "
        f"({statistics.median(theirs) / statistics.median(ours):.2f}x ours)"
    )
    profile = cProfile.Profile()
    profile.runcall(build, found, INFO, registry.revision)
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    print("where the time goes (cProfile, own time):")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    for (file, line, name), (_, _, own, _, _) in rows[:6]:
        print(f"  {own / total:6.1%}  {name} ({Path(file).name}:{line})")


if __name__ == "__main__":
    main()

"""Regenerate the golden feed, so that a change to the feed's bytes shows up as a diff.

    python scripts/generate_feed_golden.py

`tests/golden/feed-small.ics` is the feed of `tests/data/registries/feed-small.yaml` for 2017 to
2019; `tests/test_feed_golden.py` fails when the code builds anything else from that registry.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from observances.dates import occurrences  # noqa: E402
from observances.feed import CalendarInfo, build  # noqa: E402
from observances.registry import load  # noqa: E402

REGISTRY = ROOT / "tests" / "data" / "registries" / "feed-small.yaml"
GOLDEN = ROOT / "tests" / "golden" / "feed-small.ics"
FIRST, LAST = dt.date(2017, 1, 1), dt.date(2019, 12, 31)
INFO = CalendarInfo("UN observances (test)", "The feed-small test registry, 2017 to 2019.")


def feed_small() -> bytes:
    registry = load(REGISTRY)
    return build(occurrences(registry.observances, FIRST, LAST), INFO, registry.revision)


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_bytes(feed_small())
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

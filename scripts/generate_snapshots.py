"""Regenerate every golden file, so that a change to the registry, the templates or the code
shows its consequences as a reviewable diff.

    make snapshots        # or: python scripts/generate_snapshots.py

- `tests/golden/dates-2000-2040.tsv`: every occurrence of observances.yaml from 2000 to 2040.
- `tests/golden/drafts/*.md`: statement drafts for a few telling cases (see DRAFTS).
- `tests/golden/feed-small.ics`: the feed of a small test registry, byte for byte.
- `tests/golden/feed-descriptions.txt`: events of the served feeds as a subscriber reads them
  (see DESCRIBED).

`tests/test_snapshots.py` fails when the code computes anything else.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from icalendar import Calendar  # noqa: E402

from observances.calendar.feedset import feed_set  # noqa: E402
from observances.calendar.ical import CalendarInfo, build  # noqa: E402
from observances.drafts.render import render  # noqa: E402
from observances.drafts.templates import TemplateSet  # noqa: E402
from observances.occurrences import occurrences, occurrences_in_year  # noqa: E402
from observances.profile import load_profile  # noqa: E402
from observances.registry import load  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
DATES = GOLDEN / "dates-2000-2040.tsv"
DRAFTS_DIR = GOLDEN / "drafts"
FEED = GOLDEN / "feed-small.ics"
DESCRIPTIONS = GOLDEN / "feed-descriptions.txt"

DESCRIBED = (
    ("all", "south-south-cooperation-2027"),  # a day with a history: a date that moved
    ("all", "interfaith-harmony-week-2027"),  # a week
    ("all", "ocean-science-decade-2027"),  # a year of a decade
    ("all", "world-braille-day-2027"),  # a day whose first year no primary source confirms
    ("marked", "south-south-cooperation-2027"),  # what the team reads: programs, drafts
)

DRAFTS = (
    ("south-south-cooperation", 2026, "en"),  # the example of the issue: a date that moved
    ("interfaith-harmony-week", 2026, "en"),  # a week: the kind override
    ("persons-with-disabilities", 2026, "en"),  # a renamed day
    ("international-day-of-peace", 2026, "en"),  # a rule that became a fixed date
    ("south-south-cooperation", 2026, "es"),  # Spanish, with the name from its source
    # every language for the example: both citations, the move from 19 December, the
    # date of 12 September 2027 and the 24th edition, each in that language's style
    ("south-south-cooperation", 2027, "es"),
    ("south-south-cooperation", 2027, "fr"),
    ("south-south-cooperation", 2027, "ar"),
    ("south-south-cooperation", 2027, "zh"),
    ("south-south-cooperation", 2027, "ru"),
)
DRAFTS_TODAY = dt.date(2026, 1, 1)  # "days until" is in the context; fixed so output is stable

FEED_REGISTRY = ROOT / "tests" / "data" / "registries" / "feed-small.yaml"
FEED_INFO = CalendarInfo("UN observances (test)", "The feed-small test registry, 2017 to 2019.")


def dates_snapshot() -> bytes:
    """One line per occurrence: start, end, id, edition, citation, name in force."""
    registry = load(ROOT / "observances.yaml")
    lines = ["start\tend\tid\tedition\tcitation\tname"]
    for occ in occurrences(registry.observances, dt.date(2000, 1, 1), dt.date(2040, 12, 31)):
        edition = "" if occ.edition is None else str(occ.edition)
        fields = (occ.start, occ.end, occ.id, edition, occ.citation.symbol, occ.name)
        lines.append("\t".join(str(f) for f in fields))
    return ("\n".join(lines) + "\n").encode()


def drafts() -> dict[Path, bytes]:
    """Each case as `observances preview` prints it: subject, a blank line, the Markdown."""
    registry = load(ROOT / "observances.yaml")
    profile = load_profile(ROOT / "profiles" / "aipr.yaml", registry)
    templates = TemplateSet.load(ROOT / "templates")
    found = {}
    for observance_id, year, language in DRAFTS:
        occurrence = occurrences_in_year(registry.get(observance_id), year)[0]
        draft = render(occurrence, profile, templates, language=language, today=DRAFTS_TODAY)
        path = DRAFTS_DIR / f"{observance_id}-{year}.{language}.md"
        found[path] = f"Subject: {draft.subject}\n\n{draft.markdown}".encode()
    return found


def feed_small() -> bytes:
    registry = load(FEED_REGISTRY)
    found = occurrences(registry.observances, dt.date(2017, 1, 1), dt.date(2019, 12, 31))
    return build(found, FEED_INFO, registry.revision)


def descriptions() -> bytes:
    """The feeds of 2027 as the server builds them (drafts at 09:00 UTC), and the events of
    DESCRIBED in them: name, title, categories and description, unescaped."""
    registry = load(ROOT / "observances.yaml")
    profile = load_profile(ROOT / "profiles" / "aipr.yaml", registry)
    feeds = feed_set(registry, profile)
    out: list[str] = []
    for name in dict.fromkeys(feed for feed, _ in DESCRIBED):
        body = feeds[name].build(registry, profile, (2027, 2027), send_at="09:00 (UTC)")
        calendar = Calendar.from_ical(body)
        out.append(f"# feed {name}: {calendar.calendar_name}\n# {calendar.description}\n")
        events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
        for feed, uid in DESCRIBED:
            if feed != name:
                continue
            event = events[uid]
            categories = ", ".join(event.decoded("CATEGORIES"))
            out.append(
                f"## {uid}\nSUMMARY: {event['SUMMARY']}\nCATEGORIES: {categories}\n\n"
                f"{event['DESCRIPTION']}\n"
            )
    return "\n".join(out).encode()


def goldens() -> dict[Path, bytes]:
    """Every golden file and the bytes the code gives for it now."""
    return {DATES: dates_snapshot(), **drafts(), FEED: feed_small(), DESCRIPTIONS: descriptions()}


def main() -> None:
    expected = goldens()
    for stale in sorted(set(DRAFTS_DIR.glob("*.md")) - expected.keys()):
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}")
    for path, content in expected.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

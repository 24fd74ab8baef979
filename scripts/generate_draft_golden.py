"""Regenerate the golden statement drafts, so that a template or registry change shows up as a
diff to review.

    python scripts/generate_draft_golden.py

`tests/test_drafts_golden.py` fails when a draft renders differently from its golden file.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from observances.dates import occurrences_in_year  # noqa: E402
from observances.drafts import render  # noqa: E402
from observances.profile import load_profile  # noqa: E402
from observances.registry import load  # noqa: E402
from observances.templating import TemplateSet  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "drafts"
TODAY = dt.date(2026, 1, 1)  # "days until" is in the context; fix it so output is stable

CASES = (
    ("south-south-cooperation", 2026, "en"),  # the example of the issue
    ("interfaith-harmony-week", 2026, "en"),  # a week: the kind override
    ("persons-with-disabilities", 2026, "en"),  # a renamed day
    ("international-day-of-peace", 2026, "en"),  # a rule that became a fixed date
    ("south-south-cooperation", 2026, "es"),  # Spanish, with the name from its source
)


def golden_name(observance_id: str, year: int, language: str) -> str:
    return f"{observance_id}-{year}.{language}.md"


def drafts() -> dict[str, str]:
    """File name -> the draft as `observances preview` prints it (subject, blank, Markdown)."""
    registry = load(ROOT / "observances.yaml")
    profile = load_profile(ROOT / "profiles" / "aipr.yaml", registry)
    templates = TemplateSet.load(ROOT / "templates")
    found = {}
    for observance_id, year, language in CASES:
        occurrence = occurrences_in_year(registry.get(observance_id), year)[0]
        draft = render(occurrence, profile, templates, language=language, today=TODAY)
        found[golden_name(observance_id, year, language)] = (
            f"Subject: {draft.subject}\n\n{draft.markdown}"
        )
    return found


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, text in drafts().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"wrote {(GOLDEN / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Regenerate the golden files, so that a registry or code change shows up as a diff.

    make snapshots        # or: python scripts/generate_snapshots.py

`tests/golden/dates-2000-2040.tsv` holds every occurrence of the registry from 2000 to 2040;
`tests/test_snapshots.py` fails when the registry computes anything else.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from observances.dates import occurrences  # noqa: E402
from observances.registry import Registry, load  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
DATES = GOLDEN / "dates-2000-2040.tsv"
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2040, 12, 31)


def dates_snapshot(registry: Registry) -> str:
    """One line per occurrence: start, end, id, edition, citation, name in force."""
    lines = ["start\tend\tid\tedition\tcitation\tname"]
    for occ in occurrences(registry.observances, FIRST, LAST):
        edition = "" if occ.edition is None else str(occ.edition)
        fields = (occ.start, occ.end, occ.id, edition, occ.citation.symbol, occ.name)
        lines.append("\t".join(str(f) for f in fields))
    return "\n".join(lines) + "\n"


def main() -> None:
    registry = load(ROOT / "observances.yaml")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    DATES.write_text(dates_snapshot(registry), encoding="utf-8")
    print(f"wrote {DATES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The committed golden files match what the code computes now.

When a change is intended, run `make snapshots` and review the diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, snapshots

SNAPSHOTS = snapshots()
EXPECTED = SNAPSHOTS.goldens()


@pytest.mark.parametrize(
    "path", sorted(EXPECTED), ids=[str(p.relative_to(ROOT)) for p in sorted(EXPECTED)]
)
def test_golden_file_is_current(path: Path) -> None:
    assert path.read_bytes() == EXPECTED[path], (
        f"{path.relative_to(ROOT)} changed: run `make snapshots` and review the diff"
    )


def test_no_stale_golden_drafts() -> None:
    assert set(SNAPSHOTS.DRAFTS_DIR.glob("*.md")) == {
        p for p in EXPECTED if p.parent == SNAPSHOTS.DRAFTS_DIR
    }


def test_goldens_are_deterministic() -> None:
    assert SNAPSHOTS.goldens() == EXPECTED


def test_south_south_history_in_the_dates_snapshot() -> None:
    lines = SNAPSHOTS.DATES.read_text(encoding="utf-8").splitlines()
    south = [line.split("\t")[:4] for line in lines if "\tsouth-south-cooperation\t" in line]
    assert south[0] == ["2004-12-19", "2004-12-19", "south-south-cooperation", "1"]
    assert south[7] == ["2011-12-19", "2011-12-19", "south-south-cooperation", "8"]
    assert south[8] == ["2012-09-12", "2012-09-12", "south-south-cooperation", "9"]
    assert len(south) == 2040 - 2004 + 1

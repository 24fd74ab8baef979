"""The committed golden files match what the code computes now.

When a change is intended, run `make snapshots` and review the diff."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from observances.registry import load

ROOT = Path(__file__).resolve().parent.parent


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "snapshots", ROOT / "scripts" / "generate_snapshots.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dates_2000_to_2040_match_the_golden_snapshot() -> None:
    snapshots = generator()
    expected = snapshots.DATES.read_text(encoding="utf-8")
    actual = snapshots.dates_snapshot(load(ROOT / "observances.yaml"))
    assert actual == expected, "dates changed: run `make snapshots` and review the diff"


def test_south_south_history_in_the_snapshot() -> None:
    lines = generator().DATES.read_text(encoding="utf-8").splitlines()
    south = [line.split("\t")[:4] for line in lines if "\tsouth-south-cooperation\t" in line]
    assert south[0] == ["2004-12-19", "2004-12-19", "south-south-cooperation", "1"]
    assert south[7] == ["2011-12-19", "2011-12-19", "south-south-cooperation", "8"]
    assert south[8] == ["2012-09-12", "2012-09-12", "south-south-cooperation", "9"]
    assert len(south) == 2040 - 2004 + 1

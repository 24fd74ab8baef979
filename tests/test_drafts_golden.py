"""Golden drafts: regenerate with `python scripts/generate_draft_golden.py` and review the diff."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "drafts"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_draft_golden", ROOT / "scripts" / "generate_draft_golden.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
RENDERED: dict[str, str] = SCRIPT.drafts()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_draft_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert RENDERED[name] == expected, f"run scripts/generate_draft_golden.py and review {name}"


def test_no_stale_golden_files() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.md")) == sorted(RENDERED)

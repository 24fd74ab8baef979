"""Shared fixtures. Tests never read the real clock or a user's cache."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own registry cache and no OBSERVANCES_* settings from the caller."""
    import os

    for name in list(os.environ):
        if name.startswith("OBSERVANCES_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OBSERVANCES_CACHE_DIR", str(tmp_path / "cache"))

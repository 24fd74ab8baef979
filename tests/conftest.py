"""Shared fixtures. Tests never read the real clock or a user's cache."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

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


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `observances` through its real entry point, with its one error handler; return
    the exit code, stdout and stderr."""
    from observances.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@cache
def snapshots() -> ModuleType:
    """scripts/generate_snapshots.py, which computes every golden file."""
    spec = importlib.util.spec_from_file_location(
        "generate_snapshots", ROOT / "scripts" / "generate_snapshots.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One real PostgreSQL server for the session (see pg_kit.py); stopped and removed after."""
    from pg_kit import Cluster

    cluster = Cluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_url(pg_cluster: Any) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    return str(pg_cluster.new_database())

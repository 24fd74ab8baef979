"""The package as a new user gets it: a wheel built from the checkout, installed into a fresh
virtual environment, run from an empty directory (no registry, profile or templates there).

Slow (a wheel build and a dependency install, about 40 s), and the only test that proves
the shipped defaults are in the wheel: an editable install reads them from the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `observances` command of a fresh virtual environment with the wheel installed."""
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("observances-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "observances/_data/observances.yaml" in names
    assert "observances/_data/profiles/aipr.yaml" in names
    assert "observances/_data/templates/statement.md.j2" in names
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [env_dir / "bin" / "python", "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir / "bin" / "observances"


def _run(command: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OBSERVANCES_") and key != "PYTHONPATH"
    }
    env["OBSERVANCES_CACHE_DIR"] = str(cwd / ".cache")
    env["XDG_CONFIG_HOME"] = str(cwd / ".config")  # no settings file of the caller's
    return subprocess.run(
        [str(command), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_upcoming_preview_and_feed_run_from_an_empty_directory(
    installed: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _run(installed, empty, "upcoming", "--from", "2026-12-01", "--days", "31", "--json")
    assert done.returncode == 0, done.stderr
    assert "human-rights-day" in [o["id"] for o in json.loads(done.stdout)]

    done = _run(installed, empty, "preview", "human-rights-day", "--year", "2026")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Subject: ")
    assert "Human Rights Day" in done.stdout
    assert "site-packages/observances/_data/templates" in done.stderr  # the shipped templates

    done = _run(installed, empty, "feed", "--from", "2026-01-01", "--years", "1", "-o", "f.ics")
    assert done.returncode == 0, done.stderr
    feed = (empty / "f.ics").read_text(encoding="utf-8")
    assert feed.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:Human Rights Day" in feed
    assert sorted(p.name for p in empty.iterdir() if not p.name.startswith(".")) == ["f.ics"]


def test_a_settings_file_from_init_overrides_the_shipped_profile(
    installed: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    done = _run(installed, tmp_path, "init", "site")
    assert done.returncode == 0, done.stderr
    profile = site / "profile.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("AIPR", "ZZQX"), encoding="utf-8"
    )
    done = _run(installed, site, "preview", "human-rights-day", "--year", "2026")
    assert done.returncode == 0, done.stderr
    assert "ZZQX marks Human Rights Day" in done.stdout
    assert "site-packages" not in done.stderr  # the copied templates, not the shipped ones

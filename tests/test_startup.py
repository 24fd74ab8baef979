"""`observances upcoming --days 60 --json` stays fast: finding the shipped files and the
settings file costs no import of the heavy parts (measured in bench/registry.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# what the fast path never needs once the registry is cached; importlib.resources pulls in
# tempfile, zipfile and random, so the shipped files are found without it (defaults.py)
HEAVY = (
    "importlib.resources",
    "tempfile",
    "zipfile",
    "pydantic",
    "pydantic_settings",
    "yaml",
    "jinja2",
    "babel",
    "icalendar",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "apscheduler",
    "tomllib",
)

CODE = """
import json, sys
from observances.cli import main
try:
    main(["upcoming", "--days", "60", "--json"])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_upcoming_json_imports_nothing_heavy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVANCES_")}
    env["OBSERVANCES_CACHE_DIR"] = str(tmp_path / "cache")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    for _ in range(2):  # the first run fills the registry cache; the second is the fast path
        done = subprocess.run(
            [sys.executable, "-c", CODE],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=True,
        )
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert "observances.registry" in modules  # the check looks at the right process
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY) == []

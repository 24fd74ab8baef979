"""The CLI as a user runs it: exit codes, JSON shapes, tables, and errors that say what to do."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from conftest import run_cli

from observances.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "registries" / "valid_every_rule.yaml"
BROKEN = ROOT / "tests" / "data" / "registries" / "invalid_overlapping_spans.yaml"


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run `observances` through its real entry point; return exit code, stdout, stderr."""
    monkeypatch.chdir(ROOT)

    def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        return run_cli(capsys, *args)

    return invoke


def test_validate_passes_on_the_shipped_registry(run: Run) -> None:
    code, out, _ = run("validate")
    assert code == 0
    assert "observances.yaml:" in out
    assert "no problems found" in out


def test_validate_reports_file_line_and_field_and_exits_2(run: Run) -> None:
    code, _, err = run("validate", "--registry", str(BROKEN))
    assert code == 2
    assert f"{BROKEN}:14: observances[0].dates[1].since: overlaps" in err
    assert err.rstrip().endswith("1 problem found.")


def test_registry_from_the_environment(run: Run) -> None:
    code, out, _ = run("list", "--json", env={"OBSERVANCES_REGISTRY": str(SMALL)})
    assert code == 0
    assert [o["id"] for o in json.loads(out)][:3] == ["fixed", "nth", "twice"]


def test_list_json_has_the_documented_keys(run: Run) -> None:
    code, out, _ = run("list", "--registry", str(SMALL), "--kind", "week", "--json")
    assert code == 0
    items = json.loads(out)
    assert [o["id"] for o in items] == ["range", "new-year", "week-of"]
    assert {"id", "name", "kind", "tags"} <= items[0].keys()


def test_list_filters_by_tag(run: Run) -> None:
    code, out, _ = run("list", "--tag", "atrocity-prevention", "--json")
    assert code == 0
    assert "rwanda-genocide-reflection" in [o["id"] for o in json.loads(out)]
    assert all("atrocity-prevention" in o["tags"] for o in json.loads(out))


def test_unknown_tag_is_bad_input(run: Run) -> None:
    code, _, err = run("list", "--tag", "nope")
    assert code == 2
    assert "unknown tag 'nope'" in err


def test_show_prints_the_whole_history(run: Run) -> None:
    code, out, _ = run("show", "south-south-cooperation")
    assert code == 0
    assert "19 December, 2004-2011  [A/RES/58/220]" in out
    assert "12 September, from 2012  [decision 66/550]" in out
    assert "adopted 22 December 2011" in out


def test_show_json_round_trips_the_entry(run: Run) -> None:
    code, out, _ = run("show", "persons-with-disabilities", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["former_names"][0] == {
        "name": "International Day of Disabled Persons",
        "until": 2007,
        "cite": "A/RES/47/3",
    }
    assert data["dates"][0]["rule"] == {"date": "12-03"}


def test_unknown_id_suggests_the_closest(run: Run) -> None:
    code, _, err = run("show", "south-south")
    assert code == 2
    assert "no observance with id 'south-south'" in err
    assert "south-south-cooperation" in err


@time_machine.travel(dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC), tick=False)
def test_upcoming_defaults_to_60_days_from_today(run: Run) -> None:
    code, out, _ = run("upcoming", "--registry", str(SMALL), "--json")
    assert code == 0
    items = json.loads(out)
    assert [(o["start"], o["id"]) for o in items] == [
        ("2026-09-12", "fixed"),
        ("2026-09-24", "nth"),
        ("2026-10-10", "twice"),
    ]
    first = items[0]
    assert first == first | {
        "name": "Fixed Day",
        "kind": "day",
        "end": "2026-09-12",
        "year": 2026,
        "edition": 23,
        "citation": "A/RES/1",
    }


def test_upcoming_window_and_filters(run: Run) -> None:
    args = ("upcoming", "--registry", str(SMALL), "--from", "2026-01-01", "--to", "2026-12-31")
    code, out, _ = run(*args, "--id", "range", "--id", "week-of", "--json")
    assert code == 0
    spans = [(o["id"], o["start"], o["end"]) for o in json.loads(out)]
    assert spans == [("range", "2026-02-01", "2026-02-07"), ("week-of", "2026-11-09", "2026-11-15")]
    code, out, _ = run(*args)
    assert code == 0
    assert "Mon 9 Nov - Sun 15 Nov 2026" in out
    assert "Announced Day (unverified)" in out
    assert "\x1b[" not in out  # no colour when not writing to a terminal


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "2026-01-01", "--days", "3"), "give --to or --days, not both"),
        (("--from", "2026-02-30"), "2026-02-30 is not a date: February 2026 has 28 days"),
        (("--from", "2028-02-30"), "2028-02-30 is not a date: February 2028 has 29 days"),
        (("--from", "2026-13-01"), "2026-13-01 is not a date: a month is 01 to 12"),
        (("--from", "1 May"), "1 May is not a date: write it as YYYY-MM-DD"),
        (("--from", "2026-03-01", "--to", "2026-02-01"), "is before --from"),
        (("--days", "0"), "0 is not in the range"),
        (("--id", "fixd"), "Did you mean fixed?"),
    ],
)
def test_upcoming_bad_usage_exits_2(run: Run, args: tuple[str, ...], message: str) -> None:
    code, _, err = run("upcoming", "--registry", str(SMALL), *args)
    assert code == 2
    assert message in err


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "list", "show", "upcoming"):
        assert command in result.output


def test_installed_command_runs_as_a_fresh_process(tmp_path: Path) -> None:
    env = {**os.environ, "OBSERVANCES_CACHE_DIR": str(tmp_path)}
    args = [sys.executable, "-m", "observances", "upcoming", "--registry", str(SMALL)]
    args += ["--from", "2026-11-01", "--days", "60", "--json"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert [o["id"] for o in json.loads(done.stdout)] == ["week-of", "renamed", "new-year"]
    # the second run reads the cache and prints the same bytes
    again = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert again.stdout == done.stdout
    assert list(tmp_path.glob("registry-*.pickle"))


def test_show_says_how_the_first_year_is_known(run: Run) -> None:
    code, out, _ = run("show", "international-day-for-tolerance")
    assert code == 0
    assert "first year 1997: a lower bound: earlier years are unknown" in out
    code, out, _ = run("show", "holocaust-remembrance")
    assert "first year: 2006 (stated by a source)  [verified]" in out


def test_show_prints_each_fact_with_its_status_and_classed_sources(run: Run) -> None:
    code, out, _ = run("show", "world-braille-day")
    assert code == 0
    assert "Facts (not every fact is verified)" in out
    assert "act: A/RES/73/161 (General Assembly)  [verified]" in out
    assert "primary    https://undocs.org/A/RES/73/161" in out
    assert "dataset    https://github.com/samimifar/Notty" in out


def test_validate_prints_the_verification_summary_and_warns_of_missing_dates(run: Run) -> None:
    code, out, err = run("validate")
    assert code == 0
    assert re.search(r"facts: \d+ of \d+ verified \(\d+ primary, \d+ secondary\)", out)
    assert re.search(r"first years: \d+ stated, \d+ adoption, \d+ at_least, \d+ unknown", out)
    assert "vesak: no announced date" in err


def test_a_terminal_gets_colour_and_a_table_cut_to_its_width(tmp_path: Path) -> None:
    import pty
    import re

    primary, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "OBSERVANCES_CACHE_DIR": str(tmp_path)}
    args = [sys.executable, "-m", "observances", "upcoming", "--from", "2026-12-01", "--days", "10"]
    done = subprocess.run(
        args, stdout=secondary, stderr=secondary, env=env, cwd=ROOT, timeout=60, check=False
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes once the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    out = b"".join(chunks).decode()
    assert done.returncode == 0, out
    assert "\x1b[" in out  # colour on a terminal
    lines = re.sub(r"\x1b\[[0-9;]*m", "", out).splitlines()
    assert lines[0].split()[:2] == ["DATE", "OBSERVANCE"]
    assert any("Human Rights Day" in line for line in lines[1:])  # 10 December is in the window
    assert max(len(line) for line in lines) <= 80
    assert "\u2026" in out  # a long name was cut, not wrapped

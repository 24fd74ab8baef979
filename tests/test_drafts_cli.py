"""The preview and drafts commands, and bad templates reported with file, line and exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from conftest import run_cli as run

from observances.occurrences import occurrences
from observances.profile import load_profile
from observances.registry import load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
BAD = DATA / "templates"
PATHS = [
    "--registry", str(ROOT / "observances.yaml"),
    "--profile", str(ROOT / "profiles" / "aipr.yaml"),
    "--templates", str(ROOT / "templates"),
]  # fmt: skip


def test_preview_south_south_2027(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "preview", "south-south-cooperation", "--year", "2027", *PATHS)
    assert code == 0
    assert out.startswith("Subject: AIPR marks the United Nations Day for South-South Cooperation")
    assert "\n# AIPR marks the United Nations Day for South-South Cooperation\n" in out
    assert "Sunday 12 September 2027: the 24th United Nations Day" in out
    assert "the Day has been marked on 12 September since 2012 (decision 66/550)" in out
    assert "7 placeholders in" in err
    assert "[[TODO: a quote from the Director of the Latin American Program]]" in err


def test_another_profile_changes_the_heading(capsys: pytest.CaptureFixture[str]) -> None:
    other = [*PATHS[:2], "--profile", str(DATA / "profiles" / "other_org.yaml"), *PATHS[4:]]
    code, out, _ = run(capsys, "preview", "south-south-cooperation", "--year", "2027", *other)
    assert code == 0
    assert "# EPN marks the United Nations Day for South-South Cooperation" in out
    assert "AIPR" not in out
    assert "[[TODO: a quote from Ana Example, Director of the Asia Program]]" in out


def test_strict_fails_with_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "preview", "south-south-cooperation", "--year", "2027", "--strict", *PATHS
    )
    assert code == 1
    assert out  # the draft is still printed
    assert "placeholders remain" in err


def test_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "preview", "south-south", "--year", "2027", *PATHS)
    assert code == 2
    assert "no observance with id 'south-south'" in err


def test_a_date_it_does_not_fall_on(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "preview", "south-south-cooperation", "--date", "2027-09-13", *PATHS)
    assert code == 2
    assert "does not fall on 2027-09-13; in 2027 it falls on 2027-09-12" in err


def test_any_day_of_a_week_finds_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", "interfaith-harmony-week", "--date", "2027-02-03", *PATHS)
    assert code == 0
    assert "Monday 1 February 2027 to Sunday 7 February 2027" in out


def test_default_is_the_next_occurrence(capsys: pytest.CaptureFixture[str]) -> None:
    with time_machine.travel(dt.datetime(2030, 9, 13, 12, tzinfo=dt.UTC), tick=False):
        code, out, _ = run(capsys, "preview", "south-south-cooperation", "--format", "text", *PATHS)
    assert code == 0
    assert "12 September 2031" in out
    assert "\n=====" in out


def test_html_and_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "preview",
        "solstice-day",  # no source gives its Spanish name
        "--year",
        "2027",
        "--lang",
        "es",
        "--format",
        "html",
        *PATHS,
    )
    assert code == 0
    assert "<h1>AIPR conmemora <mark>[[TODO: nombre oficial en español" in out
    assert "21 de junio de 2027" in out
    assert '<div lang="es" dir="ltr">' in out


@pytest.mark.parametrize(
    ("fixture", "line", "message"),
    [
        ("syntax_error", 5, "unexpected"),
        ("undefined_variable", 6, "'no_such_variable' is undefined"),
        ("sandbox_escape", 5, "access to attribute '__class__' of 'str' object is unsafe"),
        ("missing_partial", 3, "template not found: partials/nowhere.md.j2"),
        ("no_subject", 1, "the first line must be 'Subject: ...'"),
    ],
)
def test_bad_templates_name_file_and_line(
    capsys: pytest.CaptureFixture[str], fixture: str, line: int, message: str
) -> None:
    folder = BAD / fixture
    code, out, err = run(
        capsys,
        "preview",
        "south-south-cooperation",
        "--year",
        "2027",
        *PATHS[:4],
        "--templates",
        str(folder),
    )
    assert code == 2
    assert out == ""
    assert f"{folder / 'statement.md.j2'}:{line}: " in err
    assert message in err


def test_template_option_uses_that_file(capsys: pytest.CaptureFixture[str]) -> None:
    bad = BAD / "undefined_variable" / "statement.md.j2"
    code, _, err = run(
        capsys,
        "preview",
        "south-south-cooperation",
        "--year",
        "2027",
        "--template",
        str(bad),
        *PATHS,
    )
    assert code == 2
    assert f"{bad}:6: 'no_such_variable' is undefined" in err
    code, _, err = run(
        capsys,
        "preview",
        "south-south-cooperation",
        "--year",
        "2027",
        "--template",
        "nowhere.md.j2",
        *PATHS,
    )
    assert code == 2
    assert "nowhere.md.j2: no such template file" in err


def test_missing_templates_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys,
        "preview",
        "south-south-cooperation",
        "--year",
        "2027",
        *PATHS[:4],
        "--templates",
        str(tmp_path / "none"),
    )
    assert code == 2
    assert "OBSERVANCES_TEMPLATES_DIR" in err


def test_drafts_writes_one_file_per_occurrence_and_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run(
        capsys,
        "drafts",
        "--from",
        "2027-09-01",
        "--to",
        "2027-12-31",
        "--output",
        str(out_dir),
        *PATHS,
    )
    assert code == 0
    names = sorted(p.name for p in out_dir.iterdir())
    registry = load(ROOT / "observances.yaml")
    aipr = load_profile(ROOT / "profiles" / "aipr.yaml")
    window = occurrences(aipr.marked(registry), dt.date(2027, 9, 1), dt.date(2027, 12, 31))
    # the profile's English, and Spanish where the Latin American Program's work is concerned
    wanted = [
        f"{occ.start}-{occ.id}{'' if lang == 'en' else '.' + lang}.md"
        for occ in window
        for lang in aipr.languages_for(occ.observance)
    ]
    assert names == sorted(wanted)
    assert "2027-12-09-genocide-victims-commemoration.md" in names
    assert "2027-09-12-south-south-cooperation.es.md" in names
    assert len(wanted) > len(window)
    assert f"{len(wanted)} drafts from 2027-09-01 to 2027-12-31" in out
    text = (out_dir / "2027-09-12-south-south-cooperation.md").read_text(encoding="utf-8")
    assert text.startswith(
        "Subject: AIPR marks the United Nations Day for South-South Cooperation, "
        "12 September 2027\n\n# "
    )
    code, _, _ = run(
        capsys,
        "drafts",
        "--from",
        "2027-09-01",
        "--to",
        "2027-09-30",
        "--output",
        str(out_dir),
        "--lang",
        "es",
        "--strict",
        *PATHS,
    )
    assert code == 1
    assert (out_dir / "2027-09-12-south-south-cooperation.es.md").exists()


def test_commands_do_not_import_template_libraries_at_start() -> None:
    import subprocess
    import sys

    code = (
        "import sys, observances.cli; print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('jinja2', 'babel', 'markdown_it')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

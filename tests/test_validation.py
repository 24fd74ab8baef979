"""Malformed registries, one file per kind of error: each names its line and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from observances.errors import RegistryError
from observances.registry import load, loads

REGISTRIES = Path(__file__).parent / "data" / "registries"
INVALID = sorted(REGISTRIES.glob("invalid_*.yaml"))


def expectation(path: Path) -> tuple[int, str]:
    """The first line of each fixture says `# expect: LINE: path: message`."""
    header = path.read_text(encoding="utf-8").splitlines()[0]
    line, _, message = header.removeprefix("# expect: ").partition(": ")
    return int(line), message


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_malformed_registry_reports_its_line_and_message(path: Path) -> None:
    line, message = expectation(path)
    with pytest.raises(RegistryError) as caught:
        load(path)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith(f"{path}:{line}: {message}"), problems


KINDS_OF_ERROR = (
    "duplicate_id",
    "duplicate_key",
    "fifth_weekday",
    "impossible_date",
    "move_from_wrong_day",
    "no_citations",
    "open_span_before_another",
    "open_international_year",
    "overlapping_spans",
    "placeholder_first_year",
    "slug",
    "span_without_citation",
    "span_year_out_of_range",
    "spans_out_of_order",
    "unknown_citation",
    "unknown_key",
    "unknown_rule",
    "unknown_tag",
    "yaml_base60",
    "yaml_date_for_month_day",
    "yaml_syntax",
    "yaml_unquoted_no",
)
"""Each kind of error the loader must locate; a fixture `invalid_<kind>.yaml` shows it."""


def test_there_is_a_fixture_for_each_kind_of_error() -> None:
    assert {f"invalid_{kind}" for kind in KINDS_OF_ERROR} <= {p.stem for p in INVALID}


def test_every_problem_is_reported_at_once() -> None:
    text = (REGISTRIES / "valid_every_rule.yaml").read_text(encoding="utf-8")
    broken = (
        text.replace('{date: "12-19"}', '{date: "12-32"}')
        .replace("until: 2007", "until: 1990")
        .replace("cite: A/RES/6}", "cite: A/RES/66}")
        .replace(
            "body: Test\n    citations: [{symbol: A/RES/7}]",
            "body: Test\n    color: red\n    citations: [{symbol: A/RES/7}]",
        )
    )
    with pytest.raises(RegistryError) as caught:
        loads(broken, "r.yaml")
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "observances[0].dates[0].rule.date",
        "observances[5].dates[0].cite",
        "observances[6].color",
        "observances[11].former_names[0].until",
    ]
    lines = [p.line or 0 for p in caught.value.problems]
    assert lines == sorted(lines)


def test_a_missing_file_says_how_to_point_at_the_registry(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="OBSERVANCES_REGISTRY"):
        load(tmp_path / "nowhere.yaml")


def test_quoted_values_keep_their_text() -> None:
    text = (REGISTRIES / "valid_every_rule.yaml").read_text(encoding="utf-8")
    registry = loads(text.replace("name: Leap Day", "name: 'no'"))
    assert registry.get("leap").name == "no"


def test_the_top_level_must_be_a_mapping() -> None:
    with pytest.raises(RegistryError, match="expected a mapping"):
        loads("- just\n- a list\n")


def test_unknown_top_level_key_suggests_the_right_one() -> None:
    with pytest.raises(RegistryError, match="did you mean 'revision'"):
        loads("revison: 2026-01-01\nrevision: 2026-01-01\ntags: {}\nobservances: []\n")

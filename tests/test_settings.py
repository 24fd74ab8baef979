"""Where file paths and settings come from: option, environment, TOML file, default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "registries" / "valid_every_rule.yaml"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(ROOT)

    def invoke(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, *args)

    return invoke


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    toml = tmp_path / "observances.toml"
    toml.write_text(f'registry = "{SMALL}"\nfeed_years_back = 0\n', encoding="utf-8")
    monkeypatch.setenv("OBSERVANCES_CONFIG", str(toml))
    return toml


def test_the_toml_file_names_the_registry(run: Run, config: Path) -> None:
    code, out, err = run("feed", "--id", "fixed", "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 0, err
    assert "SUMMARY:Fixed Day" in out


def test_the_option_wins_over_the_toml_file(run: Run, config: Path) -> None:
    code, _, err = run("feed", "--id", "fixed", "--registry", str(ROOT / "observances.yaml"))
    assert code == 2
    assert "no observance with id 'fixed'" in err


def test_the_environment_wins_over_the_toml_file(
    run: Run, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVANCES_REGISTRY", str(ROOT / "observances.yaml"))
    code, out, _ = run(
        "feed", "--id", "south-south-cooperation", "--from", "2026-01-01", "--to", "2026-12-31"
    )
    assert code == 0
    assert "SUMMARY:United Nations Day for South-South Cooperation" in out


def test_a_bad_setting_names_its_variable_and_exits_2(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVANCES_TIMEZONE", "Mars/Olympus")
    code, _, err = run("plan")
    assert code == 2
    assert "OBSERVANCES_TIMEZONE" in err
    assert "unknown time zone 'Mars/Olympus'" in err


def test_a_missing_config_file_is_bad_input(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVANCES_CONFIG", "/nowhere/observances.toml")
    code, _, err = run("plan")
    assert code == 2
    assert "/nowhere/observances.toml: no such file" in err

"""Setting the tool up: `init` writes a settings file generated from the schema, the file is
found where the docs say, `config` says where each value comes from, and shell completion
offers commands, ids and tags."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

from observances.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "registries" / "valid_every_rule.yaml"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """The CLI in an empty working directory, with no settings file of the user's."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))

    def invoke(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, *args)

    return invoke


def test_init_writes_every_setting_and_copies_to_customize(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("init", "site")
    assert code == 0, out
    site = Path("site")
    text = (site / "observances.toml").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert re.search(rf"^(# )?{name} = ", text, re.MULTILINE) or name == "feeds", name
        assert f"OBSERVANCES_{name.upper()}" in text
    assert "# [[feeds]]" in text
    assert (site / "profile.yaml").read_bytes() == (ROOT / "profiles/aipr.yaml").read_bytes()
    assert (site / "templates/statement.md.j2").is_file()
    assert (site / "templates/es/statement.md.j2").is_file()
    # the file loads; its paths are relative to the file, not to the working directory
    settings = load_settings_from(site / "observances.toml")
    assert settings.profile == site / "profile.yaml"
    assert settings.templates_dir == site / "templates"
    assert settings.data_dir == site / "data"
    assert "--config site/observances.toml" in out


def load_settings_from(path: Path) -> Settings:
    os.environ["OBSERVANCES_CONFIG"] = str(path)
    try:
        return load_settings()
    finally:
        del os.environ["OBSERVANCES_CONFIG"]


def test_every_commented_default_in_the_file_is_the_default(run: Run) -> None:
    """Uncomment every line that shows a default: the file must load to the defaults."""
    run("init", "site")
    text = Path("site/observances.toml").read_text(encoding="utf-8")
    plain_keys = text.partition("# [[feeds]]")[0]  # the example feed table comes last
    shown = dict(
        line.removeprefix("# ").split(" = ", 1)
        for line in plain_keys.splitlines()
        if re.match(r"# [a-z_]+ = ", line)
    )
    active = {"profile", "templates_dir", "data_dir"}  # init points them at its copies
    assert set(shown) | active | {"feeds"} == set(Settings.model_fields)
    examples = {"database_url", "smtp_host", "smtp_port", "smtp_username", "smtp_password"}
    examples |= {"base_url", "registry", "profile", "templates_dir"}  # not defaults
    examples |= {"session_secret", "status_token"}  # the desk's secrets: unset by default
    values = tomllib.loads(
        "\n".join(f"{name} = {value}" for name, value in shown.items() if name not in examples)
    )
    # feed_windows, feed_marked_alarm_days (16), mail_from_name (11), users, login_delay (12)
    assert len(values) == 22
    assert Settings(**values) == Settings()


def test_init_refuses_to_overwrite(run: Run) -> None:
    assert run("init", "site")[0] == 0
    code, _, err = run("init", "site")
    assert code == 2
    assert "site/observances.toml" in err
    assert "--force" in err
    assert run("init", "site", "--force")[0] == 0


@pytest.mark.parametrize("where", ["option", "environment", "working directory", "xdg"])
def test_the_settings_file_is_found_in_each_place(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str
) -> None:
    text = f'registry = "{SMALL}"\n'
    args: tuple[str, ...] = ()
    if where == "option":
        (tmp_path / "given.toml").write_text(text, encoding="utf-8")
        args = ("--config", str(tmp_path / "given.toml"))
    elif where == "environment":
        (tmp_path / "given.toml").write_text(text, encoding="utf-8")
        monkeypatch.setenv("OBSERVANCES_CONFIG", str(tmp_path / "given.toml"))
    elif where == "working directory":
        Path("observances.toml").write_text(text, encoding="utf-8")
    else:
        (tmp_path / "xdg" / "observances").mkdir(parents=True)
        (tmp_path / "xdg" / "observances" / "observances.toml").write_text(text, "utf-8")
    # the fast commands read the file's registry too, without the settings schema
    code, out, err = run(*args, "list", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1].startswith("fixed,")
    code, out, _ = run(*args, "config", "--json")
    assert code == 0


def test_the_option_wins_over_the_working_directory(run: Run, tmp_path: Path) -> None:
    Path("observances.toml").write_text("port = 1111\n", encoding="utf-8")
    (tmp_path / "given.toml").write_text("port = 2222\n", encoding="utf-8")
    code, out, _ = run("--config", str(tmp_path / "given.toml"), "config")
    assert code == 0
    assert re.search(rf"^port\s+2222\s+{re.escape(str(tmp_path / 'given.toml'))}$", out, re.M)


def test_a_missing_config_file_says_what_to_do(run: Run) -> None:
    code, _, err = run("--config", "nowhere.toml", "plan")
    assert code == 2
    assert "--config nowhere.toml: no such file; `observances init` writes one" in err


def test_config_says_where_each_value_comes_from_and_hides_secrets(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("observances.toml").write_text(
        'smtp_password = "hunter2-file"\n'
        'database_url = "postgresql://app:s3cret-pw@db.example/obs"\n'
        '[[feeds]]\nname = "private"\ntoken = "t0ken-value"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("OBSERVANCES_PORT", "9999")
    code, out, _ = run("config")
    assert code == 0
    assert out.splitlines()[0] == "settings file: observances.toml (from the working directory)"
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert rows["port"].split()[1:] == ["9999", "environment", "OBSERVANCES_PORT"]
    assert rows["timezone"].split()[1:] == ["UTC", "default"]
    assert rows["smtp_password"].split()[-1] == "observances.toml"
    assert "app:********@db.example" in rows["database_url"]
    for secret in ("hunter2-file", "s3cret-pw", "t0ken-value"):
        assert secret not in out
    code, out, _ = run("config", "--format", "json")
    for secret in ("hunter2-file", "s3cret-pw", "t0ken-value"):
        assert secret not in out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(run: Run, shell: str) -> None:
    code, out, _ = run("completion", shell)
    assert code == 0
    assert "_OBSERVANCES_COMPLETE" in out
    assert f"{shell}_complete" in out


def _complete(words: str) -> list[str]:
    """What bash completion offers for the command line `words`, from a real process."""
    env = {
        **os.environ,
        "_OBSERVANCES_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from observances.cli import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_completion_offers_commands_ids_and_tags() -> None:
    assert {"upcoming", "init", "completion"} <= set(_complete("observances "))
    assert _complete("observances show human-rights-d") == ["human-rights-day"]
    assert "human-rights" in _complete("observances upcoming --tag hum")
    assert _complete("observances list --kind we") == ["week"]

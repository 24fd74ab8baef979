"""Every command's options follow one table (observances.cli.options.OPTION_TABLE): one
name and one type per meaning, so that `--from` is a date everywhere and `-o` is `--output`."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from observances.cli import cli
from observances.cli.options import OPTION_TABLE, SHORT_NAMES

# commands that work on a set of observances take every selection option (drafts and plan
# work on what the profile marks, so --marked would say nothing there)
SELECTING = {"list": True, "upcoming": True, "feed": True, "drafts": False}
# commands that print records take --format and its short form --json
READING = {"list", "show", "upcoming", "plan", "status", "config"}


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    yield prefix or "observances", group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}".strip())
        else:
            yield f"{prefix} {name}".strip(), command


def _options(command: click.Command) -> dict[str, click.Option]:
    found: dict[str, click.Option] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in param.opts + param.secondary_opts:
                found[name] = param
    return found


COMMANDS = dict(_commands(cli))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_options_follow_the_table(name: str) -> None:
    for flag, option in _options(COMMANDS[name]).items():
        if not flag.startswith("--"):
            long_names = [o for o in option.opts if o.startswith("--")]
            assert SHORT_NAMES.get(flag) in long_names, f"{name}: {flag} is not in SHORT_NAMES"
            continue
        assert flag in OPTION_TABLE, f"{name}: {flag} is not in the option table"
        kind, repeats = OPTION_TABLE[flag]
        if kind is None:
            assert option.is_flag, f"{name}: {flag} should be a flag"
        else:
            assert not option.is_flag, f"{name}: {flag} should take a value"
            assert isinstance(option.type, kind), f"{name}: {flag} is {option.type!r}"
            assert option.multiple == repeats, f"{name}: {flag} multiple={option.multiple}"


@pytest.mark.parametrize("name", sorted(SELECTING))
def test_selecting_commands_take_every_selection_option(name: str) -> None:
    wanted = {"--id", "--tag", "--kind"} | ({"--marked"} if SELECTING[name] else set())
    assert wanted <= set(_options(COMMANDS[name]))


@pytest.mark.parametrize("name", sorted(READING))
def test_reading_commands_take_format_and_json(name: str) -> None:
    options = _options(COMMANDS[name])
    assert {"--format", "--json"} <= set(options)
    assert {"table", "json"} <= set(options["--format"].type.choices)  # type: ignore[attr-defined]


def test_windows_are_dates_everywhere() -> None:
    """--from and --to take dates in every command that has them (the feed's years too)."""
    having = [n for n, c in COMMANDS.items() if "--from" in _options(c)]
    assert {"upcoming", "feed", "plan", "drafts"} <= set(having)

"""Commands that set the tool up: init (a settings file and copies to customize), config
(the settings in force and where each comes from) and completion (shell scripts)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from observances.cli.options import format_option
from observances.cli.output import echo_json, table

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(directory: str, force: bool) -> None:
    """Write DIR/observances.toml (every setting, commented, with its default) and copies of
    the shipped profile and templates to customize. DIR defaults to the working directory."""
    import shutil

    from observances import defaults
    from observances.errors import InputError
    from observances.settings import settings_file

    root = Path(directory)
    targets = {
        root / "observances.toml": None,
        root / "profile.yaml": defaults.shipped(defaults.PROFILE),
        root / "templates": defaults.shipped(defaults.TEMPLATES),
    }
    existing = [str(path) for path in targets if path.exists()]
    if existing and not force:
        raise InputError(
            f"{', '.join(existing)} already there; give --force to overwrite, or choose another DIR"
        )
    root.mkdir(parents=True, exist_ok=True)
    for target, source in targets.items():
        if source is None:
            active = {
                "profile": '"profile.yaml"',
                "templates_dir": '"templates"',
                "data_dir": '"data"',
            }
            target.write_text(settings_file(active), encoding="utf-8")
        elif source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
        click.echo(f"wrote {target}")
    config = root / "observances.toml"
    here = root.resolve() == Path.cwd().resolve()
    click.echo(
        "Next: edit the profile and the settings; "
        + ("`observances config` shows them." if here else f"use them with --config {config}")
        + ("" if here else f", or OBSERVANCES_CONFIG={config}, or run the commands from {root}.")
    )


_PASSWORD_IN_URL = re.compile(r"(://[^:/@]+:)[^@]+@")


def _shown(value: object) -> object:
    """A setting's value for people: secrets and passwords inside URLs redacted."""
    if isinstance(value, str):
        return _PASSWORD_IN_URL.sub(r"\1********@", value)
    return value


@click.command()
@format_option
def config(fmt: str) -> None:
    """Print the settings in force and where each value comes from (secrets redacted)."""
    from observances import configfile
    from observances.settings import load_settings_with_sources

    path, how = configfile.locate()
    settings, sources = load_settings_with_sources()
    values = settings.model_dump(mode="json")  # SecretStr dumps as '**********'
    rows = [
        {"setting": name, "value": _shown(values[name]), "source": sources[name]} for name in values
    ]
    if fmt == "json":
        echo_json({"file": str(path) if path else None, "settings": rows})
        return
    if fmt == "csv":
        from observances.cli.output import echo_csv

        echo_csv(("setting", "value", "source"), [[str(r[k]) for k in r] for r in rows])
        return
    click.echo(f"settings file: {path} (from {how})" if path else f"settings file: none ({how})")
    table(
        ("SETTING", "VALUE", "SOURCE"),
        [(str(r["setting"]), _text(r["value"]), str(r["source"])) for r in rows],
        ("cyan", "", "bright_black"),
    )


def _text(value: object) -> str:
    import json

    if value is None:
        return "(unset)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell script that completes commands, options, observance ids and tags.

    \b
    bash:  observances completion bash > ~/.local/share/bash-completion/completions/observances
    zsh:   observances completion zsh > "${fpath[1]}/_observances"
    fish:  observances completion fish > ~/.config/fish/completions/observances.fish
    """
    from click.shell_completion import get_completion_class

    from observances.cli import cli

    completer = get_completion_class(shell)
    if completer is None:  # the three SHELLS are click's own; a future click might drop one
        raise click.UsageError(f"this version of click cannot complete {shell}")
    click.echo(completer(cli, {}, "observances", "_OBSERVANCES_COMPLETE").source())


COMMANDS = (init, config, completion)

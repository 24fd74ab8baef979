"""Options shared by several commands, so that each is spelled and documented once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from observances import defaults

if TYPE_CHECKING:
    from pathlib import Path

    from observances.registry import Registry
    from observances.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def registry_option(func: F) -> F:
    """`--registry PATH`, also read from OBSERVANCES_REGISTRY."""
    return click.option(
        "--registry",
        "registry_path",
        envvar="OBSERVANCES_REGISTRY",
        show_default=defaults.REGISTRY,
        type=click.Path(dir_okay=False),
        help="The registry file (env: OBSERVANCES_REGISTRY).",
    )(func)


def profile_option(func: F) -> F:
    """`--profile PATH`, also read from OBSERVANCES_PROFILE."""
    return click.option(
        "--profile",
        "profile_path",
        envvar="OBSERVANCES_PROFILE",
        show_default=defaults.PROFILE,
        type=click.Path(dir_okay=False),
        help="The organization profile (env: OBSERVANCES_PROFILE).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def load_registry(path: str | Path | None) -> Registry:
    """The registry for commands that read nothing else: they skip the settings (and the TOML
    file) to start fast, so the option, its environment variable or the default decides."""
    from observances.registry import load

    return load(path or defaults.REGISTRY)


def settings_with(
    registry_path: str | None = None,
    profile_path: str | None = None,
    templates_dir: str | None = None,
    **more: Any,
) -> Settings:
    """The settings, with the file options given on the command line (or their environment
    variables) over the TOML file; options left out fall back to the settings."""
    from observances.settings import load_settings

    return load_settings(
        registry=registry_path, profile=profile_path, templates_dir=templates_dir, **more
    )


def date_option(flag: str, dest: str, help: str) -> Callable[[F], F]:
    """An option that takes a date written YYYY-MM-DD and passes a `datetime.date`."""

    def to_date(ctx: click.Context, param: click.Parameter, value: dt.datetime | None) -> Any:
        return value.date() if value else None

    return click.option(
        flag,
        dest,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        callback=to_date,
        metavar="YYYY-MM-DD",
        help=help,
    )


def templates_option(func: F) -> F:
    """`--templates DIR`, also read from OBSERVANCES_TEMPLATES_DIR."""
    return click.option(
        "--templates",
        "templates_dir",
        envvar="OBSERVANCES_TEMPLATES_DIR",
        show_default=defaults.TEMPLATES,
        type=click.Path(file_okay=False),
        help="The statement templates directory (env: OBSERVANCES_TEMPLATES_DIR).",
    )(func)

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


def _path_option(
    flag: str, dest: str, setting: str, default: str, what: str, *, directory: bool = False
) -> Callable[[F], F]:
    """A file or directory option that its OBSERVANCES_* variable can also give. It has no
    default of its own, so that a command that loads the settings can fall back to them."""
    variable = f"OBSERVANCES_{setting.upper()}"
    return click.option(
        flag,
        dest,
        envvar=variable,
        show_default=default,
        type=click.Path(dir_okay=directory, file_okay=not directory),
        help=f"{what} (env: {variable}).",
    )


registry_option = _path_option(
    "--registry", "registry_path", "registry", defaults.REGISTRY, "The registry file"
)
profile_option = _path_option(
    "--profile", "profile_path", "profile", defaults.PROFILE, "The organization profile"
)
templates_option = _path_option(
    "--templates",
    "templates_dir",
    "templates_dir",
    defaults.TEMPLATES,
    "The statement templates directory",
    directory=True,
)


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

    def to_date(
        ctx: click.Context,  # noqa: ARG001 - a click callback's signature
        param: click.Parameter,  # noqa: ARG001
        value: dt.datetime | None,
    ) -> Any:
        return value.date() if value else None

    return click.option(
        flag,
        dest,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        callback=to_date,
        metavar="YYYY-MM-DD",
        help=help,
    )

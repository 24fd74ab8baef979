"""Options shared by several commands, so that each is spelled, typed and documented once.

Every option of every command follows the table in `OPTION_TABLE` (name -> type);
tests/test_option_table.py walks the click tree and checks it. A new command takes its
options from the decorators here: `registry_option`, `selection_options`, `window_options`,
`format_option`, `output_option`, ...
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

import click

from observances import defaults

if TYPE_CHECKING:
    from pathlib import Path

    from click.shell_completion import CompletionItem

    from observances.registry import Observance, Registry
    from observances.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def _path_option(
    flag: str, dest: str, setting: str, default: str, what: str, *, directory: bool = False
) -> Callable[[F], F]:
    """A file or directory option that its OBSERVANCES_* variable can also give. It has no
    default of its own, so that a command that loads the settings can fall back to them
    (and they to the copy shipped in the package)."""
    variable = f"OBSERVANCES_{setting.upper()}"
    return click.option(
        flag,
        dest,
        envvar=variable,
        show_default=f"the shipped {default}",
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


FORMATS = ("table", "json", "csv")


@overload
def format_option(func: F) -> F: ...
@overload
def format_option(*, formats: tuple[str, ...]) -> Callable[[F], F]: ...
def format_option(func: F | None = None, *, formats: tuple[str, ...] = FORMATS) -> Any:
    """`--format table|json|csv`, with `--json` kept as its short form; the command receives
    `fmt`. Commands whose output is one nested object take `formats=("table", "json")`."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, fmt: str, as_json: bool, **kwargs: Any) -> Any:
            if as_json and fmt not in ("table", "json"):
                raise click.UsageError("give --json or --format, not both")
            return command(*args, fmt="json" if as_json else fmt, **kwargs)

        wrapper = click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(
            wrapper
        )
        return cast(
            "F",
            click.option(
                "--format",
                "fmt",
                type=click.Choice(formats),
                default="table",
                show_default=True,
                help="Output format.",
            )(wrapper),
        )

    return decorate(func) if func is not None else decorate


def output_option(binary: bool = False, default: str | None = "-") -> Callable[[F], F]:
    """`-o/--output FILE`, stdout by default (`-`)."""
    return click.option(
        "-o",
        "--output",
        type=click.File("wb" if binary else "w"),
        default=default,
        help="Write here instead of stdout." if default == "-" else "Write here.",
    )


def _complete_ids(
    ctx: click.Context,
    param: click.Parameter,  # noqa: ARG001 - click's shell_complete signature
    incomplete: str,
) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    try:
        registry = load_registry(ctx.params.get("registry_path"))
    except Exception:
        return []
    return [CompletionItem(i) for i in registry.by_id if i.startswith(incomplete)]


def _complete_tags(
    ctx: click.Context,
    param: click.Parameter,  # noqa: ARG001 - click's shell_complete signature
    incomplete: str,
) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    try:
        registry = load_registry(ctx.params.get("registry_path"))
    except Exception:
        return []
    return [CompletionItem(t) for t in sorted(registry.tags) if t.startswith(incomplete)]


KINDS = ("day", "week", "month", "year", "decade", "period")

observance_argument = click.argument("observance_id", metavar="ID", shell_complete=_complete_ids)
id_option = click.option(
    "--id",
    "ids",
    multiple=True,
    metavar="ID",
    shell_complete=_complete_ids,
    help="Only this observance (repeatable).",
)
tag_option = click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    shell_complete=_complete_tags,
    help="Only observances with this tag (repeatable).",
)
kind_option = click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only this kind (repeatable)."
)
marked_option = click.option(
    "--marked", is_flag=True, help="Only what the organization profile marks."
)


def selection_options(func: F) -> F:
    """--id, --tag, --kind and --marked: which observances a command works on. The command
    receives `ids`, `tags`, `kinds` and `marked`; `selected()` does the filtering."""
    for option in (marked_option, kind_option, tag_option, id_option):
        func = option(func)
    return func


def registry_in_force(path: str | Path | None) -> str | Path:
    """The registry file a command reads: the option (or its environment variable), else the
    settings file's `registry`, else the shipped registry."""
    from observances import configfile

    return path or configfile.registry_setting() or defaults.shipped(defaults.REGISTRY)


def load_registry(path: str | Path | None) -> Registry:
    """The registry for commands that read nothing else: they skip the settings schema to
    start fast, and read only the `registry` key of the settings file."""
    from observances.registry import load

    return load(registry_in_force(path))


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


if TYPE_CHECKING:
    _DateParam = click.ParamType[dt.date, Any]  # generic since click 8.2; plain before
else:
    _DateParam = click.ParamType


class DateType(_DateParam):
    """A date written YYYY-MM-DD, with errors in plain words: "2027-02-30 is not a date:
    February 2027 has 28 days"."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        import calendar
        import re

        text = str(value).strip()
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not found:
            self.fail(f"{text} is not a date: write it as YYYY-MM-DD", param, ctx)
        year, month, day = (int(part) for part in found.groups())
        if not 1 <= month <= MONTHS:
            self.fail(f"{text} is not a date: a month is 01 to 12", param, ctx)
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            name = calendar.month_name[month]
            self.fail(f"{text} is not a date: {name} {year} has {days} days", param, ctx)
        return dt.date(year, month, day)


DATE = DateType()
MONTHS = 12


def date_option(flag: str, dest: str, help: str) -> Callable[[F], F]:
    """An option that takes a date written YYYY-MM-DD and passes a `datetime.date`."""
    return click.option(flag, dest, type=DATE, metavar="YYYY-MM-DD", help=help)


def window_options(default_days: int | None = 60) -> Callable[[F], F]:
    """--from, --to (dates, inclusive) and --days: the window of dates a command covers.
    The command receives `start`, `end` and `days`; `window()` settles them."""
    days_help = (
        f"How many days from --from (default {default_days})."
        if default_days
        else ("How many days from --from.")
    )

    def decorate(func: F) -> F:
        func = click.option("--days", type=click.IntRange(min=1), help=days_help)(func)
        func = date_option("--to", "end", "Last day, inclusive.")(func)
        return date_option("--from", "start", "First day (default: today).")(func)

    return decorate


def window(
    start: dt.date | None, end: dt.date | None, days: int | None, today: dt.date, default_days: int
) -> tuple[dt.date, dt.date]:
    """The first and last day from --from/--to/--days; bad combinations are usage errors."""
    if end is not None and days is not None:
        raise click.UsageError("give --to or --days, not both")
    first = start or today
    last = end or first + dt.timedelta(days=(days or default_days) - 1)
    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    return first, last


def selected(
    registry: Registry,
    ids: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
    marked: bool = False,
    profile_path: str | None = None,
) -> tuple[Observance, ...]:
    """The observances the selection options choose; --marked reads the profile."""
    chosen = registry.select(ids=ids, tags=tags, kinds=kinds)
    if marked:
        from observances.profile import load_profile

        profile = load_profile(settings_with(profile_path=profile_path).profile, registry)
        chosen = tuple(obs for obs in chosen if profile.marks_observance(obs))
    return chosen


# --- the option table ---------------------------------------------------------------------
# Every option of every command, by long name: its click type and whether it repeats (None
# for a flag). tests/test_option_table.py walks the click tree and checks each option
# against this table, so that `--from` is a date and `-o` means `--output` everywhere. A new
# option goes here first; reuse a row before adding one.
OptionRow = tuple[type | None, bool]  # a click ParamType class, or None for a flag
OPTION_TABLE: dict[str, OptionRow] = {
    # files
    "--config": (click.types.StringParamType, False),
    "--registry": (click.Path, False),
    "--profile": (click.Path, False),
    "--templates": (click.Path, False),
    "--template": (click.Path, False),
    "--output": (click.types.ParamType, False),  # a file (click.File) or a directory (Path)
    # which observances
    "--id": (click.types.StringParamType, True),
    "--tag": (click.types.StringParamType, True),
    "--kind": (click.Choice, True),
    "--marked": (None, False),
    # when
    "--from": (DateType, False),
    "--to": (DateType, False),
    "--date": (DateType, False),
    "--days": (click.IntRange, False),
    "--years": (click.IntRange, False),
    "--year": (click.types.IntParamType, False),
    # output
    "--format": (click.Choice, False),
    "--json": (None, False),
    "--ongoing": (None, False),
    "--lang": (click.types.StringParamType, False),
    "--strict": (None, False),
    "--force": (None, False),
    # the service
    "--host": (click.types.StringParamType, False),
    "--port": (click.IntRange, False),
    "--dry-run": (None, False),
    "--unsafe-no-lock": (None, False),
    # publishing and accounts
    "--base-url": (click.types.StringParamType, False),
    "--password-stdin": (None, False),
    # click's own
    "--help": (None, False),
    "--version": (None, False),
}
# the only short names, each the short form of one long name
SHORT_NAMES = {"-o": "--output", "-h": "--help"}

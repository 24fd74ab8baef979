"""The `observances` command: a thin shell over the library, with one error handler.

Commands import what they need inside their bodies, so that `observances upcoming` does not
pay for the calendar, template or scheduler libraries at start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from observances.cli import catalog, database, drafts, feeds, publish, service, setup, users
from observances.errors import ObservancesError, RegistryError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="observances")
@click.option(
    "--config",
    metavar="FILE",
    help="The settings file (env: OBSERVANCES_CONFIG; default: ./observances.toml, then "
    "$XDG_CONFIG_HOME/observances/observances.toml).",
)
def cli(config: str | None) -> None:
    """A registry of United Nations observances, with calendar feeds and statement drafts."""
    import os

    from observances import configfile

    configfile.use(config)
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        click.get_current_context().color = False


for command in (
    *catalog.COMMANDS,
    *drafts.COMMANDS,
    *feeds.COMMANDS,
    *service.COMMANDS,
    *publish.COMMANDS,
    *users.COMMANDS,
    *setup.COMMANDS,
    *database.COMMANDS,
):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn every error into a message and an exit code.

    Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.
    """
    try:
        result = cli.main(args=argv, prog_name="observances", standalone_mode=False)
    except RegistryError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.echo(f"{count} problem{'s' * (count != 1)} found.", err=True)
        sys.exit(exc.exit_code)
    except ObservancesError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)

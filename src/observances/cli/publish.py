"""`observances publish DIR`: the public site as static files (docs/desk.md)."""

from __future__ import annotations

from pathlib import Path

import click

from observances.cli.options import profile_option, registry_option, settings_with


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    help="Address the files will be served at, for the subscribe links "
    "(default: the base_url setting).",
)
@registry_option
@profile_option
def publish(
    directory: Path, base_url: str | None, registry_path: str | None, profile_path: str | None
) -> None:
    """Write the public feeds, the index, one page per observance and the data files to
    DIRECTORY, the same bytes for the same inputs; private (token) feeds stay on the app."""
    from observances import wiring

    settings = settings_with(registry_path, profile_path)
    count = wiring.publish(settings, directory, base_url)
    click.echo(f"{count} files in {directory}")


COMMANDS = (publish,)

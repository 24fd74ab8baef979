"""`observances db`: the database's schema (migrations/): what it is at, and upgrading it."""

from __future__ import annotations

import click

from observances.cli.options import settings_with


@click.group()
def db() -> None:
    """The outbox database's schema: `db current` shows it, `db upgrade` brings it up to date.

    Upgrade with every instance stopped and a backup taken; `run` and `send-due` refuse to
    start on an older schema and say so."""


@db.command()
def current() -> None:
    """The schema revision the database is at, and the one this observances needs."""
    from observances import migrations
    from observances.wiring import outbox_for

    outbox = outbox_for(settings_with(None, None))
    try:
        with outbox.explained():
            found = migrations.state(outbox.engine)
    finally:
        outbox.close()
    where = outbox.engine.url.render_as_string(hide_password=True)
    if found.current is None:
        click.echo(f"{where}: empty (no outbox yet); this observances needs {found.head}")
    elif found.legacy:
        click.echo(
            f"{where}: an outbox from before migrations (layout {found.current}); "
            f"this observances needs {found.head}: run `observances db upgrade`"
        )
    elif found.up_to_date:
        click.echo(f"{where}: at {found.current}, up to date")
    else:
        click.echo(
            f"{where}: at {found.current}; this observances needs {found.head}: "
            "run `observances db upgrade`"
        )


@db.command()
def upgrade() -> None:
    """Apply the migrations the database lacks (creates it when empty). Stop every instance
    and back the database up first; there are no downgrades."""
    from observances import migrations
    from observances.wiring import outbox_for

    settings = settings_with(None, None)
    outbox = outbox_for(settings)
    try:
        with outbox.explained():
            if settings.database_url is None:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            before, after = migrations.upgrade(outbox.engine)
    finally:
        outbox.close()
    where = outbox.engine.url.render_as_string(hide_password=True)
    if before.current == after.current and not before.legacy:
        click.echo(f"{where}: already at {after.current}")
    else:
        start = "empty" if before.current is None else before.current
        if before.legacy:
            start = f"{start} (an outbox from before migrations)"
        click.echo(f"{where}: upgraded from {start} to {after.current}")


COMMANDS = (db,)

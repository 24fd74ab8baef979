"""Commands that publish: feed (write an .ics file) and serve (the feed server)."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

import click

from observances.cli.options import (
    load_registry,
    output_option,
    profile_option,
    registry_option,
    selected,
    selection_options,
    settings_with,
    window_options,
)


@click.command()
@registry_option
@profile_option
@window_options(default_days=None)
@click.option(
    "--years",
    type=click.IntRange(min=1),
    help="Whole calendar years from the year of --from (instead of --to or --days).",
)
@selection_options
@output_option(binary=True)
def feed(
    registry_path: str | None,
    profile_path: str | None,
    start: dt.date | None,
    end: dt.date | None,
    days: int | None,
    years: int | None,
    ids: tuple[str, ...],
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    marked: bool,
    output: BinaryIO,
) -> None:
    """Write an iCalendar feed. Default window: from 1 January, feed_years_back years ago,
    to 31 December, feed_years_ahead years on (the settings; 1 and 3 unless changed)."""
    from observances import clock
    from observances.calendar.ical import CalendarInfo, build
    from observances.occurrences import occurrences

    settings = settings_with(registry_path, profile_path)
    if sum(given is not None for given in (end, days, years)) > 1:
        raise click.UsageError("give one of --to, --days and --years")
    this_year = clock.today().year
    first = start or dt.date(this_year - settings.feed_years_back, 1, 1)
    if years is not None:
        last = dt.date(first.year + years - 1, 12, 31)
    elif days is not None:
        last = first + dt.timedelta(days=days - 1)
    elif end is not None:
        last = end
    else:
        last = dt.date(max(first.year, this_year + settings.feed_years_ahead), 12, 31)
    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    registry = load_registry(settings.registry)
    chosen = selected(registry, ids, tags, kinds, marked, profile_path)
    title, about = "United Nations observances", "Observances from the registry"
    if marked:
        from observances.profile import load_profile

        profile = load_profile(settings.profile, registry)
        title, about = f"Observances {profile.short_name} marks", f"What {profile.name} marks"
    if tags:
        about += f", tagged {', '.join(tags)}"
    whole_years = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    span = f"{first.year} to {last.year}" if whole_years else f"{first} to {last}"
    found = occurrences(chosen, first, last)
    info = CalendarInfo(title, f"{about}, {span}.", alarm_days=settings.feed_alarm_days)
    output.write(build(found, info, registry.revision))


@click.command()
@registry_option
@profile_option
@click.option("--host", help="Address to listen on (default 127.0.0.1; env OBSERVANCES_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8080).")
def serve(
    registry_path: str | None, profile_path: str | None, host: str | None, port: int | None
) -> None:
    """Serve the feeds, the index page and /healthz over HTTP, reloading the registry when it
    changes (one process, one worker)."""
    import uvicorn

    from observances.reloading import LiveState
    from observances.web.app import create_app
    from observances.web.listen import AnnouncingServer, bind

    settings = settings_with(registry_path, profile_path, host=host, port=port)
    live = LiveState(settings.registry, settings.profile, settings.feeds)
    app = create_app(live, settings)
    sock = bind(settings.host, settings.port)  # a port in use stops here: exit 1
    config = uvicorn.Config(app, workers=1, log_level="info")
    address = f"http://{settings.host}:{settings.port}/"
    server = AnnouncingServer(
        config, lambda: click.echo(f"Serving the feeds at {address}", err=True)
    )
    server.run(sockets=[sock])


COMMANDS = (feed, serve)

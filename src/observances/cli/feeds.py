"""Commands that publish: feed (write an .ics file) and serve (the feed server)."""

from __future__ import annotations

from typing import BinaryIO

import click

from observances.cli.options import load_registry, profile_option, registry_option, settings_with

YEAR = click.IntRange(1900, 2200)


@click.command()
@registry_option
@profile_option
@click.option("--from", "first", type=YEAR, metavar="YEAR", help="First year (default: last year).")
@click.option("--to", "last", type=YEAR, metavar="YEAR", help="Last year (default: 3 years on).")
@click.option("--tag", "tags", multiple=True, help="Only observances with this tag (repeatable).")
@click.option("--id", "ids", multiple=True, help="Only this observance (repeatable).")
@click.option("--marked", is_flag=True, help="Only what the organization profile marks.")
@click.option(
    "-o", "--output", type=click.File("wb"), default="-", help="Write here (default: stdout)."
)
def feed(
    registry_path: str | None,
    profile_path: str | None,
    first: int | None,
    last: int | None,
    tags: tuple[str, ...],
    ids: tuple[str, ...],
    marked: bool,
    output: BinaryIO,
) -> None:
    """Write an iCalendar feed of the observances in a window of whole years."""
    import datetime as dt

    from observances import clock
    from observances.calendar.ical import CalendarInfo, build
    from observances.occurrences import occurrences

    settings = settings_with(registry_path, profile_path)
    this_year = clock.today().year
    first = first if first is not None else this_year - settings.feed_years_back
    last = last if last is not None else this_year + settings.feed_years_ahead
    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    registry = load_registry(settings.registry)
    selected = registry.select(ids=ids, tags=tags)
    title, about = "United Nations observances", "Observances from the registry"
    if marked:
        from observances.profile import load_profile

        profile = load_profile(settings.profile, registry)
        selected = tuple(obs for obs in selected if profile.marks_observance(obs))
        title, about = f"Observances {profile.short_name} marks", f"What {profile.name} marks"
    if tags:
        about += f", tagged {', '.join(tags)}"
    found = occurrences(selected, dt.date(first, 1, 1), dt.date(last, 12, 31))
    info = CalendarInfo(title, f"{about}, {first} to {last}.", alarm_days=settings.feed_alarm_days)
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
    from observances.wiring import desk_config, live_templates

    settings = settings_with(registry_path, profile_path, host=host, port=port)
    live = LiveState(settings.registry, settings.profile, settings.feeds)
    templates = live_templates(settings.templates_dir)
    app = create_app(live, settings, desk=desk_config(settings, live, templates.current))
    click.echo(f"Serving the feeds at http://{settings.host}:{settings.port}/", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, workers=1, log_level="info")


COMMANDS = (feed, serve)

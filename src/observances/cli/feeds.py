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
@click.option(
    "--lang",
    "language",
    metavar="LANG",
    default="en",
    help="Titles and descriptions in this language: en, es, fr, ar, zh or ru (default: en).",
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
    language: str,
    output: BinaryIO,
) -> None:
    """Write an iCalendar feed. Default window: the server's for that feed, from 1 January
    feed_years_back years ago to 31 December feed_years_ahead years on (settings: 1 and 2, and
    feed_windows for `all`: this year and next). A feed over the budget (1 MB, 1,000 events)
    is refused, as the server would (docs/feeds.md)."""
    import dataclasses

    from observances import wiring
    from observances.calendar.feedset import feed_set, selection
    from observances.words import check_language

    check_language(language)

    if sum(given is not None for given in (end, days, years)) > 1:
        raise click.UsageError("give one of --to, --days and --years")
    settings = settings_with(registry_path, profile_path)
    options = wiring.feed_options(settings)
    registry = load_registry(settings.registry)
    profile = None  # only a feed of what the organization marks reads the profile
    if marked:
        from observances.profile import load_profile

        profile = load_profile(settings.profile, registry)
    # the server's feed set, so that `all`, `marked` and a tag's feed are the bytes it serves
    chosen = selection(
        feed_set(registry, profile), profile, tags=tags, ids=ids, marked=marked, registry=registry
    )
    if kinds:
        only = ", ".join(kinds)
        chosen = dataclasses.replace(
            chosen, name="selection", kinds=kinds, description=f"{chosen.description} ({only})"
        )
    # the server's window for this feed by default: the same "today", in the configured zone
    first_year, last_year = options.years(wiring.local_today(settings)(), chosen.name)
    first = start or dt.date(first_year, 1, 1)
    if years is not None:
        last = dt.date(first.year + years - 1, 12, 31)
    elif days is not None:
        last = first + dt.timedelta(days=days - 1)
    else:
        last = end or dt.date(max(first.year, last_year), 12, 31)
    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    alarms = options.alarms(chosen)
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        whole = (first.year, last.year)
        # over the budget is an error here too (OverBudget, exit 2): the file is for subscribers
        output.write(
            chosen.build(
                registry,
                profile,
                whole,
                alarms,
                language,
                budget=options.budget,
                send_at=options.send_at,
            )
        )
        return
    from observances.occurrences import occurrences

    found = occurrences(chosen.observances(registry, profile), first, last)
    output.write(
        chosen.build_occurrences(
            found,
            registry,
            profile,
            (first.year, last.year),
            alarms,
            language,
            budget=options.budget,
            send_at=options.send_at,
        )
    )


@click.command()
@registry_option
@profile_option
@click.option("--host", help="Address to listen on (default 127.0.0.1; env OBSERVANCES_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8080).")
def serve(
    registry_path: str | None, profile_path: str | None, host: str | None, port: int | None
) -> None:
    """Serve the feeds, the index page and /healthz over HTTP, reloading the registry when it
    changes (one process, one worker). The address is printed once the server listens."""
    from observances import wiring

    settings = settings_with(registry_path, profile_path, host=host, port=port)
    app = wiring.web_app(settings, wiring.live_files(settings))  # a bad registry stops here
    address = f"http://{settings.host}:{settings.port}/"
    wiring.serve(settings, app, lambda: click.echo(f"Serving the feeds at {address}", err=True))


COMMANDS = (feed, serve)

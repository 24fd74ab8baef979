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
    "--lang",
    "language",
    metavar="LANG",
    default="en",
    help="Titles and descriptions in this language: en, es, fr, ar, zh or ru (default: en).",
)
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
    language: str,
    output: BinaryIO,
) -> None:
    """Write an iCalendar feed of the observances in a window of whole years."""
    from observances import wiring
    from observances.words import check_language

    check_language(language)
    from observances.calendar.feedset import feed_set, selection

    settings = settings_with(registry_path, profile_path)
    options = wiring.feed_options(settings)
    # the server's window by default: the same "today", in the configured zone
    this_window = options.years(wiring.local_today(settings)())
    first = first if first is not None else this_window[0]
    last = last if last is not None else this_window[1]
    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    registry = load_registry(settings.registry)
    profile = None  # only a feed of what the organization marks reads the profile
    if marked:
        from observances.profile import load_profile

        profile = load_profile(settings.profile, registry)
    # the server's feed set, so that `all`, `marked` and a tag's feed are the bytes it serves
    chosen = selection(feed_set(registry, profile), profile, tags=tags, ids=ids, marked=marked)
    output.write(chosen.build(registry, profile, (first, last), options.alarm_days, language))


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
    from observances import wiring

    settings = settings_with(registry_path, profile_path, host=host, port=port)
    app = wiring.web_app(settings, wiring.live_files(settings))  # a bad registry stops here
    click.echo(f"Serving the feeds at http://{settings.host}:{settings.port}/", err=True)
    wiring.serve(settings, app)


COMMANDS = (feed, serve)

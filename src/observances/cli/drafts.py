"""Commands that write statement drafts: preview (one occurrence) and drafts (a window).

Exit codes: 2 for bad input (unknown id, a date the observance does not fall on, a template
error); 1 with --strict when placeholders remain (the input was fine; the writing is not done).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from observances.cli.options import (
    date_option,
    id_option,
    kind_option,
    load_registry,
    observance_argument,
    output_option,
    profile_option,
    registry_option,
    settings_with,
    tag_option,
    templates_option,
    window,
    window_options,
)
from observances.errors import InputError

if TYPE_CHECKING:
    from observances.drafts.render import Draft
    from observances.occurrences import Occurrence
    from observances.registry import Observance

FORMATS = ("markdown", "text", "html")

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="markdown",
    show_default=True,
    help="Markdown, plain text, or HTML for email.",
)
lang_option = click.option(
    "--lang",
    "language",
    metavar="LANG",
    help="The draft's language: en, es, fr, ar, zh or ru (default: the profile's).",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Fail (exit 1) when any placeholder remains."
)


def _pick(obs: Observance, year: int | None, on: dt.date | None, today: dt.date) -> Occurrence:
    """The occurrence asked for: on a date, in a year, or the next one from today."""
    from observances.occurrences import next_occurrence, occurrences_in_year
    from observances.words.en import long_date

    if year is not None and on is not None:
        raise click.UsageError("give --year or --date, not both")
    if on is not None:
        # a week that starts in late December belongs to the year before
        found = [
            occ
            for y in (on.year - 1, on.year)
            for occ in occurrences_in_year(obs, y)
            if occ.start <= on <= occ.end
        ]
        if found:
            return found[0]
        days = occurrences_in_year(obs, on.year)
        falls = ", ".join(str(occ.start) for occ in days) or "no date"
        raise InputError(
            f"{obs.id} does not fall on {on}; in {on.year} it falls on {falls} "
            f"(see `observances show {obs.id}`)"
        )
    if year is not None:
        # any year inside a decade: its yearly occurrence ("year 7 of 10")
        days = occurrences_in_year(obs, year) or occurrences_in_year(obs, year, by_year=True)
        if not days:
            raise InputError(
                f"{obs.id} has no date in {year}; see `observances show {obs.id}` for its years"
            )
        if len(days) > 1:
            others = ", ".join(str(occ.start) for occ in days[1:])
            click.echo(f"note: it also falls on {others} in {year}; pick one with --date", err=True)
        return days[0]
    upcoming = next_occurrence(obs, today)
    if upcoming is None:
        raise InputError(f"{obs.id} has no date after {long_date(today)}; give --year")
    return upcoming


def _formatted(draft: Draft, fmt: str) -> str:
    body = {"markdown": draft.markdown, "text": draft.text, "html": draft.html}[fmt]
    return f"Subject: {draft.subject}\n\n{body}"


@click.command()
@observance_argument
@click.option("--year", type=int, help="The occurrence in this year (the first, if several).")
@date_option("--date", "on", "The occurrence on this date (any day of a week will do).")
@format_option
@lang_option
@click.option(
    "--template",
    type=click.Path(dir_okay=False),
    help="Render with this template file instead of the one the overrides choose.",
)
@strict_option
@output_option()
@registry_option
@profile_option
@templates_option
def preview(
    observance_id: str,
    year: int | None,
    on: dt.date | None,
    fmt: str,
    language: str | None,
    template: str | None,
    strict: bool,
    output: TextIO,
    registry_path: str | None,
    profile_path: str | None,
    templates_dir: str | None,
) -> None:
    """Print the statement draft for one occurrence (default: the next one), then its
    placeholders on stderr."""
    from observances import wiring
    from observances.drafts.render import render
    from observances.drafts.templates import TemplateSet
    from observances.profile import load_profile

    settings = settings_with(registry_path, profile_path, templates_dir)
    registry = load_registry(settings.registry)
    obs = registry.get(observance_id)
    profile = load_profile(settings.profile, registry)
    today = wiring.local_today(settings)()  # the service's "today": the configured zone
    occurrence = _pick(obs, year, on, today)
    templates = TemplateSet.load(settings.templates_dir)
    draft = render(
        occurrence, profile, templates, language=language, today=today, template=template
    )
    click.echo(_formatted(draft, fmt), nl=False, file=output)
    count = len(draft.placeholders)
    click.echo(
        f"\n--- {count} placeholder{'s' * (count != 1)} in {draft.template}"
        f" ({draft.language})" + (":" if count else ""),
        err=True,
    )
    for placeholder in draft.placeholders:
        click.echo(f"  {placeholder}", err=True)
    if strict:
        draft.check_complete()


@click.command("drafts")
@window_options(default_days=60)
@id_option
@tag_option
@kind_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="drafts",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the drafts, one file per occurrence.",
)
@lang_option
@strict_option
@registry_option
@profile_option
@templates_option
def drafts_(
    start: dt.date | None,
    end: dt.date | None,
    days: int | None,
    ids: tuple[str, ...],
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    out_dir: str,
    language: str | None,
    strict: bool,
    registry_path: str | None,
    profile_path: str | None,
    templates_dir: str | None,
) -> None:
    """Write a draft for every occurrence the organization marks in a window, as
    OUTPUT/<start date>-<id>.md, and one in each language of the programs it concerns as
    <id>.<lang>.md (only LANG with --lang); --id, --tag and --kind narrow the marked
    observances."""
    from observances import wiring
    from observances.drafts.render import IncompleteDraftError, render
    from observances.drafts.templates import TemplateSet
    from observances.occurrences import occurrences
    from observances.profile import load_profile

    settings = settings_with(registry_path, profile_path, templates_dir)
    today = wiring.local_today(settings)()  # the service's "today": the configured zone
    start, end = window(start, end, days, today, 60)
    registry = load_registry(settings.registry)
    profile = load_profile(settings.profile, registry)
    templates = TemplateSet.load(settings.templates_dir)
    chosen = {obs.id for obs in registry.select(ids=ids, tags=tags, kinds=kinds)}
    found = occurrences([o for o in profile.marked(registry) if o.id in chosen], start, end)
    # render every draft before writing any, so that a template error leaves no half-done run
    # without --lang, one draft per language: the profile's and its related programs' own
    rendered = [
        render(occ, profile, templates, language=lang, today=today)
        for occ in found
        for lang in ((language,) if language else profile.languages_for(occ.observance))
    ]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for draft in rendered:
        suffix = "" if draft.language == profile.language else f".{draft.language}"
        path = out / f"{draft.occurrence.start}-{draft.occurrence.id}{suffix}.md"
        path.write_text(_formatted(draft, "markdown"), encoding="utf-8")
        total += len(draft.placeholders)
        click.echo(f"{path}  {len(draft.placeholders)} placeholders")
    click.echo(
        f"{len(rendered)} draft{'s' * (len(rendered) != 1)} from {start} to {end} in {out}; "
        f"{total} placeholder{'s' * (total != 1)} to fill."
    )
    if strict and total:
        raise IncompleteDraftError(f"{total} placeholders remain (--strict)")


COMMANDS = (preview, drafts_)

"""Commands that read the registry: validate, list, show, upcoming."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from observances.cli.options import (
    format_option,
    load_registry,
    observance_argument,
    profile_option,
    registry_in_force,
    registry_option,
    selected,
    selection_options,
    window,
    window_options,
)
from observances.cli.output import echo_json, echo_records, table

if TYPE_CHECKING:
    from observances.occurrences import Occurrence
    from observances.registry import Observance
    from observances.registry.facts import Fact
    from observances.words import Wording


def _english() -> Wording:
    """The command line prints English; loaded only by commands that print words (JSON
    output has none), to keep start-up short."""
    from observances.words import for_language

    return for_language("en")


@click.command()
@registry_option
def validate(registry_path: str | None) -> None:
    """Check the registry and report every problem, one per line (exit 2 if any)."""
    from observances import clock
    from observances.registry.checks import warnings
    from observances.registry.facts import summary

    path = registry_in_force(registry_path)
    registry = load_registry(path)
    spans = sum(len(obs.dates) for obs in registry.observances)
    for warning in warnings(registry.observances, clock.today().year + 1):
        click.echo(click.style(f"warning: {warning}", fg="yellow"), err=True)
    s = summary(registry.observances)
    click.echo(
        f"{path}: {len(registry.observances)} observances, {spans} date spans; no problems found."
    )
    by_class = ", ".join(f"{n} {c}" for c, n in s.verified_by_class.items())
    sources = ", ".join(f"{n} {c}" for c, n in s.sources_by_class.items())
    bases = ", ".join(f"{n} {b}" for b, n in s.first_years.items())
    click.echo(
        f"facts: {s.verified} of {s.facts} verified ({by_class}), "
        f"{s.facts - s.verified} unverified; sources: {sources}; "
        f"first years: {bases}; entries with every fact verified: "
        f"{s.entries_verified} of {s.entries}"
    )
    # names in the other UN languages: how many, and how many rest on the UN's own pages
    click.echo(
        "names: "
        + "; ".join(
            f"{c.language} {c.names}/{c.entries} ({c.confirmed} confirmed, {c.primary} primary)"
            for c in registry.name_coverage()
        )
    )
    _check_feed_budgets(registry_path)


def _check_feed_budgets(registry_path: str | None) -> None:
    """Every feed the server would serve today, built: one over the budget is an error (exit
    2) naming it, its size and the way out."""
    from observances import wiring
    from observances.calendar.feedset import feed_set, over_budget
    from observances.cli.options import settings_with
    from observances.errors import InputError, RegistryError
    from observances.profile import load_profile

    settings = settings_with(registry_path)
    registry = load_registry(settings.registry)
    try:
        profile = load_profile(settings.profile, registry)
    except RegistryError as exc:
        # another registry than the profile's (a draft, a test file): the registry itself is
        # valid, and the feeds of the profile's own registry are what the server would serve
        click.echo(
            f"note: feeds not checked against the budget: the profile {settings.profile} does "
            f"not fit this registry ({len(exc.problems)} problems; see `observances plan`)",
            err=True,
        )
        return
    options = wiring.feed_options(settings)
    feeds = feed_set(registry, profile, wiring.configured_feeds(settings))
    problems = over_budget(feeds, registry, profile, options, wiring.local_today(settings)())
    if problems:
        raise InputError("\n".join(str(exc) for exc in problems))
    click.echo(
        f"feeds: {len(feeds)} within the budget of {options.budget.max_bytes:,} bytes and "
        f"{options.budget.max_events:,} events"
    )


@click.command("list")
@registry_option
@profile_option
@selection_options
@format_option
def list_(
    registry_path: str | None,
    profile_path: str | None,
    ids: tuple[str, ...],
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    marked: bool,
    fmt: str,
) -> None:
    """List the observances in the registry."""
    registry = load_registry(registry_path)
    chosen = selected(registry, ids, tags, kinds, marked, profile_path)
    if fmt != "table":
        echo_records(
            fmt,
            [
                {
                    "id": obs.id,
                    "name": obs.name,
                    "short_name": obs.short_name,
                    "kind": obs.kind.value,
                    "tags": list(obs.tags),
                    "verified": obs.verified,
                }
                for obs in chosen
            ],
        )
        return
    table(
        ("ID", "KIND", "NAME", "TAGS"),
        [
            (
                o.id,
                o.kind.value,
                o.name + ("" if o.verified else " (unverified)"),
                ", ".join(o.tags),
            )
            for o in chosen
        ],
        ("cyan", "", "", "green"),
        shrink=2,
    )


def edition_label(occ: Occurrence) -> str:
    """The edition for a table: "24th" when confirmed, "24th?" when counted from a first year
    that is a lower bound or unconfirmed, "" when unknown."""
    if not occ.edition:
        return ""
    return _english().ordinal(occ.edition) + ("" if occ.edition_confirmed else "?")


@click.command()
@observance_argument
@registry_option
@format_option(formats=("table", "json"))
def show(observance_id: str, registry_path: str | None, fmt: str) -> None:
    """Show one observance: its names, dates over time, citations and notes."""
    obs = load_registry(registry_path).get(observance_id)
    if fmt == "json":
        from pydantic import TypeAdapter

        data = TypeAdapter(type(obs)).dump_python(
            obs, mode="json", exclude_none=True, exclude_defaults=True
        )
        for span, dumped in zip(obs.dates, data["dates"], strict=True):
            dumped["description"] = _english().span_label(span)
        data["verified"] = obs.verified
        data["facts"] = [
            {
                "fact": fact.kind.value,
                "index": fact.index,
                "verified": fact.verified,
                "sources": [{"url": s.url, "class": s.cls.value} for s in fact.sources],
            }
            for fact in obs.facts
        ]
        echo_json(data)
        return
    _print_observance(obs)


def _print_observance(obs: Observance) -> None:
    """The human form of `show`: a heading, then names, dates, citations and notes."""
    words = _english()
    out = click.echo
    out(click.style(obs.name, bold=True) + (f" ({obs.short_name})" if obs.short_name else ""))
    out(f"  id: {obs.id}    kind: {obs.kind.value}    proclaimed by: {obs.body}")
    if obs.tags:
        out(f"  tags: {', '.join(obs.tags)}")
    if obs.url:
        out(f"  {obs.url}")
    if obs.check:
        out(click.style(f"  TO CHECK: {obs.check}", fg="yellow"))
    if obs.former_names:
        out("\nNames")
        since = obs.since
        for former in obs.former_names:
            out(f"  {since}-{former.until}  {former.name}  [{former.cite}]")
            since = former.until + 1
        out(f"  {since}-      {obs.name}")
    _print_dates(obs)
    out("\nCitations")
    for citation in obs.citations:
        adopted = f", adopted {words.long_date(citation.adopted)}" if citation.adopted else ""
        out(f"  {citation.symbol}{adopted}" + (f"  {citation.url}" if citation.url else ""))
        if citation.note:
            out(f"    {citation.note}")
    if obs.notes:
        out(f"\nNotes\n  {obs.notes.strip()}")
    _print_facts(obs)


_BASIS = {
    "stated": "stated by a source",
    "adoption": "follows from the adoption date",
    "at_least": "a lower bound: earlier years are unknown",
    "unknown": "a placeholder: no source gives it",
}


def _fact_subject(obs: Observance, fact: Fact) -> str:
    words = _english()
    match fact.kind.value:
        case "name":
            return f"name: {obs.name}"
        case "former name":
            former = obs.former_names[fact.index]
            return f"former name: {former.name} (until {former.until})"
        case "first year":
            first = obs.first_year
            adopted = f", adopted {words.long_date(first.adopted)}" if first.adopted else ""
            return f"first year: {obs.since} ({_BASIS[first.basis]}{adopted})"
        case "act":
            return f"act: {obs.citations[fact.index].symbol} ({obs.body})"
        case _:
            return f"rule: {words.span_label(obs.dates[fact.index])}"


def _print_facts(obs: Observance) -> None:
    """Each fact with its status and its sources, each source with its class."""
    out = click.echo
    summary = "every fact verified" if obs.verified else "not every fact is verified"
    out(f"\nFacts ({summary})")
    for fact in obs.facts:
        status = "verified" if fact.verified else click.style("unverified", fg="yellow")
        out(f"  {_fact_subject(obs, fact)}  [{status}]")
        for source in fact.sources:
            out(f"    {source.cls.value:<9}  {source.url}")
        if not fact.sources:
            out("    (no source)")


def _print_dates(obs: Observance) -> None:
    words = _english()
    out = click.echo
    out("\nDates")
    if obs.first_year.basis != "stated":
        why = _BASIS[obs.first_year.basis]
        out(click.style(f"  first year {obs.since}: {why}", fg="yellow"))
    for span in obs.dates:
        out(f"  {words.span_label(span)}  [{span.cite}]" + (f"  {span.note}" if span.note else ""))
    for move in obs.moves:
        out(f"  in {move.date.year}: moved from {move.date} to {move.moved_to}  [{move.cite}]")


@click.command()
@registry_option
@profile_option
@window_options(default_days=60)
@selection_options
@click.option(
    "--ongoing",
    is_flag=True,
    help="Also list what is under way on the first day (a week begun, a year, a decade).",
)
@format_option
def upcoming(
    registry_path: str | None,
    profile_path: str | None,
    start: dt.date | None,
    end: dt.date | None,
    days: int | None,
    ids: tuple[str, ...],
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    marked: bool,
    ongoing: bool,
    fmt: str,
) -> None:
    """Observances starting in a window: from today for 60 days unless told otherwise."""
    from observances import clock
    from observances.occurrences import occurrences
    from observances.occurrences import ongoing as under_way

    start, end = window(start, end, days, clock.today(), 60)
    registry = load_registry(registry_path)
    chosen = selected(registry, ids, tags, kinds, marked, profile_path)
    found = (under_way(chosen, start) if ongoing else []) + occurrences(chosen, start, end)
    if fmt == "json":
        echo_json([occ.as_json() for occ in found])
        return
    if fmt == "csv":
        echo_records(fmt, [occ.as_json() for occ in found])
        return
    words = _english()
    if not found:
        click.echo(f"No observances from {start} to {end}.")
        return
    table(
        ("DATE", "OBSERVANCE", "KIND", "EDITION", "SOURCE"),
        [
            (
                words.short_range(occ.start, occ.end),
                occ.name + ("" if occ.observance.verified else " (unverified)"),
                occ.kind.value,
                edition_label(occ),
                occ.citation.symbol,
            )
            for occ in found
        ],
        ("cyan", "", "", "", "bright_black"),
        shrink=1,
    )


COMMANDS = (validate, list_, show, upcoming)

"""Checks that span several fields or observances, each reported at the field that causes it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence

from observances.registry.models import DateSpan, Kind, Observance, first_year_from_adoption
from observances.registry.rules import Announced, FullMoon, WholeSpan, WholeYear
from observances.yamlsource import Finding, Path

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_URL = re.compile(r"https?://\S+")


def check(observances: Sequence[tuple[int, Observance]], tags: dict[str, str]) -> Iterator[Finding]:
    """Problems across the registry; `observances` pairs each model with its list index."""
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, obs in observances:
        at: Path = ("observances", index)
        if not _SLUG.fullmatch(obs.id):
            yield (
                (*at, "id"),
                (
                    f"{obs.id!r} is not a slug; use lowercase letters and digits joined by single "
                    "hyphens, such as 'south-south-cooperation'"
                ),
            )
        if obs.id in seen_ids:
            yield (*at, "id"), f"duplicate id {obs.id!r}: observances[{seen_ids[obs.id]}] has it"
        seen_ids.setdefault(obs.id, index)
        if obs.name in seen_names:
            yield (*at, "name"), f"observances[{seen_names[obs.name]}] has the same name"
        seen_names.setdefault(obs.name, index)
        for i, tag in enumerate(obs.tags):
            if tag not in tags:
                yield (
                    (*at, "tags", i),
                    (
                        f"unknown tag {tag!r}; use one of {', '.join(sorted(tags))}, "
                        "or add it with a description under `tags` at the top of the file"
                    ),
                )
        yield from _check_urls(at, obs)
        yield from _check_first_year(at, obs)
        yield from _check_citations(at, obs)
        yield from _check_spans(at, obs)
        yield from _check_moves(at, obs)


def _check_urls(at: Path, obs: Observance) -> Iterator[Finding]:
    urls: list[tuple[Path, str | None]] = [((*at, "url"), obs.url)]
    urls += [((*at, "citations", i, "url"), c.url) for i, c in enumerate(obs.citations)]
    lists: list[tuple[Path, tuple[str, ...]]] = [
        ((*at, "name_sources"), obs.name_sources),
        ((*at, "first_year", "sources"), obs.first_year.sources),
        *(((*at, "citations", i, "sources"), c.sources) for i, c in enumerate(obs.citations)),
        *(((*at, "dates", i, "sources"), s.sources) for i, s in enumerate(obs.dates)),
        *(((*at, "former_names", i, "sources"), f.sources) for i, f in enumerate(obs.former_names)),
    ]
    for path, found in lists:
        for j, listed in enumerate(found):
            urls.append(((*path, j), listed))
            if listed in found[:j]:
                yield (*path, j), f"{listed!r} is listed twice"
    for path, address in urls:
        if address is not None and not _URL.fullmatch(address):
            url = address
            yield path, f"{url!r} is not a web address starting with https:// or http://"


# notes that call the first year a placeholder; the basis must then say `unknown`
_PLACEHOLDER_NOTE = re.compile(r"\bplaceholder\b", re.IGNORECASE)


def _check_first_year(at: Path, obs: Observance) -> Iterator[Finding]:
    """The first year's basis must agree with what is recorded: an adoption date gives the year
    by the rule of `first_year_from_adoption`; notes that call the year a placeholder need
    `basis: unknown`, so that no edition is printed from it."""
    here: Path = (*at, "first_year")
    first = obs.first_year
    if first.basis == "adoption":
        if first.adopted is None and first.beginning_in is None and not first.note:
            yield (
                (*here, "basis"),
                "`basis: adoption` needs `adopted` (the date the act was adopted), "
                "`beginning_in`, or a `note` saying how the year follows",
            )
        if first.adopted is not None or first.beginning_in is not None:
            span = obs.dates[0]

            def day_in(year: int) -> dt.date | None:
                if isinstance(span.rule, WholeSpan):
                    return dt.date(year, 1, 1)
                runs = span.rule.days(year)
                return runs[0][0] if runs else None

            adopted = first.adopted or dt.date(first.beginning_in or obs.since, 1, 1)
            known = first.beginning_in is not None or day_in(adopted.year) is not None
            year = first_year_from_adoption(adopted, day_in, first.beginning_in)
            if known and year != obs.since:
                how = (
                    f"the act says beginning in {first.beginning_in}"
                    if first.beginning_in
                    else f"adopted {adopted.isoformat()}, "
                    f"{'before' if year == adopted.year else 'on or after'} that year's day"
                )
                yield (
                    (*at, "dates", 0, "since"),
                    f"the first year by adoption is {year} ({how}), not {obs.since}",
                )
    elif first.adopted is not None or first.beginning_in is not None:
        yield (*here, "adopted"), "`adopted` and `beginning_in` go with `basis: adoption`"
    if first.basis != "unknown" and obs.notes and _PLACEHOLDER_NOTE.search(obs.notes):
        yield (
            (*here, "basis"),
            (
                "the notes call the first year a placeholder; say `basis: unknown`, "
                "or correct the notes"
            ),
        )
    if first.basis != "unknown" and not first.sources:
        yield (*here, "sources"), f"`basis: {first.basis}` needs the sources that give it"


def _check_citations(at: Path, obs: Observance) -> Iterator[Finding]:
    symbols = [c.symbol for c in obs.citations]
    for i, symbol in enumerate(symbols):
        if symbol in symbols[:i]:
            yield (*at, "citations", i, "symbol"), f"{symbol!r} is listed twice"
    cites: list[tuple[Path, str]] = [
        *(((*at, "dates", i, "cite"), span.cite) for i, span in enumerate(obs.dates)),
        *(((*at, "former_names", i, "cite"), n.cite) for i, n in enumerate(obs.former_names)),
        *(((*at, "moves", i, "cite"), move.cite) for i, move in enumerate(obs.moves)),
    ]
    for path, symbol in cites:
        if symbol not in symbols:
            yield (
                path,
                (
                    f"{symbol!r} is not among this observance's citations; "
                    "add it under `citations` with its adoption date and URL"
                ),
            )
    for i, former in enumerate(obs.former_names):
        here = (*at, "former_names", i, "until")
        if i and former.until <= obs.former_names[i - 1].until:
            yield here, "former names go oldest first, each ending after the one before"
        if former.until < obs.since:
            yield here, f"ends in {former.until}, before the first year ({obs.since})"


def _check_spans(at: Path, obs: Observance) -> Iterator[Finding]:
    previous: DateSpan | None = None
    for i, span in enumerate(obs.dates):
        here: Path = (*at, "dates", i)
        if span.until is not None and span.until < span.since:
            yield (*here, "until"), f"ends in {span.until}, before it starts ({span.since})"
        if obs.kind is Kind.YEAR and isinstance(span.rule, WholeYear) and span.until is None:
            yield (
                (*here, "until"),
                f"an international year is held once: without `until` it would recur every year; "
                f"give `until: {span.since}` (or the last year it covers)",
            )
        if previous is not None:
            if span.since <= previous.since:
                yield (
                    (*here, "since"),
                    (
                        f"starts in {span.since}, not after the span before it ({previous.since}); "
                        "list spans oldest first"
                    ),
                )
            elif previous.until is None:
                yield (
                    (*here, "since"),
                    (
                        "the span before this one has no `until`, so the two overlap; "
                        f"give it `until: {span.since - 1}`"
                    ),
                )
            elif previous.until >= span.since:
                yield (
                    (*here, "since"),
                    (
                        f"overlaps the span before it, which runs until {previous.until}; "
                        "spans must not overlap"
                    ),
                )
        rule = span.rule
        if isinstance(rule, WholeSpan):
            if span.until is None:
                yield (*here, "until"), "`whole: span` is one occurrence over years; set `until`"
            if span.every != 1:
                yield (*here, "every"), "`every` does not apply to `whole: span`"
        yield from _check_announced(here, span)
        previous = span


def _check_announced(here: Path, span: DateSpan) -> Iterator[Finding]:
    rule = span.rule
    if isinstance(rule, FullMoon):
        yield from _check_zone((*here, "rule", "time_zone"), rule.time_zone)
    if isinstance(rule, Announced | FullMoon):
        for year in rule.announced:
            if not span.covers(year):
                yield (
                    (*here, "rule", "announced", year),
                    (
                        f"{year} is not a year of this span ({span.since} to "
                        f"{span.until or 'now'}, every {span.every})"
                    ),
                )


def _check_moves(at: Path, obs: Observance) -> Iterator[Finding]:
    for i, move in enumerate(obs.moves):
        year = move.date.year
        natural = [start for span in obs.dates for start, _ in span.days(year)]
        if move.date not in natural:
            shown = ", ".join(d.isoformat() for d in natural) or "no day"
            yield (
                (*at, "moves", i, "date"),
                (
                    f"{move.date.isoformat()} is not a day this observance falls on; "
                    f"in {year} it falls on {shown}"
                ),
            )


def _check_zone(path: Path, zone: str) -> Iterator[Finding]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        yield path, f"{zone!r} is not an IANA time zone, such as 'UTC' or 'Asia/Colombo'"


def warnings(observances: Iterable[Observance], year: int) -> Iterator[str]:
    """What `validate` warns about without failing: a rule whose dates are announced year by
    year that has none for `year` (the next year, as `validate` calls it)."""
    for obs in observances:
        for span in obs.dates:
            rule = span.rule
            if (
                isinstance(rule, Announced | FullMoon)
                and span.covers(year)
                and year not in rule.announced
            ):
                shown = (
                    "a provisional date (computed)"
                    if isinstance(rule, FullMoon)
                    else "no occurrence"
                )
                yield (
                    f"{obs.id}: no announced date for {year} yet, so {year} has {shown}; "
                    "add it under `announced` once it is announced"
                )

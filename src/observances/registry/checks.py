"""Checks that span several fields or observances, each reported at the field that causes it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from observances.registry.models import DateSpan, Observance
from observances.registry.rules import Announced, WholeSpan
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
        yield from _check_status(at, obs)
        yield from _check_citations(at, obs)
        yield from _check_spans(at, obs)
        yield from _check_moves(at, obs)


def _check_urls(at: Path, obs: Observance) -> Iterator[Finding]:
    urls = [((*at, "url"), obs.url)]
    urls += [((*at, "citations", i, "url"), c.url) for i, c in enumerate(obs.citations)]
    for path, url in urls:
        if url is not None and not _URL.fullmatch(url):
            yield path, f"{url!r} is not a web address starting with https:// or http://"


def _check_status(at: Path, obs: Observance) -> Iterator[Finding]:
    if obs.status == "unverified" and not obs.reason:
        yield (*at, "status"), "an unverified observance needs a `reason` saying what to check"
    if obs.status == "verified" and obs.reason:
        yield (*at, "reason"), "`reason` is for unverified observances; remove it or the status"


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
        if former.until < obs.first_year:
            yield here, f"ends in {former.until}, before the first year ({obs.first_year})"


def _check_spans(at: Path, obs: Observance) -> Iterator[Finding]:
    previous: DateSpan | None = None
    for i, span in enumerate(obs.dates):
        here: Path = (*at, "dates", i)
        if span.until is not None and span.until < span.since:
            yield (*here, "until"), f"ends in {span.until}, before it starts ({span.since})"
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
        if isinstance(rule, Announced):
            for year in rule.announced:
                if not span.covers(year):
                    yield (
                        (*here, "rule", "announced", year),
                        (
                            f"{year} is not a year of this span ({span.since} to "
                            f"{span.until or 'now'}, every {span.every})"
                        ),
                    )
        previous = span


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

"""When observances fall: rules to occurrences in a window. Pure: no clock, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from observances.registry.models import Citation, DateSpan, Kind, Observance
from observances.registry.rules import WholeSpan


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One time an observance is held: its dates (end inclusive) and where they come from."""

    observance: Observance
    name: str
    start: dt.date
    end: dt.date
    year: int
    edition: int | None
    span: DateSpan
    citation: Citation
    provisional: bool = False
    """The date is computed ahead of the body's announcement (Vesak): say so."""
    part: tuple[int, int] | None = None
    """(k, n): year k of the n years of a multi-year observance (a decade), for the yearly
    entry that shows it in progress; `start` and `end` are then that year's bounds."""

    @property
    def id(self) -> str:
        return self.observance.id

    @property
    def edition_confirmed(self) -> bool:
        """Whether `edition` may be printed as fact (see `Observance.edition_confirmed`)."""
        return self.edition is not None and self.observance.edition_confirmed

    @property
    def kind(self) -> Kind:
        return self.observance.kind

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "year": self.year,
            "edition": self.edition,
            "edition_confirmed": self.edition_confirmed,
            "part": list(self.part) if self.part else None,
            "provisional": self.provisional,
            "citation": self.citation.symbol,
            "url": self.observance.url,
            "tags": list(self.observance.tags),
            "verified": self.observance.verified,
        }


def occurrences_in_year(obs: Observance, year: int, by_year: bool = False) -> list[Occurrence]:
    """The occurrences that belong to `year` (a span crossing New Year belongs to its start).
    With `by_year`, a multi-year observance (a decade) gives one occurrence in each of its
    years (`part`), so that it shows while in progress, not only in its first year."""
    found = [
        Occurrence(
            observance=obs,
            name=obs.name_in(year),
            start=falls.start,
            end=falls.end,
            year=year,
            edition=obs.edition(year),
            span=falls.span,
            citation=obs.citation(falls.cite),
            provisional=falls.provisional,
        )
        for falls in obs.days(year)
        if not (by_year and falls.span.is_one_occurrence)
    ]
    if by_year:
        found.extend(_year_of_span(obs, year))
    return found


def _year_of_span(obs: Observance, year: int) -> list[Occurrence]:
    """Year `year` of each multi-year span (`whole: span`) in force then."""
    return [
        Occurrence(
            observance=obs,
            name=obs.name_in(year),
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            year=year,
            edition=None,
            span=span,
            citation=obs.citation(span.cite),
            part=(year - span.since + 1, span.until - span.since + 1),
        )
        for span in obs.dates
        if isinstance(span.rule, WholeSpan)
        and span.until is not None
        and span.since <= year <= span.until
    ]


def occurrences(
    observances: Iterable[Observance], start: dt.date, end: dt.date, by_year: bool = False
) -> list[Occurrence]:
    """Occurrences that start between `start` and `end` inclusive, by start date, then id.
    `by_year`: a decade appears in each of its years (feeds), see `occurrences_in_year`."""
    # An occurrence starts in its own year, except the Monday-to-Sunday week of a date early in
    # January, which can start from 26 December of the year before: the next year is looked
    # at only when the window reaches that far.
    last = end.year + 1 if (end.month, end.day) >= (12, 26) else end.year
    found = [
        occ
        for obs in observances
        for year in range(max(start.year, obs.since), last + 1)
        for occ in occurrences_in_year(obs, year, by_year)
        if start <= occ.start <= end
    ]
    found.sort(key=lambda occ: (occ.start, occ.id))
    return found


def ongoing(observances: Iterable[Observance], day: dt.date) -> list[Occurrence]:
    """Occurrences under way on `day` that started before it (a week begun on Monday, an
    international year, a decade), by start date, then id."""
    found: list[Occurrence] = []
    for obs in observances:
        # anything but a decade starts this year or the last; a decade starts in its `since`
        years = {day.year - 1, day.year} | {s.since for s in obs.dates if s.is_one_occurrence}
        for year in sorted(y for y in years if y >= obs.since and y <= day.year):
            found.extend(
                occ for occ in occurrences_in_year(obs, year) if occ.start < day <= occ.end
            )
    found.sort(key=lambda occ: (occ.start, occ.id))
    return found


def next_occurrence(obs: Observance, after: dt.date, horizon_years: int = 10) -> Occurrence | None:
    """The first occurrence starting on or after `after`, looking `horizon_years` ahead."""
    upcoming = occurrences((obs,), after, dt.date(after.year + horizon_years, 12, 31))
    return upcoming[0] if upcoming else None

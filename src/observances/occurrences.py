"""When observances fall: rules to occurrences in a window. Pure: no clock, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from observances.registry.models import Citation, DateSpan, Kind, Observance


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

    @property
    def id(self) -> str:
        return self.observance.id

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
            "citation": self.citation.symbol,
            "tags": list(self.observance.tags),
            "verified": self.observance.verified,
        }


def occurrences_in_year(obs: Observance, year: int) -> list[Occurrence]:
    """The occurrences that belong to `year` (a span crossing New Year belongs to its start)."""
    return [
        Occurrence(
            observance=obs,
            name=obs.name_in(year),
            start=falls.start,
            end=falls.end,
            year=year,
            edition=obs.edition(year),
            span=falls.span,
            citation=obs.citation(falls.cite),
        )
        for falls in obs.days(year)
    ]


def occurrences(
    observances: Iterable[Observance], start: dt.date, end: dt.date
) -> list[Occurrence]:
    """Occurrences that start between `start` and `end` inclusive, by start date, then id."""
    # An occurrence starts in its own year, except the Monday-to-Sunday week of a date early in
    # January, which can start from 26 December of the year before: the next year is looked
    # at only when the window reaches that far.
    last = end.year + 1 if (end.month, end.day) >= (12, 26) else end.year
    found = [
        occ
        for obs in observances
        for year in range(max(start.year, obs.first_year), last + 1)
        for occ in occurrences_in_year(obs, year)
        if start <= occ.start <= end
    ]
    found.sort(key=lambda occ: (occ.start, occ.id))
    return found


def next_occurrence(obs: Observance, after: dt.date, horizon_years: int = 10) -> Occurrence | None:
    """The first occurrence starting on or after `after`, looking `horizon_years` ahead."""
    upcoming = occurrences((obs,), after, dt.date(after.year + horizon_years, 12, 31))
    return upcoming[0] if upcoming else None

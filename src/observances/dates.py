"""When observances fall: rules to occurrences in a window. Pure: no clock, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from observances.registry.models import Citation, DateSpan, Kind, Observance
from observances.registry.rules import (
    Announced,
    AnyOf,
    DayRange,
    FixedDate,
    MonthDay,
    NthWeekday,
    Rule,
    WeekContaining,
    Whole,
)


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
    found = [
        occ
        for obs in observances
        # a week containing 1 January can start in the previous year
        for year in range(max(start.year - 1, obs.first_year), end.year + 1)
        for occ in occurrences_in_year(obs, year)
        if start <= occ.start <= end
    ]
    found.sort(key=lambda occ: (occ.start, occ.id))
    return found


def next_occurrence(obs: Observance, after: dt.date, horizon_years: int = 10) -> Occurrence | None:
    """The first occurrence starting on or after `after`, looking `horizon_years` ahead."""
    upcoming = occurrences((obs,), after, dt.date(after.year + horizon_years, 12, 31))
    return upcoming[0] if upcoming else None


# --- rules in words ----------------------------------------------------------------------------


def _day(md: MonthDay) -> str:
    return f"{md.day} {dt.date(2000, md.month, 1):%B}"


def describe(rule: Rule) -> str:
    """A rule in plain English: "12 September", "first Monday of October"."""
    match rule:
        case FixedDate(date=day):
            return _day(day)
        case NthWeekday(nth=nth, weekday=weekday, month=month):
            return f"{nth} {weekday.capitalize()} of {month.capitalize()}"
        case AnyOf(any_of=rules):
            return " and ".join(describe(r) for r in rules)
        case DayRange(start=start, end=end):
            return f"{_day(start)} to {_day(end)}"
        case WeekContaining(week_containing=day):
            return f"the Monday-to-Sunday week in which {_day(day)} falls"
        case Whole(whole="year"):
            return "the whole year"
        case Whole(whole="span"):
            return "the whole period"
        case Announced(announced=dates):
            return f"dates announced each year ({len(dates)} known)"
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover


def describe_span(span: DateSpan) -> str:
    """A span in words: "19 December, 2004-2011", "20 October, every 5 years from 2015"."""
    if span.until == span.since:
        years = f"in {span.since}"
    elif span.until is None:
        years = f"from {span.since}"
    else:
        years = f"{span.since}-{span.until}"
    if span.every > 1:
        years = f"every {span.every} years {years}"
    return f"{describe(span.rule)}, {years}"

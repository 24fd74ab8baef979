"""The registry schema: what an observance is, and the rules that say when it falls.

The models are frozen standard-library dataclasses that pydantic validates (see `loader.py`):
unknown keys are rejected (`extra="forbid"`), values are typed, and nothing can be changed
after loading. Keeping them free of pydantic imports lets the CLI read a cached registry
without paying for pydantic at start-up; the pydantic-specific parts (`MonthDay` parsing,
picking a rule type by its key) are built only when validation runs.
Cross-field checks (span order, citation references) live in `checks.py`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, NamedTuple

from annotated_types import Ge, Le, MinLen

from observances.errors import InputError, UnknownObservanceError

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

STRICT: dict[str, Any] = {"extra": "forbid"}  # pydantic's config for every model below


class Kind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    PERIOD = "period"


MONTHS = tuple(m.lower() for m in calendar.month_name[1:])
WEEKDAYS = tuple(d.lower() for d in calendar.day_name)
ORDINALS = ("first", "second", "third", "fourth", "last")

Days = tuple[tuple[dt.date, dt.date], ...]
"""(start, end) pairs, end inclusive, in the order they fall."""


class MonthDay(NamedTuple):
    """A month and day, written "MM-DD" in the registry (always quoted there)."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> dt.date | None:
        """The date in `year`; None for 29 February outside leap years."""
        if (self.month, self.day) == (2, 29) and not calendar.isleap(year):
            return None
        return dt.date(year, self.month, self.day)

    @classmethod
    def parse(cls, value: object) -> MonthDay:
        if isinstance(value, MonthDay):
            return value
        text = value if isinstance(value, str) else ""
        month_text, dash, day_text = text.partition("-")
        if not (
            dash and len(month_text) == len(day_text) == 2 and (month_text + day_text).isdigit()
        ):
            raise ValueError(
                "expected a month and day written 'MM-DD' in quotes, such as '09-12'; "
                f"got {value!r}"
            )
        month, day = int(month_text), int(day_text)
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r}: there is no month {month}")
        if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000: leap, so 29 Feb is fine
            raise ValueError(f"{value!r}: {calendar.month_name[month]} has no day {day}")
        return cls(month, day)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return _text_type(cls.parse, str)


class DayRun(NamedTuple):
    """One date or a run of dates within a year: "05-12", or "05-06..05-12"."""

    start: MonthDay
    end: MonthDay

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}..{self.end}"

    @classmethod
    def parse(cls, value: object) -> DayRun:
        if isinstance(value, DayRun):
            return value
        if isinstance(value, str) and ".." in value:
            start, _, end = value.partition("..")
            return cls(MonthDay.parse(start), MonthDay.parse(end))
        day = MonthDay.parse(value)
        return cls(day, day)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return _text_type(cls.parse, str)


def _text_type(parse: Callable[[Any], Any], show: Callable[[Any], str]) -> CoreSchema:
    """A value written as text in YAML and JSON, parsed into a small Python type."""
    from pydantic_core import core_schema

    return core_schema.no_info_plain_validator_function(
        parse, serialization=core_schema.plain_serializer_function_ser_schema(show)
    )


def _date_range(year: int, start: MonthDay, end: MonthDay) -> Days:
    """The run from `start` to `end`; an end before the start falls in the next year."""
    first = start.in_year(year)
    last = end.in_year(year if end >= start else year + 1)
    return ((first, last),) if first and last else ()


# --- date rules: each says which day(s) an observance falls on within one year ----------------


@dataclass(frozen=True)
class FixedDate:
    """The same month and day every year: `{date: "09-12"}`."""

    __pydantic_config__: ClassVar = STRICT
    date: MonthDay

    def days(self, year: int) -> Days:
        day = self.date.in_year(year)
        return ((day, day),) if day else ()


@dataclass(frozen=True)
class NthWeekday:
    """`{nth: first, weekday: monday, month: october}`; `nth: last` for the last one."""

    __pydantic_config__: ClassVar = STRICT
    nth: Literal["first", "second", "third", "fourth", "last"]
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    month: Literal[
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]  # fmt: skip

    def days(self, year: int) -> Days:
        from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

        weekday = (MO, TU, WE, TH, FR, SA, SU)[WEEKDAYS.index(self.weekday)]
        first = dt.date(year, MONTHS.index(self.month) + 1, 1)
        if self.nth == "last":
            day = first + relativedelta(day=31, weekday=weekday(-1))
        else:
            day = first + relativedelta(weekday=weekday(ORDINALS.index(self.nth) + 1))
        return ((day, day),)


class _ByKey:
    """Pydantic metadata: pick a union member by the YAML key that names it, so that a bad
    rule gets one error about its own fields rather than one per rule type."""

    def __init__(self, **members: type) -> None:
        self.members = members

    def key(self, value: object) -> str | None:
        for key, cls in self.members.items():
            if (isinstance(value, dict) and key in value) or isinstance(value, cls):
                return f"<{key}>"
        return None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic import Discriminator, Tag

        # tags in <> so that error locations can tell them from keys of the data
        tagged = [Annotated[cls, Tag(f"<{key}>")] for key, cls in self.members.items()]
        union = functools.reduce(operator.or_, tagged)
        return handler.generate_schema(Annotated[union, Discriminator(self.key)])


SingleDay = Annotated[FixedDate | NthWeekday, _ByKey(date=FixedDate, nth=NthWeekday)]


@dataclass(frozen=True)
class AnyOf:
    """Several days in one year: `{any_of: [{nth: second, ...}, {nth: second, ...}]}`."""

    __pydantic_config__: ClassVar = STRICT
    any_of: Annotated[tuple[SingleDay, ...], MinLen(2)]

    def days(self, year: int) -> Days:
        return tuple(sorted(day for rule in self.any_of for day in rule.days(year)))


@dataclass(frozen=True)
class DayRange:
    """A fixed run of days, `{start: "02-01", end: "02-07"}`. An end before the start is in
    the next year: the run belongs to the year it starts in."""

    __pydantic_config__: ClassVar = STRICT
    start: MonthDay
    end: MonthDay

    def days(self, year: int) -> Days:
        return _date_range(year, self.start, self.end)


@dataclass(frozen=True)
class WeekContaining:
    """The Monday-to-Sunday week in which a date falls: `{week_containing: "11-11"}`."""

    __pydantic_config__: ClassVar = STRICT
    week_containing: MonthDay

    def days(self, year: int) -> Days:
        day = self.week_containing.in_year(year)
        if day is None:
            return ()
        monday = day - dt.timedelta(days=day.weekday())
        return ((monday, monday + dt.timedelta(days=6)),)


@dataclass(frozen=True)
class Whole:
    """`{whole: year}`: each year of the span is one occurrence (an international year).
    `{whole: span}`: all the span's years are one occurrence (a decade)."""

    __pydantic_config__: ClassVar = STRICT
    whole: Literal["year", "span"]

    def days(self, year: int) -> Days:
        # `whole: span` needs the span's years, so DateSpan.days handles it
        return ((dt.date(year, 1, 1), dt.date(year, 12, 31)),)


@dataclass(frozen=True)
class Announced:
    """Dates a body sets year by year (Vesak): `{announced: {2026: "05-01"}}`; a run of days
    is written "05-06..05-12". A year that is not listed has no known date and yields nothing."""

    __pydantic_config__: ClassVar = STRICT
    announced: dict[int, DayRun]

    def days(self, year: int) -> Days:
        run = self.announced.get(year)
        return _date_range(year, run.start, run.end) if run else ()


RULES: dict[str, type] = {
    "date": FixedDate,
    "nth": NthWeekday,
    "any_of": AnyOf,
    "start": DayRange,
    "week_containing": WeekContaining,
    "whole": Whole,
    "announced": Announced,
}
Rule = Annotated[
    FixedDate | NthWeekday | AnyOf | DayRange | WeekContaining | Whole | Announced,
    _ByKey(**RULES),
]


# --- the observance ----------------------------------------------------------------------------

Year = Annotated[int, Ge(1900), Le(2200)]


@dataclass(frozen=True)
class Citation:
    """A source for a fact: a resolution or decision symbol, or an agency's resolution."""

    __pydantic_config__: ClassVar = STRICT
    symbol: str
    adopted: dt.date | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class DateSpan:
    """The rule in force from `since` to `until` (years, inclusive) and the source that set it.
    `every: 5` keeps only every fifth year, counted from `since`."""

    __pydantic_config__: ClassVar = STRICT
    since: Year
    rule: Rule
    cite: str
    until: Year | None = None
    every: Annotated[int, Ge(1)] = 1
    note: str | None = None

    def covers(self, year: int) -> bool:
        """Whether this span is in force in `year`."""
        if year < self.since or (self.until is not None and year > self.until):
            return False
        return (year - self.since) % self.every == 0

    def days(self, year: int) -> Days:
        """The (start, end) runs this span yields in `year`; empty when not in force."""
        if not self.covers(year):
            return ()
        if isinstance(self.rule, Whole) and self.rule.whole == "span":
            last = self.until if self.until is not None else self.since
            return ((dt.date(year, 1, 1), dt.date(last, 12, 31)),) if year == self.since else ()
        return self.rule.days(year)

    @property
    def is_one_occurrence(self) -> bool:
        return isinstance(self.rule, Whole) and self.rule.whole == "span"


@dataclass(frozen=True)
class FormerName:
    """A name the observance had up to and including the year `until`."""

    __pydantic_config__: ClassVar = STRICT
    name: str
    until: Year
    cite: str


@dataclass(frozen=True)
class Move:
    """A one-off move: in one year the observance fell on `moved_to` instead of `date`."""

    __pydantic_config__: ClassVar = STRICT
    date: dt.date
    moved_to: dt.date
    cite: str
    note: str | None = None


@dataclass(frozen=True)
class TranslatedName:
    """The observance's current name in another language, and where that name was read."""

    __pydantic_config__: ClassVar = STRICT
    name: str
    source: str


class Falls(NamedTuple):
    """One day (or run of days) an observance falls on, with the span and citation behind it."""

    start: dt.date
    end: dt.date
    span: DateSpan
    cite: str


@dataclass(frozen=True)
class Observance:
    __pydantic_config__: ClassVar = STRICT
    id: str
    name: str
    kind: Kind
    body: str
    status: Literal["verified", "unverified"]
    citations: Annotated[tuple[Citation, ...], MinLen(1)]
    dates: Annotated[tuple[DateSpan, ...], MinLen(1)]
    short_name: str | None = None
    former_names: tuple[FormerName, ...] = ()
    translated_names: dict[str, TranslatedName] | None = None
    moves: tuple[Move, ...] = ()
    first_year_basis: Literal["stated", "inferred", "unknown"] = "stated"
    tags: tuple[str, ...] = ()
    url: str | None = None
    notes: str | None = None
    reason: str | None = None
    # the date this entry last changed; feeds derive SEQUENCE and LAST-MODIFIED from it so that
    # calendar apps update the event (unset: the registry's `revision`)
    revised: dt.date | None = None

    @property
    def first_year(self) -> int:
        return self.dates[0].since

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    def name_in(self, year: int) -> str:
        """The name in force in `year` (former names are listed oldest first)."""
        for former in self.former_names:
            if year <= former.until:
                return former.name
        return self.name

    def name_for(self, language: str, year: int) -> str | None:
        """The name in `language` ("en", "es", ...) in force in `year`; None where no source
        gives one (a former English name has no known translation either)."""
        if language == "en":
            return self.name_in(year)
        translated = (self.translated_names or {}).get(language)
        if translated is None or self.name_in(year) != self.name:
            return None
        return translated.name

    def days(self, year: int) -> tuple[Falls, ...]:
        """Every day or run of days the observance falls on in `year`, one-off moves applied."""
        found: list[Falls] = []
        for span in self.dates:
            for start, end in span.days(year):
                falls = Falls(start, end, span, span.cite)
                for move in self.moves:
                    if move.date == start:
                        falls = Falls(move.moved_to, move.moved_to + (end - start), span, move.cite)
                found.append(falls)
        return tuple(found)

    def edition(self, year: int) -> int | None:
        """How many times the observance has been held up to and including `year` (1 for the
        first); None before the first year, for a span held once over years (a decade), and
        when no source gives the first year (`first_year_basis: unknown`)."""
        if self.first_year_basis == "unknown":
            return None
        count = 0
        for span in self.dates:
            if span.is_one_occurrence:
                return None
            if span.since > year:
                break
            last = year if span.until is None else min(year, span.until)
            count += (last - span.since) // span.every + 1
        return count or None

    def citation(self, symbol: str) -> Citation:
        for citation in self.citations:
            if citation.symbol == symbol:
                return citation
        raise KeyError(symbol)  # checks.py makes sure every `cite` resolves


@dataclass(frozen=True)
class Registry:
    """The whole registry file, validated. `revision` dates the file's last reviewed change."""

    __pydantic_config__: ClassVar = STRICT
    revision: dt.date
    tags: dict[str, str]
    observances: tuple[Observance, ...] = field(default=())

    @cached_property
    def by_id(self) -> dict[str, Observance]:
        return {obs.id: obs for obs in self.observances}

    def get(self, observance_id: str) -> Observance:
        """The observance with this id; an unknown id raises an error naming the closest ids."""
        try:
            return self.by_id[observance_id]
        except KeyError:
            close = difflib.get_close_matches(observance_id, self.by_id, n=3, cutoff=0.5)
            raise UnknownObservanceError(observance_id, close) from None

    def select(
        self, ids: Iterable[str] = (), tags: Iterable[str] = (), kinds: Iterable[str] = ()
    ) -> tuple[Observance, ...]:
        """Observances that match every filter given: any of the ids, any of the tags, ..."""
        wanted_ids = {self.get(i).id for i in ids}
        wanted_tags, wanted_kinds = set(tags), set(kinds)
        for tag in sorted(wanted_tags - self.tags.keys()):
            raise InputError(f"unknown tag {tag!r}; the tags are {', '.join(sorted(self.tags))}")
        return tuple(
            obs
            for obs in self.observances
            if (not wanted_ids or obs.id in wanted_ids)
            and (not wanted_tags or wanted_tags.intersection(obs.tags))
            and (not wanted_kinds or obs.kind in wanted_kinds)
        )

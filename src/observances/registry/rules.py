"""Date rules: how an observance's day or days are worked out within one year.

Each rule is a frozen dataclass with a `days(year)` method; the YAML key that names the rule
(`date`, `nth`, `any_of`, ...) picks its type when pydantic validates a span (`_ByKey`). The
pydantic-specific parts are built only when validation runs, so reading a cached registry
does not import pydantic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    NamedTuple,
    get_args,
    get_origin,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

STRICT: dict[str, Any] = {"extra": "forbid"}  # pydantic's config for every schema class

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
            dash
            and len(month_text) == len(day_text) == len("MM")
            and (month_text + day_text).isdigit()
        ):
            raise ValueError(
                "expected a month and day written 'MM-DD' in quotes, such as '09-12'; "
                f"got {value!r}"
            )
        month, day = int(month_text), int(day_text)
        if not 1 <= month <= len(MONTHS):
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
        # Plain calendar arithmetic: dateutil's relativedelta gives the same days (a property
        # test compares them for every rule and year) but costs every start-up its import.
        weekday, month = WEEKDAYS.index(self.weekday), MONTHS.index(self.month) + 1
        if self.nth == "last":
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
            day = last - dt.timedelta(days=(last.weekday() - weekday) % 7)
        else:
            first = dt.date(year, month, 1)
            offset = (weekday - first.weekday()) % 7 + 7 * ORDINALS.index(self.nth)
            day = first + dt.timedelta(days=offset)
        return ((day, day),)


class Limits:
    """Pydantic metadata for bounds (`ge`, `le`, `min_length`), turned into annotated-types
    constraints only when validation runs, so that importing the models stays cheap."""

    def __init__(
        self, *, ge: int | None = None, le: int | None = None, min_length: int | None = None
    ) -> None:
        self.ge, self.le, self.min_length = ge, le, min_length

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from annotated_types import Ge, Le, MinLen

        found: list[object] = []
        if self.ge is not None:
            found.append(Ge(self.ge))
        if self.le is not None:
            found.append(Le(self.le))
        if self.min_length is not None:
            found.append(MinLen(self.min_length))
        return handler.generate_schema(Annotated[(source, *found)])


class _ByKey:
    """Pydantic metadata: pick a union member by the YAML key that names it, so that a bad
    rule gets one error about its own fields rather than one per rule type."""

    def __init__(self, **members: Any) -> None:
        self.members = members
        self._classes = {key: _classes(member) for key, member in members.items()}

    def key(self, value: object) -> str | None:
        for key, classes in self._classes.items():
            if (isinstance(value, dict) and key in value) or isinstance(value, classes):
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


def _classes(member: Any) -> tuple[type, ...]:
    """The classes behind a member given as a class or as an annotated union of classes."""
    if get_origin(member) is Annotated:
        member = get_args(member)[0]
    return tuple(get_args(member)) or (member,)


SingleDay = Annotated[FixedDate | NthWeekday, _ByKey(date=FixedDate, nth=NthWeekday)]


@dataclass(frozen=True)
class AnyOf:
    """Several days in one year: `{any_of: [{nth: second, ...}, {nth: second, ...}]}`."""

    __pydantic_config__: ClassVar = STRICT
    any_of: Annotated[tuple[SingleDay, ...], Limits(min_length=2)]

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
class WholeYear:
    """`{whole: year}`: each year of the span is one occurrence (an international year)."""

    __pydantic_config__: ClassVar = STRICT
    whole: Literal["year"]

    def days(self, year: int) -> Days:
        return ((dt.date(year, 1, 1), dt.date(year, 12, 31)),)


@dataclass(frozen=True)
class WholeSpan:
    """`{whole: span}`: all the span's years are one occurrence (a decade). It has no days of
    its own in a year: the span it belongs to gives its bounds (`DateSpan.days`)."""

    __pydantic_config__: ClassVar = STRICT
    whole: Literal["span"]

    @staticmethod
    def bounds(first_year: int, last_year: int) -> tuple[dt.date, dt.date]:
        return dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)


def _whole_tag(value: object) -> str | None:
    whole = value.get("whole") if isinstance(value, dict) else getattr(value, "whole", None)
    return f"<{whole}>" if whole in ("year", "span") else None


class _ByWhole:
    """Pydantic metadata: `whole: year` and `whole: span` are two rule types under one key."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic import Discriminator, Tag

        union = Annotated[WholeYear, Tag("<year>")] | Annotated[WholeSpan, Tag("<span>")]
        message = "`whole` is `year` (each year is one occurrence) or `span` (the span is one)"
        return handler.generate_schema(
            Annotated[
                union,
                Discriminator(
                    _whole_tag, custom_error_type="whole_kind", custom_error_message=message
                ),
            ]
        )


Whole = Annotated[WholeYear | WholeSpan, _ByWhole()]


@dataclass(frozen=True)
class Announced:
    """Dates a body sets year by year (Vesak): `{announced: {2026: "05-01"}}`; a run of days
    is written "05-06..05-12". A year that is not listed has no known date and yields nothing."""

    __pydantic_config__: ClassVar = STRICT
    announced: dict[int, DayRun]

    def days(self, year: int) -> Days:
        run = self.announced.get(year)
        return _date_range(year, run.start, run.end) if run else ()


TABLE_YEARS = range(2000, 2061)
"""Years whose full-moon days a FullMoon rule keeps, once computed (see `FullMoon.table`)."""


@dataclass(frozen=True)
class FullMoon:
    """The day of the full moon in a month, in a stated time zone, until the body announces the
    date: `{full_moon: may, time_zone: UTC, announced: {2025: "05-12"}}`. An announced date wins;
    a computed one is provisional (`provisional`). Where the month has two full moons, the first.

    The moon is computed with PyEphem (its own ephemeris, no download), never by a hand-written
    formula; which day an instant falls on depends on the zone, so the registry states it."""

    __pydantic_config__: ClassVar = STRICT
    full_moon: Literal[
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]  # fmt: skip
    time_zone: str
    announced: dict[int, MonthDay] = field(default_factory=dict)

    def provisional(self, year: int) -> bool:
        return year not in self.announced

    @functools.cached_property
    def table(self) -> dict[int, dt.date | None]:
        """The computed day of every year in TABLE_YEARS, worked out once. The loader fills it
        before caching a validated registry, so that reading the cache needs no astronomy
        (importing PyEphem alone costs a command's start-up some 30 ms)."""
        return {year: self.compute(year) for year in TABLE_YEARS}

    def computed(self, year: int) -> dt.date | None:
        """The first day in the month, in `time_zone`, on which a full moon falls."""
        return self.table[year] if year in TABLE_YEARS else self.compute(year)

    def compute(self, year: int) -> dt.date | None:
        """`computed`, worked out now with PyEphem."""
        from zoneinfo import ZoneInfo

        import ephem  # type: ignore[import-untyped]  # PyEphem ships no type hints

        zone = ZoneInfo(self.time_zone)
        month = MONTHS.index(self.full_moon) + 1
        # start a day early: a full moon late on the last day before the month in UTC can be on
        # the month's first day in a zone east of UTC
        start = dt.datetime(year, month, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
        instant = ephem.Date(start.replace(tzinfo=None))  # PyEphem takes naive UTC
        for _ in range(3):
            instant = ephem.next_full_moon(instant)
            moment: dt.datetime = instant.datetime()
            when = moment.replace(tzinfo=dt.UTC).astimezone(zone).date()
            if (when.year, when.month) == (year, month):
                return when
            if (when.year, when.month) > (year, month):
                return None
        return None

    def days(self, year: int) -> Days:
        known = self.announced.get(year)
        day = known.in_year(year) if known else self.computed(year)
        return ((day, day),) if day else ()


RULES: dict[str, Any] = {
    "date": FixedDate,
    "nth": NthWeekday,
    "any_of": AnyOf,
    "start": DayRange,
    "week_containing": WeekContaining,
    "whole": Whole,
    "full_moon": FullMoon,  # before `announced`, a key that a full-moon rule also has
    "announced": Announced,
}
Rule = Annotated[
    FixedDate
    | NthWeekday
    | AnyOf
    | DayRange
    | WeekContaining
    | WholeYear
    | WholeSpan
    | Announced
    | FullMoon,
    _ByKey(**RULES),
]


def is_provisional(rule: object, year: int) -> bool:
    """Whether the rule's day in `year` is computed ahead of an announcement."""
    return isinstance(rule, FullMoon) and rule.provisional(year)

"""English words for dates and rules, without Babel: what the command line and the feeds
print. Drafts, which are written in several languages, use `wording.py`, which builds on these
for English."""

from __future__ import annotations

import datetime as dt

from observances.registry.models import DateSpan
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


def ordinal(n: int) -> str:
    """1 -> "1st", 12 -> "12th", 23 -> "23rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def long_date(day: dt.date) -> str:
    """ "12 September 2027", day first, the way the United Nations writes dates."""
    return f"{day.day} {day:%B %Y}"


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

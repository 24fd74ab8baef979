"""English, written the United Nations way: day month year ("12 September 2027").

English needs no Babel: its names of months and weekdays are written here, so that the
command line, which prints English, starts without loading CLDR data.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, assert_never

from observances.registry.models import Citation, DateSpan, Kind
from observances.registry.rules import (
    MONTHS,
    WEEKDAYS,
    Announced,
    AnyOf,
    DayRange,
    FixedDate,
    FullMoon,
    MonthDay,
    NthWeekday,
    Rule,
    WeekContaining,
    WholeSpan,
    WholeYear,
)
from observances.words.base import PLACEHOLDER, Noun, Wording, as_date

MONTH_NAMES = tuple(name.capitalize() for name in MONTHS)
WEEKDAY_NAMES = tuple(name.capitalize() for name in WEEKDAYS)

_NOUNS = {
    Kind.DAY: Noun("Day"),
    Kind.WEEK: Noun("Week"),
    Kind.MONTH: Noun("Month"),
    Kind.YEAR: Noun("Year"),
    Kind.DECADE: Noun("Decade"),
    Kind.PERIOD: Noun("Period"),
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def ordinal(n: int) -> str:
    """1 -> "1st", 12 -> "12th", 23 -> "23rd"."""
    teens = range(10, 21)  # 11th, 12th, 13th: the teens take "th" whatever their last digit
    suffix = "th" if n % 100 in teens else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def long_date(day: dt.date) -> str:
    """ "12 September 2027"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


_LONG_RUN_DAYS = 40
"""A run longer than this (a year, a decade) is shown by dates alone, without weekdays."""


def _short(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"


def _short_day(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()][:3]} {_short(day)}"


class English(Wording):
    language = "en"

    # --- dates --------------------------------------------------------------------------------

    def long_date(self, day: dt.date) -> str:
        return long_date(day)

    def month_day(self, day: MonthDay | dt.date) -> str:
        date = as_date(day)
        return f"{date.day} {MONTH_NAMES[date.month - 1]}"

    def weekday(self, day: dt.date) -> str:
        return WEEKDAY_NAMES[day.weekday()]

    def dated(self, weekday: str, dates: str) -> str:
        return f"{weekday} {dates}"

    def short_range(self, start: dt.date, end: dt.date) -> str:
        if start == end:
            return f"{_short_day(start)} {start.year}"
        if (end - start).days > _LONG_RUN_DAYS:
            return f"{_short(start)} {start.year} - {_short(end)} {end.year}"
        year = f" {start.year}" if start.year != end.year else ""
        return f"{_short_day(start)}{year} - {_short_day(end)} {end.year}"

    # --- numbers and nouns --------------------------------------------------------------------

    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:  # noqa: ARG002 - no gender
        return ordinal(n)

    def noun(self, kind: Kind) -> Noun:
        return _NOUNS[kind]

    def the_noun(self, kind: Kind) -> str:
        return f"the {_NOUNS[kind].word}"

    def the_name(self, name: str) -> str:
        if PLACEHOLDER.fullmatch(name):
            return name
        return f"the {name}" if name.startswith(("International ", "United Nations ")) else name

    # --- rules and sources --------------------------------------------------------------------

    def _nth(self, rule: NthWeekday) -> str:
        weekday = WEEKDAY_NAMES[WEEKDAYS.index(rule.weekday)]
        return f"{rule.nth} {weekday} of {MONTH_NAMES[MONTHS.index(rule.month)]}"

    def rule_label(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return self.month_day(day)
            case NthWeekday():
                return self._nth(rule)
            case AnyOf(any_of=rules):
                return " and ".join(self.rule_label(r) for r in rules)
            case DayRange(start=start, end=end):
                return f"{self.month_day(start)} to {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"the Monday-to-Sunday week in which {self.month_day(day)} falls"
            case WholeYear():
                return "the whole year"
            case WholeSpan():
                return "the whole period"
            case Announced(announced=dates):
                return f"dates announced each year ({len(dates)} known)"
            case FullMoon(full_moon=month, time_zone=zone):
                return f"the day of the full moon in {month.capitalize()} ({zone}), until announced"
            case _:
                assert_never(rule)

    def rule_phrase(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return f"on {self.month_day(day)}"
            case NthWeekday():
                return f"on the {self._nth(rule)}"
            case AnyOf(any_of=rules):
                return "on " + " and ".join(self.rule_phrase(r).removeprefix("on ") for r in rules)
            case DayRange(start=start, end=end):
                first = str(start.day) if start.month == end.month else self.month_day(start)
                return f"from {first} to {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"in the week (Monday to Sunday) that includes {self.month_day(day)}"
            case WholeYear():
                return "throughout the year"
            case WholeSpan():
                return "throughout the period"
            case Announced():
                return "on a date announced each year"
            case FullMoon(full_moon=month):
                return f"on the day of the full moon in {month.capitalize()}"
            case _:
                assert_never(rule)

    def years_label(self, since: int, until: int | None) -> str:
        if until == since:
            return f"in {since}"
        return f"from {since}" if until is None else f"{since}-{until}"

    def every(self, years: int) -> str:
        return "" if years == 1 else f"every {years} years"

    def source(self, citation: Citation) -> str:
        symbol = citation.symbol
        return f"resolution {symbol}" if "/RES/" in symbol else symbol

    # --- history sentences --------------------------------------------------------------------

    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        named = self.source(citation)
        if named == citation.symbol and not citation.symbol.startswith("decision "):
            adopted = f", adopted {long_date(citation.adopted)}" if citation.adopted else ""
            how = f"({named}{adopted})"
        else:
            adopted = f" of {long_date(citation.adopted)}" if citation.adopted else ""
            how = f"by {named}{adopted}"
        # a body whose name starts with an acronym ("UNEP (CMS and AEWA)") takes no article
        first = body.split(maxsplit=1)[0] if body.split() else body
        the_body = body if first.isupper() else f"the {body}"
        return f"{_cap(the_body)} established {self.the_noun(kind)} {how}."

    @staticmethod
    def _when(span: DateSpan) -> str:
        return f"in {span.since}" if span.until == span.since else f"since {span.since}"

    @staticmethod
    def _verb(span: DateSpan) -> str:
        return "was marked" if span.until == span.since else "has been marked"

    def held_since(self, kind: Kind, span: DateSpan) -> str:
        when = _cap(self._when(span))
        return f"{when} {self.the_noun(kind)} {self._verb(span)} {self.how(span)}."

    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        thing = self.the_noun(kind)
        lead = _cap(thing) if first is None else f"First observed on {long_date(first)}, {thing}"
        when, cited = self._when(span), self.source(citation)
        return f"{lead} {self._verb(span)} {self.how(span)} {when} ({cited})."

    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation) -> str:
        years = f"In {since}" if until == since else f"From {since} to {until}"
        return f"{years} it was marked {self.how(span)} ({self.source(citation)})."

    def covers(self, kind: Kind, span: DateSpan) -> str:
        thing = _cap(self.the_noun(kind))
        until = span.until if span.until is not None else span.since
        if until == span.since:
            return f"{thing} covers all of {until}."
        if isinstance(span.rule, WholeSpan):
            return f"{thing} runs from {span.since} to {until}."
        return f"{thing} is marked each year from {span.since} to {until}."

    def renamed(self, former: str, until: int, citation: Citation) -> str:
        return f"Until {until} it was called \u201c{former}\u201d ({self.source(citation)})."

    def present_name_since(self, year: int) -> str:
        return f"It has had its present name since {year}."

    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        to, day = self.month_day(moved_to), self.month_day(instead)
        return f"In {year} it was held on {to} instead of {day} ({self.source(citation)})."

    # --- requests -----------------------------------------------------------------------------

    def check_facts(self, reason: str | None) -> str:
        ask = "check this observance's facts before publishing"
        return f"{ask}: {reason}" if reason else ask

    def confirm_first_year(self, year: int) -> str:
        return f"confirm the first year ({year}) before quoting the edition number"

    _FACTS: ClassVar[dict[str, str]] = {
        "name": "the name",
        "former name": "a former name",
        "first year": "the first year",
        "act": "the proclaiming act",
        "rule": "the date rule",
    }

    def unverified(self, facts: tuple[str, ...]) -> str:
        named = [self._FACTS.get(f, f) for f in dict.fromkeys(facts)]
        listed = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]
        return f"no primary source (or two independent secondary ones) yet confirms {listed}"

    def provisional(self, body: str) -> str:
        return (
            "provisional date, computed from the full moon; "
            f"confirm it when the {body} announces the date"
        )

    def year_of(self, k: int, n: int) -> str:
        return f"year {k} of {n}"

    def missing_name(self, name_en: str) -> str:
        return f"the official English name of \u201c{name_en}\u201d"

    def holder_of(self, title: str) -> str:
        return f"the {title}"

    # --- feeds (issue 16): calendar names and event descriptions --------------------------------

    def feed_all(self) -> tuple[str, str]:
        return (
            "UN observances",
            "The observances of the United Nations: international days, weeks, years and "
            "decades, with the acts that proclaimed them.",
        )

    def feed_theme(self, theme: str, about: str) -> tuple[str, str]:
        return (f"UN observances: {theme.lower()}", f"United Nations observances about {about}.")

    def feed_marked(self, short_name: str) -> tuple[str, str]:
        return (
            f"Observances {short_name} marks",
            f"Observances {short_name} marks, with the dates its drafts go out.",
        )

    def feed_filtered(self, label: str, short_name: str | None) -> tuple[str, str]:
        if short_name:
            return (
                f"Observances {short_name} marks: {label}",
                f"Observances {short_name} marks, of {label}, with the dates its drafts go out.",
            )
        return (f"UN observances: {label}", f"United Nations observances: {label}.")

    def feed_configured(self, name: str) -> tuple[str, str]:
        return (f"UN observances: {name}", f"United Nations observances of the feed {name}.")

    def feed_edition(self, n: int, kind: Kind) -> str:  # noqa: ARG002 - English has no gender
        return f"This is the {ordinal(n)} observance."

    def feed_runs(self, start: dt.date, end: dt.date) -> str:
        return f"It runs from {long_date(start)} to {long_date(end)}."

    def feed_provisional(self, body: str) -> str:
        return (
            f"The date is provisional: computed from the full moon until the {body} announces it."
        )

    def feed_page(self, url: str) -> str:
        return f"UN page: {url}"

    def feed_heading(self, what: str) -> str:
        return {"dates": "Dates", "former names": "Former names", "sources": "Sources"}[what] + ":"

    def feed_former_name(self, name: str, until: int, symbol: str) -> str:
        return f"{name} (until {until}; {symbol})"

    def feed_move(self, year: int, moved_from: dt.date, moved_to: dt.date, symbol: str) -> str:
        return f"in {year}: moved from {long_date(moved_from)} to {long_date(moved_to)} ({symbol})"

    def feed_source(self, symbol: str, adopted: dt.date | None, url: str | None) -> str:
        when = f", adopted {long_date(adopted)}" if adopted else ""
        return f"{symbol}{when}" + (f": {url}" if url else "")

    def feed_unverified(self, facts: tuple[str, ...]) -> str:
        return f"Not yet verified: {self.unverified(facts)}."

    def feed_marks(self, name: str, programs: tuple[str, ...]) -> str:
        text = f"{name} marks this observance."
        if programs:
            listed = ", ".join(programs[:-1]) + (" and " if len(programs) > 1 else "")
            text += f" Programs: {listed}{programs[-1]}."
        return text

    def feed_drafts(self, sends: tuple[tuple[dt.date, int], ...], at: str) -> str:
        items = [
            f"{long_date(day)} ({days} day{'' if days == 1 else 's'} before)" for day, days in sends
        ]
        joined = "; ".join(items)
        return (
            f"Draft emails go out on {joined}, at {at}."
            if len(items) > 1
            else (f"The draft email goes out on {joined}, at {at}.")
        )

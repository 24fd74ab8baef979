"""Words for facts in the languages drafts are written in: dates, ordinals, rules, kinds.

Dates come from Babel (CLDR), so they read as each language writes them; the rest is a small
table per language. English is written the United Nations way (day month year, via the en_GB
locale). A language without a table here is refused rather than half-translated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_date, format_skeleton, get_day_names, get_month_names

from observances.errors import InputError
from observances.registry.models import Citation, Kind
from observances.registry.rules import (
    MONTHS,
    ORDINALS,
    WEEKDAYS,
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
from observances.words import en as english

LANGUAGES = ("en", "es")
"""Languages with wording; templates for each live in `templates/` (en) and `templates/es/`."""

_BABEL_LOCALE = {"en": "en_GB", "es": "es"}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InputError(
            f"no draft wording for language {language!r}; the languages are {', '.join(LANGUAGES)}"
        )
    return language


def locale(language: str) -> str:
    return _BABEL_LOCALE[check_language(language)]


@dataclass(frozen=True, slots=True)
class Noun:
    """What an observance of a kind is called in running text: "the Day", "la Semana"."""

    word: str
    feminine: bool = False

    @property
    def article(self) -> str:  # Spanish only; English always says "the"
        return "la" if self.feminine else "el"


_NOUNS: dict[str, dict[Kind, Noun]] = {
    "en": {
        Kind.DAY: Noun("Day"),
        Kind.WEEK: Noun("Week"),
        Kind.MONTH: Noun("Month"),
        Kind.YEAR: Noun("Year"),
        Kind.DECADE: Noun("Decade"),
        Kind.PERIOD: Noun("Period"),
    },
    "es": {  # the words the UN's Spanish pages use; "Decenio", not "Década"
        Kind.DAY: Noun("Día"),
        Kind.WEEK: Noun("Semana", feminine=True),
        Kind.MONTH: Noun("Mes"),
        Kind.YEAR: Noun("Año"),
        Kind.DECADE: Noun("Decenio"),
        Kind.PERIOD: Noun("Período"),
    },
}


def noun(kind: Kind, language: str) -> Noun:
    return _NOUNS[check_language(language)][kind]


def the_noun(kind: Kind, language: str) -> str:
    """ "the Day", "la Semana"."""
    word = noun(kind, language)
    return f"the {word.word}" if language == "en" else f"{word.article} {word.word}"


def ordinal(n: int, language: str, kind: Kind = Kind.DAY) -> str:
    """24 -> "24th"; in Spanish "24.º" or "24.ª", agreeing with the kind's noun (RAE style)."""
    if check_language(language) == "es":
        return f"{n}.ª" if noun(kind, "es").feminine else f"{n}.º"
    return english.ordinal(n)


def long_date(day: dt.date, language: str) -> str:
    """ "12 September 2027", "12 de septiembre de 2027"."""
    return format_date(day, format="long", locale=locale(language))


def month_day(md: MonthDay | dt.date, language: str) -> str:
    """ "12 September", "12 de septiembre" (2000 is a leap year, so 29 February works)."""
    day = md if isinstance(md, dt.date) else dt.date(2000, md.month, md.day)
    return format_skeleton("MMMMd", day, locale=locale(language))


def weekday(day: dt.date, language: str) -> str:
    return format_date(day, format="EEEE", locale=locale(language))


DASH = "\u2013"  # the en dash that typesetting uses between the ends of a range


def date_range(start: dt.date, end: dt.date, language: str) -> str:
    """One date, or a run: "1-7 February 2027", "28 October - 3 November 2027" (en dashes)."""
    if start == end:
        return long_date(start, language)
    if start.year != end.year:
        return f"{long_date(start, language)} {DASH} {long_date(end, language)}"
    if start.month == end.month:
        return f"{start.day}{DASH}{long_date(end, language)}"
    return f"{month_day(start, language)} {DASH} {long_date(end, language)}"


# --- rules in words, with the preposition that goes before them --------------------------------

_NTH_ES = {"first": "primer", "second": "segundo", "third": "tercer", "fourth": "cuarto"}


def _nth(rule: NthWeekday, language: str) -> str:
    loc = locale(language)
    month = get_month_names("wide", locale=loc)[MONTHS.index(rule.month) + 1]
    day = get_day_names("wide", locale=loc)[WEEKDAYS.index(rule.weekday)]
    if language == "es":
        nth = "último" if rule.nth == "last" else _NTH_ES[rule.nth]
        return f"el {nth} {day} de {month}"
    assert rule.nth in ORDINALS
    return f"the {rule.nth} {day} of {month}"


def _day_range(start: MonthDay, end: MonthDay, language: str) -> str:
    first, last = month_day(start, language), month_day(end, language)
    if language == "es":
        if start.month == end.month:
            return f"del {start.day} al {last}"
        return f"del {first} al {last}"
    if start.month == end.month:
        return f"from {start.day} to {last}"
    return f"from {first} to {last}"


def rule_phrase(rule: Rule, language: str) -> str:
    """A rule as an adverbial phrase: "on 12 September", "el tercer martes de septiembre"."""
    es = check_language(language) == "es"
    match rule:
        case FixedDate(date=day):
            return f"el {month_day(day, language)}" if es else f"on {month_day(day, language)}"
        case NthWeekday():
            return _nth(rule, language) if es else f"on {_nth(rule, language)}"
        case AnyOf(any_of=rules):
            parts = [rule_phrase(r, language) for r in rules]
            if not es:
                parts = [p.removeprefix("on ") for p in parts]
                return "on " + " and ".join(parts)
            return " y ".join(parts)
        case DayRange(start=start, end=end):
            return _day_range(start, end, language)
        case WeekContaining(week_containing=day):
            if es:
                return f"en la semana (de lunes a domingo) que incluye el {month_day(day, 'es')}"
            return f"in the week (Monday to Sunday) that includes {month_day(day, 'en')}"
        case Whole(whole=whole):
            if es:
                return "durante todo el año" if whole == "year" else "durante todo el período"
            return "throughout the year" if whole == "year" else "throughout the period"
        case Announced():
            return "en una fecha que se anuncia cada año" if es else "on a date announced each year"
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover


def source(citation: Citation, language: str) -> str:
    """How a citation is named in running text: "resolution A/RES/58/220", "decision 66/550",
    or the bare symbol when the symbol does not say what kind of document it is."""
    symbol = citation.symbol
    es = check_language(language) == "es"
    if "/RES/" in symbol:
        return f"resolución {symbol}" if es else f"resolution {symbol}"
    if symbol.startswith("decision "):
        return f"decisión {symbol.removeprefix('decision ')}" if es else symbol
    return symbol


def every(years: int, language: str) -> str:
    """ "every 5 years", "cada 5 años"; "" for every year."""
    if years == 1:
        return ""
    return f"cada {years} años" if check_language(language) == "es" else f"every {years} years"


# --- placeholders: what a person must write, marked so that nobody can miss it -----------------

PLACEHOLDER = re.compile(r"\[\[TODO: ([^\]\n]*)\]\]")
"""The one placeholder syntax, `[[TODO: what to write]]`; group 1 is the request."""


def todo(request: str) -> str:
    """A placeholder asking for `request`; text that would break the marker is neutralized."""
    # a placeholder inside the request (a name still to be found) becomes its own words
    text = PLACEHOLDER.sub(lambda m: f"({m.group(1)})", str(request))
    text = " ".join(text.split()).replace("]", ")")
    return f"[[TODO: {text}]]"


def placeholders(text: str) -> tuple[str, ...]:
    """Every placeholder in `text`, in order, each once."""
    return tuple(dict.fromkeys(m.group(0) for m in PLACEHOLDER.finditer(text)))

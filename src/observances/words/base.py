"""The `Wording` interface: every fact the tool says, said once per language.

A language is a subclass that implements each abstract method; mypy and the tests check that
none is missing. Shapes that are the same in every language (a run of dates joined by an en
dash, a placeholder) are written here once.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

from observances.registry.models import Citation, DateSpan, Kind
from observances.registry.rules import MonthDay, Rule

DASH = "\u2013"  # the en dash that typesetting uses between the ends of a range

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


def as_date(day: MonthDay | dt.date) -> dt.date:
    """A month and day as a date in 2000, a leap year, so that 29 February works."""
    return day if isinstance(day, dt.date) else dt.date(2000, day.month, day.day)


@dataclass(frozen=True, slots=True)
class Noun:
    """What an observance of a kind is called in running text: "Day", "Semana"."""

    word: str
    feminine: bool = False


class Wording(ABC):
    """How facts are said in one language. Sentences here take facts, never decide them."""

    language: str
    """ISO 639-1 code: "en", "es"."""

    # --- dates --------------------------------------------------------------------------------

    @abstractmethod
    def long_date(self, day: dt.date) -> str:
        """ "12 September 2027", "12 de septiembre de 2027"."""

    @abstractmethod
    def month_day(self, day: MonthDay | dt.date) -> str:
        """ "12 September", "12 de septiembre"."""

    @abstractmethod
    def weekday(self, day: dt.date) -> str:
        """ "Sunday", "domingo"."""

    @abstractmethod
    def dated(self, weekday: str, dates: str) -> str:
        """A weekday before a date: "Sunday 12 September 2027", "domingo, 12 de ..."."""

    @abstractmethod
    def short_range(self, start: dt.date, end: dt.date) -> str:
        """Dates for a table: "Sat 12 Sep 2026", "Mon 9 Nov - Sun 15 Nov 2026"."""

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """One date, or a run: "1-7 February 2027", "28 October - 3 November 2027" (en dashes)."""
        if start == end:
            return self.long_date(start)
        if start.year != end.year:
            return f"{self.long_date(start)} {DASH} {self.long_date(end)}"
        if start.month == end.month:
            return f"{start.day}{DASH}{self.long_date(end)}"
        return f"{self.month_day(start)} {DASH} {self.long_date(end)}"

    # --- numbers and nouns --------------------------------------------------------------------

    @abstractmethod
    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:
        """The n-th edition of an observance of `kind` (the noun's gender may decide)."""

    @abstractmethod
    def noun(self, kind: Kind) -> Noun:
        """The word for an observance of `kind`."""

    @abstractmethod
    def the_noun(self, kind: Kind) -> str:
        """ "the Day", "la Semana"."""

    @abstractmethod
    def the_name(self, name: str) -> str:
        """A name with the article running text needs: "the International Day of Peace"."""

    # --- rules and sources --------------------------------------------------------------------

    @abstractmethod
    def rule_label(self, rule: Rule) -> str:
        """A rule as a label: "12 September", "first Monday of October"."""

    @abstractmethod
    def rule_phrase(self, rule: Rule) -> str:
        """A rule as an adverbial phrase: "on 12 September", "el tercer martes de septiembre"."""

    def span_label(self, span: DateSpan) -> str:
        """A span as a label: "19 December, 2004-2011", "20 October, every 5 years from 2015"."""
        years = self.years_label(span.since, span.until)
        if span.every > 1:
            years = f"{self.every(span.every)} {years}"
        return f"{self.rule_label(span.rule)}, {years}"

    @abstractmethod
    def years_label(self, since: int, until: int | None) -> str:
        """The years of a span: "in 2010", "from 2004", "2004-2011"."""

    def how(self, span: DateSpan) -> str:
        """A span's rule and how often: "on 20 October every 5 years"."""
        often = self.every(span.every)
        return self.rule_phrase(span.rule) + (f" {often}" if often else "")

    @abstractmethod
    def every(self, years: int) -> str:
        """ "every 5 years"; "" for every year."""

    @abstractmethod
    def source(self, citation: Citation) -> str:
        """How a citation is named in running text: "resolution A/RES/58/220"."""

    # --- history sentences (facts from drafts.history) -----------------------------------------

    @abstractmethod
    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        """Who established the observance, by which act."""

    @abstractmethod
    def held_since(self, kind: Kind, span: DateSpan) -> str:
        """An observance whose rule never changed: "Since 2004 the Day has been marked ..."."""

    @abstractmethod
    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        """The rule in force after a change, with the first day it was held, if known."""

    @abstractmethod
    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation) -> str:
        """An earlier rule: "From 2004 to 2011 it was marked on 19 December (...)"."""

    @abstractmethod
    def covers(self, kind: Kind, span: DateSpan) -> str:
        """A year or decade, whose span is the occurrence."""

    @abstractmethod
    def renamed(self, former: str, until: int, citation: Citation) -> str:
        """A former name and the year it ended."""

    @abstractmethod
    def present_name_since(self, year: int) -> str:
        """The year the present name began."""

    @abstractmethod
    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        """A one-off move in one year."""

    # --- what a draft asks a person to do -------------------------------------------------------

    @abstractmethod
    def check_facts(self, reason: str | None) -> str:
        """The request to check an unverified observance's facts."""

    @abstractmethod
    def confirm_first_year(self, year: int) -> str:
        """The request to confirm an inferred first year before quoting an edition."""

    @abstractmethod
    def unverified(self, facts: tuple[str, ...]) -> str:
        """The facts no primary source (or two secondary ones) states yet, as a phrase; the
        items are `FactKind` values ("name", "first year", ...)."""

    @abstractmethod
    def provisional(self, body: str) -> str:
        """A date computed ahead of the body's announcement (Vesak)."""

    @abstractmethod
    def year_of(self, k: int, n: int) -> str:
        """Year k of a multi-year observance of n years: "year 7 of 10"."""

    @abstractmethod
    def missing_name(self, name_en: str) -> str:
        """The request for the official name in this language, which no source gave."""

    @abstractmethod
    def holder_of(self, title: str) -> str:
        """A person known only by title: "the Executive Director"."""

    # --- feeds (issue 16): calendar names and event descriptions --------------------------------
    # Kept in one section, apart from the drafts' and emails' sentences, so that edits to the
    # two merge cleanly. A feed reads in a calendar app, to a subscriber: no internal notes.
    # Not abstract: English feeds use them (Spanish has them too); a feed in another language
    # words its events in calendar/localized.py, so a language without them says so by name.

    def feed_all(self) -> tuple[str, str]:
        """The `all` feed's name and description."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_theme(self, theme: str, about: str) -> tuple[str, str]:
        """A tag's feed: "UN observances: human rights", and what the tag covers."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_marked(self, short_name: str) -> tuple[str, str]:
        """The feed of what the organization marks: "Observances AIPR marks", "... with the
        dates its drafts go out"."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_filtered(self, label: str, short_name: str | None) -> tuple[str, str]:
        """A feed of named observances or themes (`label`), of what `short_name` marks when
        given: named after its filter."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_configured(self, name: str) -> tuple[str, str]:
        """A configured feed without a title, named after its URL name."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_edition(self, n: int, kind: Kind) -> str:
        """The edition, when confirmed: "This is the 24th observance."."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_runs(self, start: dt.date, end: dt.date) -> str:
        """A multi-day occurrence: "It runs from 1 to 7 February 2027."."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_provisional(self, body: str) -> str:
        """A date computed ahead of the body's announcement, for a subscriber."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_page(self, url: str) -> str:
        """The observance's UN page: "UN page: https://..."."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_heading(self, what: str) -> str:
        """A heading of the history: `what` is "dates", "former names" or "sources"."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_former_name(self, name: str, until: int, symbol: str) -> str:
        """A former name, the last year it was used and the act that changed it."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_move(self, year: int, moved_from: dt.date, moved_to: dt.date, symbol: str) -> str:
        """A one-off move in one year."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_source(self, symbol: str, adopted: dt.date | None, url: str | None) -> str:
        """A source: its symbol, when it was adopted, where to read it."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_unverified(self, facts: tuple[str, ...]) -> str:
        """The facts not yet confirmed (`FactKind` values), for a subscriber."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_marks(self, name: str, programs: tuple[str, ...]) -> str:
        """The organization marks this observance; the programs it concerns."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

    def feed_drafts(self, sends: tuple[tuple[dt.date, int], ...], at: str) -> str:
        """When each draft email goes: (local date, days before) pairs, at a local time."""
        raise NotImplementedError(f"no feed wording in {self.language!r}")

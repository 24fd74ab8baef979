"""The registry schema: what an observance is, its names, dates over time and sources.

The models are frozen standard-library dataclasses that pydantic validates (see `loader.py`):
unknown keys are rejected (`extra="forbid"`), values are typed, and nothing can be changed
after loading. Keeping them free of pydantic imports lets the CLI read a cached registry
without paying for pydantic at start-up; the pydantic-specific parts (`MonthDay` parsing,
picking a rule type by its key) are built only when validation runs. The date rules
themselves are in `rules.py`; cross-field checks (span order, citation references) live in
`checks.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, NamedTuple

from observances.errors import InputError, UnknownObservanceError
from observances.registry.rules import STRICT, Days, Limits, Rule, WholeSpan, is_provisional

if TYPE_CHECKING:
    from observances.registry.facts import Fact


class Kind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    PERIOD = "period"


# --- the observance ----------------------------------------------------------------------------

Year = Annotated[int, Limits(ge=1900, le=2200)]


@dataclass(frozen=True)
class Citation:
    """A source for a fact: a resolution or decision symbol, or an agency's resolution."""

    __pydantic_config__: ClassVar = STRICT
    symbol: str
    adopted: dt.date | None = None
    url: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    """Other addresses that state the act, its body or its symbol, besides `url`."""

    @property
    def all_sources(self) -> tuple[str, ...]:
        """`url` (the act itself, where it is online) and the other sources."""
        return ((self.url,) if self.url else ()) + self.sources


@dataclass(frozen=True)
class DateSpan:
    """The rule in force from `since` to `until` (years, inclusive) and the source that set it.
    `every: 5` keeps only every fifth year, counted from `since`."""

    __pydantic_config__: ClassVar = STRICT
    since: Year
    rule: Rule
    cite: str
    until: Year | None = None
    every: Annotated[int, Limits(ge=1)] = 1
    note: str | None = None
    sources: tuple[str, ...] = ()
    """Addresses that state this rule, besides the act it cites."""

    def covers(self, year: int) -> bool:
        """Whether this span is in force in `year`."""
        if year < self.since or (self.until is not None and year > self.until):
            return False
        return (year - self.since) % self.every == 0

    def days(self, year: int) -> Days:
        """The (start, end) runs this span yields in `year`; empty when not in force."""
        if not self.covers(year):
            return ()
        if isinstance(self.rule, WholeSpan):
            last = self.until if self.until is not None else self.since
            return (self.rule.bounds(year, last),) if year == self.since else ()
        return self.rule.days(year)

    @property
    def is_one_occurrence(self) -> bool:
        return isinstance(self.rule, WholeSpan)


@dataclass(frozen=True)
class FormerName:
    """A name the observance had up to and including the year `until`."""

    __pydantic_config__: ClassVar = STRICT
    name: str
    until: Year
    cite: str
    sources: tuple[str, ...] = ()
    """Addresses that give this name, besides the act it cites."""


Basis = Literal["stated", "adoption", "at_least", "unknown"]


@dataclass(frozen=True)
class FirstYear:
    """How the first year (the first span's `since`) is known.

    - `stated`: a source names the first observance;
    - `adoption`: a source gives the act's adoption date (`adopted`), and the rule of
      `first_year_from_adoption` fixes the year (`beginning_in` where the act says so);
    - `at_least`: only a lower bound is known: the span is in force from that year, and
      earlier years are unknown;
    - `unknown`: `since` is a placeholder.
    Editions are printed as fact only for `stated` and `adoption` (`Observance.edition`)."""

    __pydantic_config__: ClassVar = STRICT
    basis: Basis
    sources: tuple[str, ...] = ()
    adopted: dt.date | None = None
    beginning_in: Year | None = None
    note: str | None = None


def first_year_from_adoption(
    adopted: dt.date, day_in: Callable[[int], dt.date | None], beginning_in: int | None = None
) -> int:
    """The first year of an observance proclaimed on `adopted`, whose day in a year is
    `day_in(year)`: the year of adoption when it was adopted before that year's day, the next
    year when adopted on or after it; an act that says "beginning in" a year fixes that year."""
    if beginning_in is not None:
        return beginning_in
    day = day_in(adopted.year)
    return adopted.year if day is not None and adopted < day else adopted.year + 1


@dataclass(frozen=True)
class Move:
    """A one-off move: in one year the observance fell on `moved_to` instead of `date`."""

    __pydantic_config__: ClassVar = STRICT
    date: dt.date
    moved_to: dt.date
    cite: str
    note: str | None = None


SourceClass = Literal["primary", "secondary", "dataset"]
"""primary: the UN's own pages and documents, and the agencies' (un.org and its subdomains,
undocs, unesco.org, ohchr.org, ...); secondary: news, reference works, other sites; dataset: a
data file or list that copied the UN's (with the page it says it copied)."""


@dataclass(frozen=True)
class NameSource:
    """Another place a translated name was read, and its class."""

    __pydantic_config__: ClassVar = STRICT
    address: str
    source_class: SourceClass


@dataclass(frozen=True)
class TranslatedName:
    """The observance's current name in another language, and where that name was read.

    `source` is the address the name rests on (a primary one where there is one) and
    `source_class` its class; `status` is "confirmed" when a primary source gives the name or
    two independent copies agree exactly, "single" otherwise. `review` says what a person
    should check before publishing (sources that disagree). Entries written before sources
    were classed carry only `name` and `source`."""

    __pydantic_config__: ClassVar = STRICT
    name: str
    source: str
    source_class: SourceClass | None = None
    status: Literal["confirmed", "single"] | None = None
    short_name: str | None = None
    other_sources: tuple[NameSource, ...] = ()
    review: str | None = None

    @property
    def primary(self) -> bool:
        """Whether a primary source gives the name."""
        classes = {self.source_class, *(s.source_class for s in self.other_sources)}
        return "primary" in classes


class Falls(NamedTuple):
    """One day (or run of days) an observance falls on, with the span and citation behind it."""

    start: dt.date
    end: dt.date
    span: DateSpan
    cite: str
    provisional: bool = False


@dataclass(frozen=True)
class Observance:
    __pydantic_config__: ClassVar = STRICT
    id: str
    name: str
    kind: Kind
    body: str
    citations: Annotated[tuple[Citation, ...], Limits(min_length=1)]
    dates: Annotated[tuple[DateSpan, ...], Limits(min_length=1)]
    short_name: str | None = None
    former_names: tuple[FormerName, ...] = ()
    translated_names: dict[str, TranslatedName] | None = None
    moves: tuple[Move, ...] = ()
    first_year: FirstYear = FirstYear("unknown")
    name_sources: tuple[str, ...] = ()
    """Addresses that give the current name."""
    tags: tuple[str, ...] = ()
    url: str | None = None
    """The observance's page: the UN's (https://www.un.org/en/observances/<slug>, the same slug
    in the six languages; see `url_in`) or, for an agency's day, the agency's."""
    notes: str | None = None
    check: str | None = None
    """What a person should check, beyond the facts' own status."""
    # the date this entry last changed; feeds derive SEQUENCE and LAST-MODIFIED from it so that
    # calendar apps update the event (unset: the registry's `revision`)
    revised: dt.date | None = None

    @property
    def since(self) -> int:
        """The first year: the first span's `since` (see `first_year` for how it is known)."""
        return self.dates[0].since

    @cached_property
    def facts(self) -> tuple[Fact, ...]:
        """Each fact with its sources and status (see `facts.py`)."""
        from observances.registry.facts import facts

        return facts(self)

    @property
    def verified(self) -> bool:
        """Whether every fact is verified: the entry's summary, derived from its facts."""
        return all(fact.verified for fact in self.facts)

    @property
    def edition_confirmed(self) -> bool:
        """Whether an edition number may be printed as fact: the first year is stated or follows
        from an adoption date (not a lower bound, not a placeholder), and that fact is verified
        (a first year that only a dataset states is not printed as fact)."""
        if self.first_year.basis not in ("stated", "adoption"):
            return False
        return next(f.verified for f in self.facts if f.kind.value == "first year")

    def url_in(self, language: str) -> str | None:
        """The page in `language`: the UN's observance pages share one slug across the six
        languages (`https://www.un.org/<lang>/observances/<slug>`); other pages stay as they
        are."""
        if self.url is None:
            return None
        prefix = "https://www.un.org/en/observances/"
        if language != "en" and self.url.startswith(prefix):
            return f"https://www.un.org/{language}/observances/{self.url.removeprefix(prefix)}"
        return self.url

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
            provisional = is_provisional(span.rule, year)
            for start, end in span.days(year):
                falls = Falls(start, end, span, span.cite, provisional)
                for move in self.moves:
                    if move.date == start:
                        moved_end = move.moved_to + (end - start)
                        falls = Falls(move.moved_to, moved_end, span, move.cite)
                found.append(falls)
        return tuple(found)

    def edition(self, year: int) -> int | None:
        """How many times the observance has been held up to and including `year` (1 for the
        first); None before the first year, for a span held once over years (a decade), and
        when no source gives the first year (`first_year_basis: unknown`)."""
        if self.first_year.basis == "unknown":
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


NAME_LANGUAGES = ("ar", "zh", "fr", "ru", "es")
"""The UN languages other than English, in which the registry keeps names with their sources."""


class NameCoverage(NamedTuple):
    """How many entries have a name in `language`, and how well sourced those names are."""

    language: str
    entries: int
    names: int
    confirmed: int
    primary: int
    """Names that a primary source (the UN's or an agency's own page) gives."""


@dataclass(frozen=True)
class Registry:
    """The whole registry file, validated. `revision` dates the file's last reviewed change."""

    __pydantic_config__: ClassVar = STRICT
    revision: dt.date
    tags: dict[str, str]
    observances: tuple[Observance, ...] = field(default=())
    themes: dict[str, str] = field(default_factory=dict)
    """A tag's name for people ("Peace and security"), where the tag's words alone do not
    give it; see `theme`."""

    def theme(self, tag: str) -> str:
        """The tag as a calendar app shows it: its `themes` name, else its words ("human-rights"
        -> "Human rights")."""
        return self.themes.get(tag) or tag.replace("-", " ").capitalize()

    @cached_property
    def by_id(self) -> dict[str, Observance]:
        return {obs.id: obs for obs in self.observances}

    def name_coverage(self) -> tuple[NameCoverage, ...]:
        """Per language of NAME_LANGUAGES: names, confirmed names, names with a primary source."""
        found = []
        for language in NAME_LANGUAGES:
            names = [
                t
                for obs in self.observances
                if (t := (obs.translated_names or {}).get(language)) is not None
            ]
            confirmed = sum(t.status == "confirmed" for t in names)
            primary = sum(t.primary for t in names)
            found.append(
                NameCoverage(language, len(self.observances), len(names), confirmed, primary)
            )
        return tuple(found)

    def get(self, observance_id: str) -> Observance:
        """The observance with this id; an unknown id raises an error naming the closest ids."""
        try:
            return self.by_id[observance_id]
        except KeyError:
            # ids that contain the word ("genocide"), then close spellings ("genocde")
            word = observance_id.lower()
            containing = [i for i in self.by_id if word in i]
            close = difflib.get_close_matches(word, self.by_id, n=3, cutoff=0.5)
            suggestions = list(dict.fromkeys([*containing, *close]))
            raise UnknownObservanceError(observance_id, suggestions[:6]) from None

    def select(
        self, ids: Iterable[str] = (), tags: Iterable[str] = (), kinds: Iterable[str] = ()
    ) -> tuple[Observance, ...]:
        """Observances that match every filter given: any of the ids, any of the tags, ..."""
        wanted_ids = {self.get(i).id for i in ids}
        wanted_tags, wanted_kinds = set(tags), set(kinds)
        for tag in sorted(wanted_tags - self.tags.keys()):
            close = difflib.get_close_matches(tag, self.tags, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}? The " if close else "the "
            raise InputError(f"unknown tag {tag!r}; {hint}tags are {', '.join(sorted(self.tags))}")
        return tuple(
            obs
            for obs in self.observances
            if (not wanted_ids or obs.id in wanted_ids)
            and (not wanted_tags or wanted_tags.intersection(obs.tags))
            and (not wanted_kinds or obs.kind in wanted_kinds)
        )

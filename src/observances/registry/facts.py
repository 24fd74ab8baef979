"""An entry's facts, each with its sources and its status, computed from the entry.

The facts of an observance are: the current name (its sources and the observance's own page)
and each former name, the first year, each
act cited (the proclaiming body and the symbol: the act's `url` is its source), and each date
span's rule (the act it cites, plus the span's own sources). A fact is verified when its
sources verify it (`sources.verified_by`); a first year whose basis is `unknown` never is.
Nobody types a status: it follows from the sources, so adding a source is what verifies a fact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from observances.registry.sources import SourceClass, source_class, verified_by

if TYPE_CHECKING:
    from observances.registry.models import Observance


class FactKind(StrEnum):
    NAME = "name"
    FORMER_NAME = "former name"
    FIRST_YEAR = "first year"
    ACT = "act"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    cls: SourceClass


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of an entry. `index` says which act, span or former name (0 otherwise)."""

    kind: FactKind
    index: int
    sources: tuple[Source, ...]
    verified: bool

    @property
    def shown_sources(self) -> tuple[Source, ...]:
        """The sources a feed or a draft may print: never a dataset."""
        return tuple(s for s in self.sources if s.cls is not SourceClass.DATASET)


def _fact(kind: FactKind, index: int, urls: Iterable[str], *, possible: bool = True) -> Fact:
    unique = tuple(dict.fromkeys(u.strip() for u in urls if u.strip()))
    sources = tuple(Source(url, source_class(url)) for url in unique)
    return Fact(kind, index, sources, possible and verified_by(unique))


def facts(obs: Observance) -> tuple[Fact, ...]:
    """Every fact of `obs`, in the order `show` prints them."""
    # The observance's own page (the UN's, or its agency's) names it, as the act's document
    # states the act: the page is a source of the current name by the same standard.
    page = (obs.url,) if obs.url else ()
    found = [_fact(FactKind.NAME, 0, (*obs.name_sources, *page))]
    for i, former in enumerate(obs.former_names):
        act = obs.citation(former.cite)
        found.append(_fact(FactKind.FORMER_NAME, i, (*act.all_sources, *former.sources)))
    first = obs.first_year
    found.append(_fact(FactKind.FIRST_YEAR, 0, first.sources, possible=first.basis != "unknown"))
    found.extend(_fact(FactKind.ACT, i, c.all_sources) for i, c in enumerate(obs.citations))
    for i, span in enumerate(obs.dates):
        act = obs.citation(span.cite)
        found.append(_fact(FactKind.RULE, i, (*act.all_sources, *span.sources)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Summary:
    """How much of a registry is verified: facts by status, sources by class, first years by
    basis. `validate` prints it."""

    facts: int
    verified: int
    verified_by_class: dict[str, int]
    """Verified facts by the best class among their sources (primary, or secondary only)."""
    sources_by_class: dict[str, int]
    """Every source of every fact, by class (a source cited by two facts counts twice)."""
    first_years: dict[str, int]
    entries_verified: int
    entries: int


def summary(observances: Iterable[Observance]) -> Summary:
    total = verified = entries = entries_verified = 0
    best: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    bases: Counter[str] = Counter()
    for obs in observances:
        entries += 1
        entries_verified += obs.verified
        bases[obs.first_year.basis] += 1
        for fact in obs.facts:
            total += 1
            classes.update(s.cls.value for s in fact.sources)
            if fact.verified:
                verified += 1
                primary = any(s.cls is SourceClass.PRIMARY for s in fact.sources)
                best["primary" if primary else "secondary"] += 1
    return Summary(
        facts=total,
        verified=verified,
        verified_by_class={k: best[k] for k in ("primary", "secondary")},
        sources_by_class={c.value: classes[c.value] for c in SourceClass},
        first_years={b: bases[b] for b in ("stated", "adoption", "at_least", "unknown")},
        entries_verified=entries_verified,
        entries=entries,
    )

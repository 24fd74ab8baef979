"""An observance's history in sentences, computed from its registry entry for every observance.

Nothing here is written for one observance: the sentences come from the spans (dates and rules
over time), former names, one-off moves and citations, as they stood in the year of the
occurrence a draft is for (a 2008 draft does not mention a move made in 2012). Spanish is
written from the same facts by `words`; what the registry holds only in English (former names)
becomes a placeholder there, never a guessed translation. Pure: no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from observances.registry.models import Citation, DateSpan, Observance
from observances.registry.rules import Announced, FullMoon, WholeSpan, WholeYear
from observances.words import Wording, for_language


@dataclass(frozen=True, slots=True)
class History:
    """What a draft can say about an observance's past, as of `year`."""

    year: int
    sentences: tuple[str, ...]
    established_by: Citation
    first_observed: dt.date | None
    """The first day it was held, where the registry knows it (not for announced dates)."""
    changes: tuple[Citation, ...]
    """Sources of later changes (a new date or rule, a one-off move), oldest first; their
    notes say why."""

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def first_observed(obs: Observance) -> dt.date | None:
    """The first day the observance was held, where its first rule says so."""
    span = obs.dates[0]
    if isinstance(span.rule, Announced | FullMoon | WholeYear | WholeSpan):
        return None  # announced years before the first listed one are unknown
    days = obs.days(span.since)
    return days[0].start if days else None


def history(obs: Observance, year: int, language: str = "en") -> History:
    """The history of `obs` as it stood in `year`, in `language`."""
    words = for_language(language)
    spans = [s for s in obs.dates if s.since <= year] or [obs.dates[0]]
    established = obs.citation(obs.dates[0].cite)
    sentences = [words.established(obs.body, obs.kind, established)]
    sentences.extend(_dates(obs, spans, words))
    past = [f for f in obs.former_names if f.until < year]
    sentences.extend(words.renamed(f.name, f.until, obs.citation(f.cite)) for f in past)
    if past:
        sentences.append(words.present_name_since(past[-1].until + 1))
    sentences.extend(
        words.moved(m.date.year, m.moved_to, m.date, obs.citation(m.cite))
        for m in obs.moves
        if m.date.year <= year
    )
    changed = [obs.citation(s.cite) for s in spans[1:]]
    changed += [obs.citation(m.cite) for m in obs.moves if m.date.year <= year]
    changes = tuple(c for c in dict.fromkeys(changed) if c != established)
    return History(year, tuple(sentences), established, first_observed(obs), changes)


def _dates(obs: Observance, spans: list[DateSpan], words: Wording) -> list[str]:
    current, earlier = spans[-1], spans[:-1]
    if isinstance(current.rule, WholeYear | WholeSpan):
        return [words.covers(obs.kind, current)]
    if not earlier:
        return [words.held_since(obs.kind, current)]
    found = [words.held_now(obs.kind, current, first_observed(obs), obs.citation(current.cite))]
    for span, after in zip(earlier, spans[1:], strict=True):
        until = span.until if span.until is not None else after.since - 1
        found.append(words.held_before(span.since, until, span, obs.citation(span.cite)))
    return found

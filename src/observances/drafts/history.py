"""An observance's history in sentences, computed from its registry entry for every observance.

Nothing here is written for one observance: the sentences come from the spans (dates and rules
over time), former names, one-off moves and citations, as they stood in the year of the
occurrence a draft is for (a 2008 draft does not mention a move made in 2012). Spanish is
written from the same facts; what the registry holds only in English (former names) becomes a
placeholder, never a guessed translation. Pure: no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from observances.registry.models import Citation, DateSpan, Observance
from observances.registry.rules import Announced, Whole
from observances.words.wording import (
    check_language,
    every,
    long_date,
    month_day,
    noun,
    rule_phrase,
    source,
    the_noun,
    todo,
)

_BODIES_ES = {"General Assembly": "la Asamblea General"}
"""Bodies whose Spanish name is known; any other makes the Spanish sentence impersonal."""


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


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _the_body(body: str) -> str:
    """ "the General Assembly"; a name that starts with an acronym ("UNEP (CMS and AEWA)") takes
    no article."""
    first = body.split(maxsplit=1)[0] if body.split() else body
    return body if first.isupper() else f"the {body}"


def first_observed(obs: Observance) -> dt.date | None:
    """The first day the observance was held, where its first rule says so."""
    span = obs.dates[0]
    if isinstance(span.rule, Announced | Whole):
        return None  # announced years before the first listed one are unknown
    days = obs.days(span.since)
    return days[0].start if days else None


def history(obs: Observance, year: int, language: str = "en") -> History:
    """The history of `obs` as it stood in `year`, in `language` ("en" or "es")."""
    check_language(language)
    spans = [s for s in obs.dates if s.since <= year] or [obs.dates[0]]
    established = obs.citation(obs.dates[0].cite)
    sentences = [_established(obs, established, language)]
    sentences.extend(_dates(obs, spans, language))
    sentences.extend(_renames(obs, year, language))
    sentences.extend(_moves(obs, year, language))
    changed = [obs.citation(s.cite) for s in spans[1:]]
    changed += [obs.citation(m.cite) for m in obs.moves if m.date.year <= year]
    changes = tuple(c for c in dict.fromkeys(changed) if c != established)
    return History(year, tuple(sentences), established, first_observed(obs), changes)


def _established(obs: Observance, citation: Citation, language: str) -> str:
    thing = the_noun(obs.kind, language)
    named = source(citation, language)
    bare = named == citation.symbol and not citation.symbol.startswith("decision ")
    if language == "es":
        adopted = f", de {long_date(citation.adopted, 'es')}" if citation.adopted else ""
        how = f"({named}{adopted})" if bare else f"mediante la {named}{adopted}"
        body = _BODIES_ES.get(obs.body)
        if body is None:
            return f"{_cap(thing)} se estableció {how}."
        return f"{_cap(body)} estableció {thing} {how}."
    if bare:
        adopted = f", adopted {long_date(citation.adopted, 'en')}" if citation.adopted else ""
        how = f"({named}{adopted})"
    else:
        adopted = f" of {long_date(citation.adopted, 'en')}" if citation.adopted else ""
        how = f"by {named}{adopted}"
    return f"{_cap(_the_body(obs.body))} established {thing} {how}."


def _when(span: DateSpan, language: str) -> str:
    """ "since 2012", or "in 2010" for a span of one year."""
    if span.until == span.since:
        return f"en {span.since}" if language == "es" else f"in {span.since}"
    return f"desde {span.since}" if language == "es" else f"since {span.since}"


def _how(span: DateSpan, language: str) -> str:
    """ "on 20 October every 5 years": the rule and how often."""
    often = every(span.every, language)
    return rule_phrase(span.rule, language) + (f" {often}" if often else "")


def _dates(obs: Observance, spans: list[DateSpan], language: str) -> list[str]:
    es = language == "es"
    thing = _cap(the_noun(obs.kind, language))
    current, earlier = spans[-1], spans[:-1]
    if isinstance(current.rule, Whole):
        return [_whole(thing, current, language)]
    one_year = current.until == current.since
    if es:
        verb = "se celebró" if one_year else "se celebra"
    else:
        verb = "was marked" if one_year else "has been marked"
    if not earlier:  # "Since 2004 the Day has been marked on 7 April."
        when = _cap(_when(current, language)) + ("," if es else "")
        return [f"{when} {the_noun(obs.kind, language)} {verb} {_how(current, language)}."]
    first = first_observed(obs)
    cited = source(obs.citation(current.cite), language)
    if first is None:
        lead = thing
    elif es:
        done = "Celebrada" if noun(obs.kind, "es").feminine else "Celebrado"
        lead = f"{done} por primera vez el {long_date(first, 'es')}, {the_noun(obs.kind, 'es')}"
    else:
        lead = f"First observed on {long_date(first, 'en')}, {the_noun(obs.kind, 'en')}"
    found = [f"{lead} {verb} {_how(current, language)} {_when(current, language)} ({cited})."]
    for span, after in zip(earlier, spans[1:], strict=True):
        until = span.until if span.until is not None else after.since - 1
        cited = source(obs.citation(span.cite), language)
        how = _how(span, language)
        if es:
            years = f"En {span.since}" if until == span.since else f"De {span.since} a {until}"
            found.append(f"{years} se celebró {how} ({cited}).")
        else:
            years = f"In {span.since}" if until == span.since else f"From {span.since} to {until}"
            found.append(f"{years} it was marked {how} ({cited}).")
    return found


def _whole(thing: str, span: DateSpan, language: str) -> str:
    """A year or decade: the span is the occurrence."""
    es = language == "es"
    until = span.until if span.until is not None else span.since
    if until == span.since:
        return f"{thing} abarca todo el año {until}." if es else f"{thing} covers all of {until}."
    if span.is_one_occurrence:
        return (
            f"{thing} abarca de {span.since} a {until}."
            if es
            else (f"{thing} runs from {span.since} to {until}.")
        )
    if es:
        return f"{thing} se celebra cada año de {span.since} a {until}."
    return f"{thing} is marked each year from {span.since} to {until}."


def _renames(obs: Observance, year: int, language: str) -> list[str]:
    found: list[str] = []
    past = [f for f in obs.former_names if f.until < year]
    for former in past:
        cited = source(obs.citation(former.cite), language)
        if language == "es":
            # the registry has no source for a former name in Spanish: ask, never translate
            name = todo(f"nombre oficial en español de «{former.name}»")
            found.append(f"Hasta {former.until} se llamó {name} ({cited}).")
        else:
            found.append(f"Until {former.until} it was called “{former.name}” ({cited}).")
    if past:
        since = past[-1].until + 1
        found.append(
            f"Lleva su nombre actual desde {since}."
            if language == "es"
            else f"It has had its present name since {since}."
        )
    return found


def _moves(obs: Observance, year: int, language: str) -> list[str]:
    found: list[str] = []
    for move in obs.moves:
        if move.date.year > year:
            continue
        cited = source(obs.citation(move.cite), language)
        to, instead = month_day(move.moved_to, language), month_day(move.date, language)
        if language == "es":
            found.append(
                f"En {move.date.year} se celebró el {to} en lugar del {instead} ({cited})."
            )
        else:
            found.append(f"In {move.date.year} it was held on {to} instead of {instead} ({cited}).")
    return found

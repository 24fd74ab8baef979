"""The context a statement template sees (reference: docs/statement-drafts.md, "Variables"):
every fact about an occurrence, its observance and the organization, already worded in the
draft's language by `words`. Pure: `today` is an argument."""

from __future__ import annotations

import datetime as dt
from typing import Any

from observances.drafts.history import history
from observances.occurrences import Occurrence
from observances.profile import Person, Profile, Program, text_in
from observances.registry.models import Citation, Observance
from observances.registry.sources import shown
from observances.words import Wording, for_language, todo


def build_context(
    occurrence: Occurrence, profile: Profile, *, language: str, today: dt.date
) -> dict[str, Any]:
    words = for_language(language)
    obs = occurrence.observance
    past = history(obs, occurrence.year, language)
    notices = []
    if not obs.verified or obs.check:  # `check`: what a person should still check
        open_facts = tuple(f.kind.value for f in obs.facts if not f.verified)
        what = [words.unverified(open_facts)] if open_facts else []
        notices.append(todo(words.check_facts("; ".join([*what, *filter(None, [obs.check])]))))
    if occurrence.edition and not occurrence.edition_confirmed:
        # the ordinal in the draft counts from a first year that is only a lower bound, or that
        # no primary (or two secondary) sources state
        notices.append(todo(words.confirm_first_year(obs.since)))
    if occurrence.provisional:
        notices.append(todo(words.provisional(obs.body)))
    return {
        "language": language,
        "today": words.long_date(today),
        "todo": todo,
        "notices": notices,
        "org": _org(profile, words),
        # the profile's texts in the draft's language, None where the profile has none
        "local": _local(profile, obs, words.language),
        "observance": _observance(obs, occurrence.year, words),
        "occurrence": _occurrence(occurrence, words, today),
        "history": {
            "sentences": list(past.sentences),
            "text": past.text,
            "established_by": _citation(past.established_by, words),
            "first_observed": words.long_date(past.first_observed) if past.first_observed else None,
            "changes": [_citation(c, words) for c in past.changes],
        },
        "programs": [_program(p, words) for p in profile.programs_for(obs)],
    }


def _observance(obs: Observance, year: int, words: Wording) -> dict[str, Any]:
    name_en = obs.name_in(year)
    name = obs.name_for(words.language, year) or todo(words.missing_name(name_en))
    return {
        "id": obs.id,
        "name": name,
        "the_name": words.the_name(name),
        "name_en": name_en,
        "short_name": obs.short_name,
        "kind": obs.kind.value,
        "noun": words.noun(obs.kind).word,
        "the_noun": words.the_noun(obs.kind),
        "body": obs.body,
        "url": obs.url_in(words.language),
        "tags": list(obs.tags),
        "verified": obs.verified,
        "reason": obs.check,
        "check": obs.check,
        "notes": obs.notes,
        "citations": [_citation(c, words) for c in obs.citations],
        "former_names": [{"name": f.name, "until": f.until} for f in obs.former_names],
    }


def _citation(citation: Citation, words: Wording) -> dict[str, Any]:
    return {
        "symbol": citation.symbol,
        "source": words.source(citation),
        "adopted": words.long_date(citation.adopted) if citation.adopted else None,
        # a draft never cites a dataset (a data file or an app), only primary and secondary sources
        "url": shown((citation.url,))[0] if citation.url and shown((citation.url,)) else None,
        "sources": list(shown(citation.sources)),
        "note": citation.note,
    }


def _occurrence(occ: Occurrence, words: Wording, today: dt.date) -> dict[str, Any]:
    one_day = occ.start == occ.end
    dates = words.date_range(occ.start, occ.end)
    day = words.weekday(occ.start)
    return {
        "start": words.long_date(occ.start),
        "end": words.long_date(occ.end),
        "start_iso": occ.start.isoformat(),
        "end_iso": occ.end.isoformat(),
        "dates": dates,
        "weekday": day,
        "end_weekday": words.weekday(occ.end),
        "when": words.dated(day, dates) if one_day else dates,
        "one_day": one_day,
        "year": occ.year,
        "edition": occ.edition,
        "edition_confirmed": occ.edition_confirmed,
        "edition_ordinal": words.ordinal(occ.edition, occ.kind) if occ.edition else None,
        "provisional": occ.provisional,
        "days_until": (occ.start - today).days,
    }


def _person(person: Person, words: Wording) -> dict[str, Any]:
    # a quote is attributed to a name only when the profile gives one; never a made-up name
    quote_by = f"{person.name}, {person.title}" if person.name else words.holder_of(person.title)
    return {"title": person.title, "name": person.name, "quote_by": quote_by}


def _program(program: Program, words: Wording) -> dict[str, Any]:
    return {
        "id": program.id,
        "name": program.name,
        "region": program.region,
        "language": program.language,
        "summary": program.summary,
        "lead": _person(program.lead, words),
    }


def _org(profile: Profile, words: Wording) -> dict[str, Any]:
    return {
        "name": profile.name,
        "short_name": profile.short_name,
        "about": " ".join(profile.about.split()) if profile.about else None,
        "leader": _person(profile.leader, words) if profile.leader else None,
        "programs": [_program(p, words) for p in profile.programs],
        "language": profile.language,
    }


def _local(profile: Profile, obs: Observance, language: str) -> dict[str, Any]:
    """The organization's words in `language`, from the profile: its texts where the draft is
    in the profile's language, its `translations` otherwise, None where it has none (a
    template asks for those rather than print another language)."""
    base = profile.language

    def person(who: Person) -> str | None:
        title = text_in(language, base, "title", who.title, who.translations)
        if title is None:
            return None
        return f"{who.name}, {title}" if who.name else title

    def program(p: Program) -> dict[str, Any]:
        return {
            "name": text_in(language, base, "name", p.name, p.translations),
            "name_original": p.name,
            "region": text_in(language, base, "region", p.region, p.translations),
            "summary": text_in(language, base, "summary", p.summary, p.translations),
            "quote_by": person(p.lead),
            "title_original": p.lead.title,
        }

    about = text_in(language, base, "about", profile.about, profile.translations)
    return {
        "name": text_in(language, base, "name", profile.name, profile.translations),
        "short_name": text_in(
            language, base, "short_name", profile.short_name, profile.translations
        )
        or profile.short_name,
        "about": " ".join(about.split()) if about else None,
        "programs": [program(p) for p in profile.programs_for(obs)],
    }

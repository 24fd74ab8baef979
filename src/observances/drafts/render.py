"""Statement drafts: an occurrence, the organization's profile and a template make a Draft.

Every fact in a draft comes from the registry or the profile; what only a person can write is
a visible `[[TODO: ...]]` placeholder, listed on the draft. Pure: templates come in as a
loaded TemplateSet and `today` is an argument (for "days until").

    templates = TemplateSet.load("templates")
    draft = render(occurrence, profile, templates, today=dt.date(2027, 8, 22))
    draft.subject, draft.markdown, draft.text, draft.html, draft.placeholders
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from observances.drafts.history import history
from observances.drafts.templates import TemplateError, TemplateSet
from observances.errors import ObservancesError, Problem
from observances.occurrences import Occurrence
from observances.profile import Person, Profile, Program
from observances.registry.models import Citation, Observance
from observances.words.wording import (
    PLACEHOLDER,
    check_language,
    date_range,
    long_date,
    noun,
    ordinal,
    placeholders,
    source,
    the_noun,
    todo,
    weekday,
)

_SUBJECT = re.compile(r"Subject:[ \t]*(?P<subject>.*)")


class IncompleteDraftError(ObservancesError):
    """`--strict` and placeholders remain: the input was fine, the work is not done (exit 1)."""


@dataclass(frozen=True)
class Draft:
    """One statement draft. `markdown` is the body; `subject` is one line, for an email."""

    occurrence: Occurrence
    language: str
    template: str
    """The file the draft was rendered from."""
    subject: str
    markdown: str
    placeholders: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.placeholders

    @cached_property
    def html(self) -> str:
        """The body as an HTML fragment; raw HTML in the Markdown is shown as text, never
        passed through, so registry or profile text cannot inject markup."""
        from observances.drafts.markup import to_html

        return to_html(self.markdown)

    @cached_property
    def text(self) -> str:
        """The body as plain text (headings underlined, links followed by their address)."""
        from observances.drafts.markup import to_text

        return to_text(self.markdown)

    def check_complete(self) -> None:
        if not self.complete:
            count = len(self.placeholders)
            raise IncompleteDraftError(
                f"{self.occurrence.id} {self.occurrence.start}: {count} placeholder"
                f"{'s' * (count != 1)} remain{'s' * (count == 1)} ({self.template})"
            )


def render(
    occurrence: Occurrence,
    profile: Profile,
    templates: TemplateSet,
    *,
    language: str | None = None,
    today: dt.date,
    template: str | os.PathLike[str] | None = None,
) -> Draft:
    """Render the draft for `occurrence` in `language` (default: the profile's).

    `template` forces a template: a name in the set ("kinds/week.md.j2") or a file path;
    otherwise the most specific of `TemplateSet.chain` is used.
    Raises TemplateError (exit 2) for any template problem.
    """
    language = check_language(language or profile.language)
    obs = occurrence.observance
    if template is None:
        name = templates.choose(obs.id, obs.kind.value, language)
    elif str(template) in templates.names:
        name = str(template)
    else:
        templates = templates.with_file(template)
        name = str(template)
    context = build_context(occurrence, profile, language=language, today=today)
    output = templates.render(name, context)
    filename = templates.filename(name)
    first, _, body = output.partition("\n")
    match = _SUBJECT.fullmatch(first.strip())
    if match is None:
        message = "the first line must be 'Subject: ...', the draft's email subject"
        raise TemplateError([Problem(filename, 1, "", message)])
    subject = " ".join(match["subject"].split())  # a header: one line, single spaces
    # templates need not count blank lines: runs of them collapse to one
    markdown = re.sub(r"\n{3,}", "\n\n", body.strip("\n")) + "\n"
    # notices (unverified facts) must reach the reader even if an override leaves them out
    missing = [n for n in context["notices"] if n not in markdown]
    if missing:
        markdown += "\n" + "\n\n".join(missing) + "\n"
    return Draft(
        occurrence=occurrence,
        language=language,
        template=filename,
        subject=subject,
        markdown=markdown,
        placeholders=placeholders(subject + "\n" + markdown),
    )


# --- the context a template sees (reference: docs/drafts.md) -----------------------------------


def build_context(
    occurrence: Occurrence, profile: Profile, *, language: str, today: dt.date
) -> dict[str, Any]:
    obs = occurrence.observance
    es = language == "es"
    past = history(obs, occurrence.year, language)
    notices = []
    if not obs.verified:
        ask = (
            "verificar los datos de esta observancia antes de publicar"
            if es
            else "check this observance's facts before publishing"
        )
        notices.append(todo(f"{ask}: {obs.reason}" if obs.reason else ask))
    if obs.first_year_basis == "inferred" and occurrence.edition:
        # the ordinal in the draft depends on a first year no source states
        notices.append(
            todo(
                f"confirmar el año de la primera celebración ({obs.first_year}) antes de citar "
                "el número de edición"
                if es
                else f"confirm the first year ({obs.first_year}) before quoting the edition number"
            )
        )
    return {
        "language": language,
        "today": long_date(today, language),
        "todo": todo,
        "notices": notices,
        "org": _org(profile, language),
        "observance": _observance(obs, occurrence.year, language),
        "occurrence": _occurrence(occurrence, language, today),
        "history": {
            "sentences": list(past.sentences),
            "text": past.text,
            "established_by": _citation(past.established_by, language),
            "first_observed": long_date(past.first_observed, language)
            if past.first_observed
            else None,
            "changes": [_citation(c, language) for c in past.changes],
        },
        "programs": [_program(p, language) for p in profile.programs_for(obs)],
    }


def _the_name(name: str, language: str) -> str:
    """The name with the article running text needs: "the International Day of Peace", but
    "World Habitat Day"; "el Día ...", "la Semana ..."."""
    if PLACEHOLDER.fullmatch(name):
        return name
    if language == "es":
        article = {"Día": "el", "Semana": "la", "Año": "el", "Decenio": "el", "Mes": "el"}
        first = name.split(maxsplit=1)[0] if name.split() else ""
        return f"{article[first]} {name}" if first in article else name
    return f"the {name}" if name.startswith(("International ", "United Nations ")) else name


def _observance(obs: Observance, year: int, language: str) -> dict[str, Any]:
    name_en = obs.name_in(year)
    name = obs.name_for(language, year) or todo(
        f"nombre oficial en español de «{name_en}»" if language == "es" else f"name in {language}"
    )
    return {
        "id": obs.id,
        "name": name,
        "the_name": _the_name(name, language),
        "name_en": name_en,
        "short_name": obs.short_name,
        "kind": obs.kind.value,
        "noun": noun(obs.kind, language).word,
        "the_noun": the_noun(obs.kind, language),
        "body": obs.body,
        "url": obs.url,
        "tags": list(obs.tags),
        "verified": obs.verified,
        "reason": obs.reason,
        "notes": obs.notes,
        "citations": [_citation(c, language) for c in obs.citations],
        "former_names": [{"name": f.name, "until": f.until} for f in obs.former_names],
    }


def _citation(citation: Citation, language: str) -> dict[str, Any]:
    return {
        "symbol": citation.symbol,
        "source": source(citation, language),
        "adopted": long_date(citation.adopted, language) if citation.adopted else None,
        "url": citation.url,
        "note": citation.note,
    }


def _occurrence(occ: Occurrence, language: str, today: dt.date) -> dict[str, Any]:
    one_day = occ.start == occ.end
    dates = date_range(occ.start, occ.end, language)
    day = weekday(occ.start, language)
    return {
        "start": long_date(occ.start, language),
        "end": long_date(occ.end, language),
        "start_iso": occ.start.isoformat(),
        "end_iso": occ.end.isoformat(),
        "dates": dates,
        "weekday": day,
        "end_weekday": weekday(occ.end, language),
        "when": (f"{day}, {dates}" if language == "es" else f"{day} {dates}") if one_day else dates,
        "one_day": one_day,
        "year": occ.year,
        "edition": occ.edition,
        "edition_ordinal": ordinal(occ.edition, language, occ.kind) if occ.edition else None,
        "days_until": (occ.start - today).days,
    }


def _person(person: Person, language: str) -> dict[str, Any]:
    # a quote is attributed to a name only when the profile gives one; never a made-up name
    if person.name:
        quote_by = f"{person.name}, {person.title}"
    else:
        quote_by = (
            f"quien ocupa el cargo «{person.title}»"
            if language == "es"
            else (f"the {person.title}")
        )
    return {"title": person.title, "name": person.name, "quote_by": quote_by}


def _program(program: Program, language: str) -> dict[str, Any]:
    return {
        "id": program.id,
        "name": program.name,
        "region": program.region,
        "language": program.language,
        "summary": program.summary,
        "lead": _person(program.lead, language),
    }


def _org(profile: Profile, language: str) -> dict[str, Any]:
    return {
        "name": profile.name,
        "short_name": profile.short_name,
        "about": " ".join(profile.about.split()) if profile.about else None,
        "leader": _person(profile.leader, language) if profile.leader else None,
        "programs": [_program(p, language) for p in profile.programs],
        "language": profile.language,
    }

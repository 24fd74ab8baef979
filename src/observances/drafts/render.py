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

from observances.drafts.context import build_context
from observances.drafts.templates import TemplateError, TemplateSet
from observances.errors import ObservancesError, Problem
from observances.occurrences import Occurrence
from observances.profile import Profile
from observances.words import check_language, direction, for_language, placeholders

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
    def dates(self) -> str:
        """The occurrence's date or dates in the draft's language, as the draft words them."""
        occ = self.occurrence
        return for_language(self.language).date_range(occ.start, occ.end)

    @property
    def complete(self) -> bool:
        return not self.placeholders

    @cached_property
    def html(self) -> str:
        """The body as an HTML fragment; raw HTML in the Markdown is shown as text, never
        passed through, so registry or profile text cannot inject markup."""
        from observances.drafts.markup import to_html

        body = to_html(self.markdown)
        if self.language == "en":
            return body
        # a mail client must know the language and, for Arabic, that it runs right to left
        return f'<div lang="{self.language}" dir="{direction(self.language)}">\n{body}</div>\n'

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

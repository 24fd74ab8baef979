"""A minimal real renderer for the service until drafts.py (Jinja2 templates) is wired in:
the subject, a short text and HTML body, and the Markdown draft, from the occurrence alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from observances.dates import Occurrence
from observances.profile import Profile


@dataclass(frozen=True, slots=True)
class PlainDraft:
    subject: str
    markdown: str
    text: str
    html: str
    placeholders: tuple[str, ...]


def plain_renderer(profile: Callable[[], Profile]) -> Callable[[Occurrence, int], PlainDraft]:
    """A Renderer (see dispatch.Renderer) reading the current profile on each call."""

    def render(occurrence: Occurrence, lead_days: int) -> PlainDraft:
        org = profile().short_name
        day = f"{occurrence.start.day} {occurrence.start:%B %Y}"
        subject = f"{org} marks the {occurrence.name}"
        quote = "[QUOTE FROM THE LEADERSHIP]"
        source = occurrence.citation.symbol
        lines = (
            f"# {subject}, {day}",
            "",
            f"On {day}, {org} joins the United Nations in marking the {occurrence.name} "
            f"({source}).",
            "",
            quote,
        )
        markdown = "\n".join(lines) + "\n"
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[2:] if line)
        return PlainDraft(
            subject=subject,
            markdown=markdown,
            text=markdown,
            html=f"<h1>{html.escape(f'{subject}, {day}')}</h1>{body}",
            placeholders=(quote,),
        )

    return render

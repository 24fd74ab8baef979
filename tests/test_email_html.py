"""The HTML part and the .docx attachment of a real draft, read back the way a mail client and
Word would: a complete document with inline styles only, placeholders highlighted."""

from __future__ import annotations

import datetime as dt
import io
import re
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import docx
from docx.enum.text import WD_COLOR_INDEX

from observances.delivery.mail import Envelope, build_message
from observances.delivery.planner import SendKey
from observances.drafts.render import Draft, render
from observances.drafts.templates import TemplateSet
from observances.occurrences import occurrences_in_year
from observances.profile import load_profile
from observances.registry import load

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = load(ROOT / "observances.yaml")
PROFILE = load_profile(ROOT / "profiles" / "aipr.yaml", REGISTRY)


def draft(observance_id: str = "south-south-cooperation", language: str = "en") -> Draft:
    occurrence = occurrences_in_year(REGISTRY.get(observance_id), 2027)[0]
    templates = TemplateSet.load(ROOT / "templates")
    return render(occurrence, PROFILE, templates, language=language, today=dt.date(2027, 9, 1))


def message(content: Draft) -> EmailMessage:
    occ = content.occurrence
    envelope = Envelope(
        SendKey(occ.id, occ.start, 7), "<obs.1@example.org>", "d@example.org", ("a@example.org",)
    )
    return build_message(content, envelope, dt.datetime(2027, 9, 5, 9, tzinfo=dt.UTC), days_ahead=7)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_html_part_is_a_whole_document_with_inline_styles_only() -> None:
    content = draft()
    part = message(content).get_body(("html",))
    assert part is not None
    html = part.get_content()
    assert html.startswith("<!DOCTYPE html>")
    assert "<mark" not in html
    assert "<style" not in html
    assert f"<title>{content.subject}" not in html  # the title is the mail's whole subject
    assert "<title>[Draft, in 7 days] AIPR marks" in html
    parser = Tags()
    parser.feed(html)
    names = [tag for tag, _ in parser.tags]
    assert {"h1", "h2", "blockquote", "p"} <= set(names)
    for tag, attrs in parser.tags:
        if tag in ("h1", "h2", "h3", "p", "blockquote", "li", "ul", "a"):
            assert attrs.get("style"), f"<{tag}> without an inline style"
    # every placeholder, in the fill-in list and in the body, sits in a highlighted span
    spans = re.findall(
        r'<span style="background-color:#fff176;[^"]*">(\[\[TODO: [^<]*\]\])</span>', html
    )
    assert set(spans) == set(content.placeholders)
    assert len(spans) >= 2 * len(content.placeholders)
    assert re.search(r"(?<!>)\[\[TODO:", html) is None  # none unhighlighted


def test_the_docx_opens_with_headings_quotes_and_highlighted_placeholders() -> None:
    content = draft()
    msg = message(content)
    attachment = next(a for a in msg.iter_attachments() if str(a.get_filename()).endswith(".docx"))
    document = docx.Document(io.BytesIO(attachment.get_content()))
    styles = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert styles[0] == (
        "Heading 1",
        "AIPR marks the United Nations Day for South-South Cooperation",
    )
    assert ("Heading 2", "History") in styles
    assert any(style == "Quote" and "[[TODO: a quote" in text for style, text in styles)
    highlighted = {
        run.text
        for p in document.paragraphs
        for run in p.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    }
    assert highlighted == set(content.placeholders)
    plain = [run for p in document.paragraphs for run in p.runs if "TODO" not in run.text]
    assert all(run.font.highlight_color is None for run in plain)
    assert document.core_properties.title.startswith("[Draft, in 7 days]")

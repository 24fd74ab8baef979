"""A draft as a Word document (.docx), the format communications teams edit in (Word, Google
Docs, LibreOffice all open it). Built with python-docx from the same Markdown tokens as the
HTML: headings become Word headings (so the navigation pane and Google Docs' outline work),
quotes the built-in "Quote" style, lists the built-in list styles, and every placeholder a
run highlighted in yellow, as a person would mark it with Word's highlighter.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from observances.words import PLACEHOLDER

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from markdown_it.token import Token


def to_docx(markdown: str, title: str, language: str) -> bytes:
    """The .docx file's bytes; `title` goes into the document's properties."""
    import docx
    from docx.enum.text import WD_COLOR_INDEX

    from observances.drafts.markup import _parser

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = language
    paragraph: Paragraph | None = None
    style: str | None = None
    quote = 0
    lists: list[str] = []
    for token in _parser().parse(markdown):
        match token.type:
            case "heading_open":
                style = f"Heading {min(int(token.tag[1:]), 9)}"
            case "blockquote_open":
                quote += 1
            case "blockquote_close":
                quote -= 1
            case "bullet_list_open":
                lists.append("List Bullet")
            case "ordered_list_open":
                lists.append("List Number")
            case "bullet_list_close" | "ordered_list_close":
                lists.pop()
            case "inline":
                chosen = style or ("Quote" if quote else lists[-1] if lists else None)
                paragraph = _paragraph(document, chosen)
                _runs(paragraph, token.children or [], WD_COLOR_INDEX.YELLOW)
                style = None
            case "fence" | "code_block":
                document.add_paragraph(token.content.rstrip("\n"))
            case "hr":
                document.add_paragraph("\u2014" * 3)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraph(document: Document, style: str | None) -> Paragraph:
    return document.add_paragraph(style=style) if style else document.add_paragraph()


def _runs(paragraph: Paragraph, children: list[Token], highlight: object) -> None:
    """Text runs; bold and italic kept; a link as "text (address)"; placeholders highlighted."""
    bold = italic = False
    links: list[tuple[str, list[str]]] = []  # per open link: its address and its text
    for child in children:
        match child.type:
            case "strong_open":
                bold = True
            case "strong_close":
                bold = False
            case "em_open":
                italic = True
            case "em_close":
                italic = False
            case "link_open":
                links.append((str(child.attrGet("href") or ""), []))
            case "link_close":
                href, label = links.pop()
                if href not in ("".join(label), f"mailto:{''.join(label)}"):
                    paragraph.add_run(f" ({href})")
            case "softbreak" | "hardbreak":
                paragraph.add_run().add_break()
            case "text" | "code_inline" | "html_inline" | "image":
                if links:
                    links[-1][1].append(child.content)
                _text(paragraph, child.content, bold, italic, highlight)


def _text(paragraph: Paragraph, text: str, bold: bool, italic: bool, highlight: object) -> None:
    at = 0
    for match in PLACEHOLDER.finditer(text):
        _run(paragraph, text[at : match.start()], bold, italic, None)
        _run(paragraph, match.group(0), bold, italic, highlight)
        at = match.end()
    _run(paragraph, text[at:], bold, italic, None)


def _run(paragraph: Paragraph, text: str, bold: bool, italic: bool, highlight: object) -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if highlight is not None:
        run.font.highlight_color = highlight  # type: ignore[assignment]

"""A draft's Markdown as HTML (for email) and as plain text, both through markdown-it-py.

Raw HTML is disabled in the parser, so `<script>` in a registry note or a profile field is
shown as text: the Markdown source never passes markup through. Link targets are checked by
markdown-it's own validator (no `javascript:` links).

The HTML is email-safe: every style is an inline `style` attribute (Gmail drops most of a
`<style>` block; Outlook for Windows renders with Word's engine, which honours inline styles
on block elements but not HTML5 elements such as `<mark>`). Placeholders are `<span>`s with
an inline background colour, the one highlight every client shows.
"""

from __future__ import annotations

import html
import re
import textwrap
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_ESCAPED_PLACEHOLDER = re.compile(r"\[\[TODO: [^\]\n<]*\]\]")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": False})


FONT = "font-family:Arial,Helvetica,sans-serif;"
HIGHLIGHT = "background-color:#fff176;color:#000000;"
"""A placeholder's highlight: yellow, like Word's highlighter, readable in dark mode too."""

STYLES = {
    "h1": FONT + "font-size:24px;line-height:30px;font-weight:bold;margin:0 0 16px 0;",
    "h2": FONT + "font-size:20px;line-height:26px;font-weight:bold;margin:24px 0 12px 0;",
    "h3": FONT + "font-size:17px;line-height:22px;font-weight:bold;margin:20px 0 8px 0;",
    "h4": FONT + "font-size:15px;line-height:20px;font-weight:bold;margin:16px 0 8px 0;",
    "p": FONT + "font-size:15px;line-height:22px;margin:0 0 12px 0;",
    "li": FONT + "font-size:15px;line-height:22px;margin:0 0 4px 0;",
    "ul": "margin:0 0 12px 0;padding:0 0 0 24px;",
    "ol": "margin:0 0 12px 0;padding:0 0 0 24px;",
    # Word's engine draws a paragraph border, so a left border survives in Outlook
    "blockquote": "margin:0 0 12px 0;padding:4px 0 4px 12px;border-left:4px solid #9e9e9e;"
    "color:#424242;font-style:italic;",
    "a": "color:#1a5fb4;text-decoration:underline;",
    "hr": "border:0;border-top:1px solid #bdbdbd;margin:16px 0;",
    "code": "font-family:Consolas,monospace;",
    "pre": "font-family:Consolas,monospace;white-space:pre-wrap;",
}


def highlight(escaped: str) -> str:
    """An already escaped placeholder, highlighted with an inline style."""
    return f'<span style="{HIGHLIGHT}">{escaped}</span>'


def to_html(markdown: str) -> str:
    """An HTML fragment with inline styles only; placeholders highlighted (see `highlight`)."""
    parser = _parser()
    tokens = parser.parse(markdown)
    _style(tokens)
    rendered = parser.renderer.render(tokens, parser.options, {})
    # the placeholder text is already escaped here, so wrapping it adds no markup of its own
    return _ESCAPED_PLACEHOLDER.sub(lambda m: highlight(m.group(0)), rendered)


def _style(tokens: list[Token]) -> None:
    for token in tokens:
        if token.nesting >= 0 and token.tag in STYLES:
            token.attrSet("style", STYLES[token.tag])
        if token.children:
            _style(token.children)


def document(title: str, fragment: str, language: str) -> str:
    """A complete HTML document around `fragment`: what an email's HTML part and
    `preview --format html` carry. No `<style>` block: every style is inline."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n"
        '<body style="margin:0;padding:16px;background-color:#ffffff;color:#212121;">\n'
        f'<div style="max-width:680px;">\n{fragment}</div>\n</body>\n</html>\n'
    )


def fill_in_list(heading: str, placeholders: tuple[str, ...]) -> str:
    """The placeholders as a highlighted list, to put on top of an email's HTML."""
    items = "".join(
        f'<li style="{STYLES["li"]}">{highlight(html.escape(p))}</li>' for p in placeholders
    )
    return (
        f'<p style="{STYLES["p"]}"><strong>{html.escape(heading)}</strong></p>'
        f'<ul style="{STYLES["ul"]}">{items}</ul><hr style="{STYLES["hr"]}">\n'
    )


def to_text(markdown: str) -> str:  # noqa: PLR0912 - one branch per token type reads as a table
    """Plain text: headings underlined, list items with "- ", quotes with "> ", links as
    "text (address)"."""
    blocks: list[str] = []
    prefixes: list[str] = []
    ordered: list[int | None] = []  # per open list: the next number, or None for bullets
    heading = 0
    first_in_item = False
    for token in _parser().parse(markdown):
        match token.type:
            case "bullet_list_open":
                ordered.append(None)
            case "ordered_list_open":
                ordered.append(int(token.attrGet("start") or 1))
            case "bullet_list_close" | "ordered_list_close":
                ordered.pop()
            case "list_item_open":
                number = ordered[-1] if ordered else None
                if number is None:
                    prefixes.append("- ")
                else:
                    prefixes.append(f"{number}. ")
                    ordered[-1] = number + 1
                first_in_item = True
            case "list_item_close":
                prefixes.pop()
            case "blockquote_open":
                prefixes.append("> ")
            case "blockquote_close":
                prefixes.pop()
            case "heading_open":
                heading = int(token.tag[1:])
            case "inline":
                text = _inline(token.children or [])
                if heading:
                    text += "\n" + ("=" if heading == 1 else "-") * len(text)
                    heading = 0
                blocks.append(_prefix(text, prefixes, first_in_item))
                first_in_item = False
            case "fence" | "code_block":
                blocks.append(_prefix(token.content.rstrip("\n"), prefixes, first_in_item))
            case "hr":
                blocks.append("---")
    return "\n\n".join(blocks) + "\n"


def _prefix(text: str, prefixes: list[str], first_in_item: bool) -> str:
    """Indent a block under the open lists and quotes; only a list item's first block shows
    its bullet, later ones line up under it."""
    if not prefixes:
        return text
    marks = [p if p.startswith(">") else " " * len(p) for p in prefixes]
    if first_in_item and not prefixes[-1].startswith(">"):
        marks[-1] = prefixes[-1]
    first = "".join(marks)
    rest = "".join(p if p.startswith(">") else " " * len(p) for p in prefixes)
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [textwrap.indent(x, rest) or rest for x in lines[1:]])


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    links: list[str] = []
    for child in children:
        match child.type:
            case "text" | "code_inline" | "html_inline":
                out.append(child.content)
            case "softbreak" | "hardbreak":
                out.append("\n")
            case "image":
                out.append(child.content)
            case "link_open":
                links.append(str(child.attrGet("href") or ""))
                out.append("\x00")  # where the link text starts
            case "link_close":
                href = links.pop()
                start = len(out) - 1 - out[::-1].index("\x00")
                label = "".join(out[start + 1 :])
                del out[start:]
                out.append(label if label in (href, f"mailto:{label}") else f"{label} ({href})")
    return "".join(out)

"""A draft's Markdown as HTML (for email) and as plain text, both through markdown-it-py.

Raw HTML is disabled in the parser, so `<script>` in a registry note or a profile field is
shown as text: the Markdown source never passes markup through. Link targets are checked by
markdown-it's own validator (no `javascript:` links).
"""

from __future__ import annotations

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


def to_html(markdown: str) -> str:
    """An HTML fragment; placeholders are wrapped in <mark> so that they stand out."""
    rendered = _parser().render(markdown)
    # the placeholder text is already escaped here, so wrapping it adds no markup of its own
    return _ESCAPED_PLACEHOLDER.sub(lambda m: f"<mark>{m.group(0)}</mark>", rendered)


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

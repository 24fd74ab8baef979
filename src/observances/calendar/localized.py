"""What a feed in another language than English says about an occurrence. Pure.

The title (SUMMARY) is the observance's name in that language where a source gives it, with
`LANGUAGE=<lang>` (RFC 5545 allows the parameter on SUMMARY and DESCRIPTION); where none does,
it is the English name with `LANGUAGE=en`, and the description's first line is the marked
request for the name (`[[TODO: ...]]`), so a reader sees it is not a translation. The
description is worded by `words` from the same facts as the English one: the dates, the date
rule of each span with its source, one-off moves and the sources with their addresses.
"""

from __future__ import annotations

from observances.occurrences import Occurrence
from observances.words import Wording, todo


def summary(occ: Occurrence, words: Wording) -> tuple[str, str]:
    """The event's title and the language it is in."""
    name = occ.observance.name_for(words.language, occ.year)
    return (name, words.language) if name is not None else (occ.name, "en")


def description(occ: Occurrence, words: Wording) -> str:
    obs = occ.observance
    lines = []
    if obs.name_for(words.language, occ.year) is None:
        lines.append(todo(words.missing_name(occ.name)))
    lines.append(words.date_range(occ.start, occ.end))
    lines.append("")
    lines.extend(
        f"- {words.span_label(span)} ({words.source(obs.citation(span.cite))})"
        for span in obs.dates
    )
    lines.extend(
        f"- {words.moved(m.date.year, m.moved_to, m.date, obs.citation(m.cite))}" for m in obs.moves
    )
    lines.append("")
    for c in obs.citations:
        adopted = f", {words.long_date(c.adopted)}" if c.adopted else ""
        lines.append(f"- {words.source(c)}{adopted}" + (f": {c.url}" if c.url else ""))
    if not obs.verified:
        lines.append(todo(words.check_facts(None)))
    return "\n".join(lines)

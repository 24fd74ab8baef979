"""The mail that corrects what earlier drafts said: the date of an occurrence moved, or the
occurrence is no longer marked. Its subject keeps the stem of the drafts it corrects, so that it
joins their thread. Pure: worded by `words`, no clock, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from observances.drafts.markup import to_html, to_text
from observances.occurrences import Occurrence
from observances.words import for_language


@dataclass(frozen=True)
class Notice:
    """A correction or a withdrawal notice; has what delivery needs from a draft."""

    subject: str
    """The stem of the corrected drafts' subject (their template's subject line)."""
    dates: str
    markdown: str
    language: str
    label: str
    """The tag before the subject: "Correction", "No longer marked"."""
    placeholders: tuple[str, ...] = ()

    @cached_property
    def html(self) -> str:
        return to_html(self.markdown)

    @cached_property
    def text(self) -> str:
        return to_text(self.markdown)


def notice(
    old: Occurrence, new: Occurrence | None, stem: str, language: str, sent_on: dt.date
) -> Notice:
    """What to tell the recipients of the drafts sent for `old` (on `sent_on`, the first):
    the occurrence now falls on `new`'s dates, or (None) it is no longer marked."""
    words = for_language(language)
    obs = old.observance
    name = obs.name_for(language, old.year) or obs.name_in(old.year)
    the_name = words.the_name(name, obs.article if name == obs.name else None)
    old_dates = words.date_range(old.start, old.end)
    if new is not None:
        new_dates = words.date_range(new.start, new.end)
        body = words.moved_notice(the_name, old_dates, new_dates, words.long_date(sent_on))
        label = words.correction_label()
    else:
        body = words.withdrawn_notice(the_name, old_dates, words.long_date(sent_on))
        label = words.withdrawn_label()
    return Notice(stem, old_dates, f"{body}\n", language, label)

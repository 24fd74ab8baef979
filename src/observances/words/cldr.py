"""Dates worded from CLDR data through Babel: the part every language but English shares.

English writes its few dates itself (`en.py`), so that the command line starts without Babel;
every other language takes its dates from the locale named by `locale` and words the rest
itself.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton

from observances.registry.rules import MonthDay
from observances.words.base import Wording, as_date


class CldrWording(Wording):
    """A language whose dates, month and weekday names come from Babel's CLDR data."""

    locale: str
    """The Babel locale of the language's dates ("es", "fr", ...)."""

    def long_date(self, day: dt.date) -> str:
        return format_date(day, format="long", locale=self.locale)

    def month_day(self, day: MonthDay | dt.date) -> str:
        return format_skeleton("MMMMd", as_date(day), locale=self.locale)

    def weekday(self, day: dt.date) -> str:
        return format_date(day, format="EEEE", locale=self.locale)

    def short_range(self, start: dt.date, end: dt.date) -> str:
        def short(day: dt.date) -> str:
            return format_date(day, format="EEE d MMM y", locale=self.locale)

        return short(start) if start == end else f"{short(start)} - {short(end)}"

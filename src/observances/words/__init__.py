"""How a fact is said: one `Wording` per language, used by the command line, the feeds, the
drafts and the emails alike, so that a date, an ordinal, a rule or a history sentence is worded
in exactly one place per language.

    words = for_language("es")
    words.long_date(dt.date(2027, 9, 12))   # "12 de septiembre de 2027"
    words.rule_phrase(span.rule)            # "el 12 de septiembre"

A language is a module here (`en.py`, `es.py`, `fr.py`, `ar.py`, `zh.py`, `ru.py`)
implementing `base.Wording`; a language with no module is refused with the list of those
that exist, rather than half-translated.
"""

from __future__ import annotations

import functools

from observances.errors import InputError
from observances.words.base import DASH, PLACEHOLDER, Noun, Wording, placeholders, todo

__all__ = [
    "DASH",
    "LANGUAGES",
    "PLACEHOLDER",
    "RIGHT_TO_LEFT",
    "Noun",
    "Wording",
    "check_language",
    "direction",
    "for_language",
    "placeholders",
    "todo",
]

LANGUAGES = ("en", "es", "fr", "ar", "zh", "ru")
"""Languages with wording, in the order they are listed."""

RIGHT_TO_LEFT = frozenset({"ar"})
"""Languages written right to left: their HTML carries dir="rtl"."""


def direction(language: str) -> str:
    """ "rtl" or "ltr", for the HTML `dir` attribute."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def check_language(language: str) -> str:
    """`language` if the tool can write it; otherwise an InputError naming those it can."""
    if language not in LANGUAGES:
        raise InputError(
            f"no wording for language {language!r}; the languages are {', '.join(LANGUAGES)}"
        )
    return language


@functools.cache
def for_language(language: str) -> Wording:
    """The wording of `language`, loaded on first use (Spanish loads Babel; English does not)."""
    match check_language(language):
        case "es":
            from observances.words.es import Spanish

            return Spanish()
        case "fr":
            from observances.words.fr import French

            return French()
        case "ar":
            from observances.words.ar import Arabic

            return Arabic()
        case "zh":
            from observances.words.zh import Chinese

            return Chinese()
        case "ru":
            from observances.words.ru import Russian

            return Russian()
        case _:
            from observances.words.en import English

            return English()

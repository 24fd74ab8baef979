"""French, in the style of the UN's French pages: "1er septembre", "24e", "Journée", dates,
month and weekday names from Babel (CLDR). Sentences use "avoir lieu" and nouns such as "la
célébration", whose form does not depend on the observance's gender, so that no participle has
to agree with a noun chosen at run time. To be reviewed by a French-speaking editor
(docs/languages.md)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, assert_never

from babel.dates import get_day_names, get_month_names

from observances.registry.models import Citation, DateSpan, Kind
from observances.registry.rules import (
    MONTHS,
    WEEKDAYS,
    Announced,
    AnyOf,
    DayRange,
    FixedDate,
    FullMoon,
    MonthDay,
    NthWeekday,
    Rule,
    WeekContaining,
    WholeSpan,
    WholeYear,
)
from observances.words.base import DASH, PLACEHOLDER, Noun, as_date, todo
from observances.words.cldr import CldrWording

LOCALE = "fr"
NBSP = "\u00a0"  # French puts a no-break space inside « » and before : ; ! ?
APOSTROPHE = "\u2019"

_NOUNS = {
    Kind.DAY: Noun("Journée", feminine=True),
    Kind.WEEK: Noun("Semaine", feminine=True),
    Kind.MONTH: Noun("Mois"),
    Kind.YEAR: Noun("Année", feminine=True),
    Kind.DECADE: Noun("Décennie", feminine=True),
    Kind.PERIOD: Noun("Période", feminine=True),
}
_NTH = {"first": "premier", "second": "deuxième", "third": "troisième", "fourth": "quatrième"}
_BODIES = {"General Assembly": f"l{APOSTROPHE}Assemblée générale"}
"""Bodies whose French name is known; any other makes the sentence name only the act."""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _article(word: str, feminine: bool) -> str:
    if word[:1].lower() in "aeéèêiîoôuh":
        return f"l{APOSTROPHE}"
    return "la " if feminine else "le "


def _first_day(text: str, day: int) -> str:
    """CLDR writes "1 septembre"; French typography writes the first of a month "1er"."""
    return f"1er{text[1:]}" if day == 1 and text.startswith("1 ") else text


def quoted(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


class French(CldrWording):
    language = "fr"
    locale = LOCALE

    # --- dates --------------------------------------------------------------------------------

    def long_date(self, day: dt.date) -> str:
        return _first_day(super().long_date(day), day.day)

    def month_day(self, day: MonthDay | dt.date) -> str:
        date = as_date(day)
        return _first_day(super().month_day(date), date.day)

    def dated(self, weekday: str, dates: str) -> str:
        return f"{weekday} {dates}"

    def date_range(self, start: dt.date, end: dt.date) -> str:
        if start == end:
            return self.long_date(start)
        if start.year == end.year and start.month == end.month and start.day == 1:
            return f"1er{DASH}{self.long_date(end)}"
        return super().date_range(start, end)

    # --- numbers and nouns --------------------------------------------------------------------

    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:
        """ "24e"; the first is "1re" before a feminine noun ("1re Journée"), else "1er"."""
        if n == 1:
            return "1re" if _NOUNS[kind].feminine else "1er"
        return f"{n}e"

    def noun(self, kind: Kind) -> Noun:
        return _NOUNS[kind]

    def the_noun(self, kind: Kind) -> str:
        noun = _NOUNS[kind]
        return f"{_article(noun.word, noun.feminine)}{noun.word}"

    def the_name(self, name: str, article: str | None = None) -> str:  # noqa: ARG002 - English's
        if PLACEHOLDER.fullmatch(name):
            return name
        words = name.split()
        genders = {noun.word: noun.feminine for noun in _NOUNS.values()}
        if words and words[0] in genders:
            return f"{_article(words[0], genders[words[0]])}{name}"
        # "Deuxième Décennie ...": the article agrees with the noun after the ordinal
        if len(words) > 1 and words[0].endswith("ième") and words[1] in genders:
            return f"{_article(words[0], genders[words[1]])}{name}"
        return name

    # --- rules and sources --------------------------------------------------------------------

    @staticmethod
    def _of_month(month: str) -> str:
        """ "de mai", "d’avril": the month's name after "de", elided before a vowel."""
        name = str(get_month_names("wide", locale=LOCALE)[MONTHS.index(month) + 1])
        return f"d{APOSTROPHE}{name}" if name[:1] in "aeiou" else f"de {name}"

    def _nth(self, rule: NthWeekday) -> str:
        month = get_month_names("wide", locale=LOCALE)[MONTHS.index(rule.month) + 1]
        day = get_day_names("wide", locale=LOCALE)[WEEKDAYS.index(rule.weekday)]
        nth = "dernier" if rule.nth == "last" else _NTH[rule.nth]
        return (
            f"{nth} {day} de {month}"
            if month[0] not in "aeiou"
            else f"{nth} {day} d{APOSTROPHE}{month}"
        )

    def rule_label(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return self.month_day(day)
            case NthWeekday():
                return self._nth(rule)
            case AnyOf(any_of=rules):
                return " et ".join(self.rule_label(r) for r in rules)
            case DayRange(start=start, end=end):
                return f"{self.month_day(start)} au {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"la semaine du lundi au dimanche qui comprend le {self.month_day(day)}"
            case WholeYear():
                return f"toute l{APOSTROPHE}année"
            case WholeSpan():
                return "toute la période"
            case Announced(announced=dates):
                return f"dates annoncées chaque année ({len(dates)} connues)"
            case FullMoon(full_moon=month, time_zone=zone):
                until = f"jusqu{APOSTROPHE}à son annonce"
                return f"le jour de la pleine lune {self._of_month(month)} ({zone}), {until}"
            case _:
                assert_never(rule)

    def rule_phrase(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return f"le {self.month_day(day)}"
            case NthWeekday():
                return f"le {self._nth(rule)}"
            case AnyOf(any_of=rules):
                return " et ".join(self.rule_phrase(r) for r in rules)
            case DayRange(start=start, end=end):
                first = self.month_day(start)
                if start.month == end.month:
                    first = "1er" if start.day == 1 else str(start.day)
                return f"du {first} au {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return (
                    f"pendant la semaine (du lundi au dimanche) qui comprend le "
                    f"{self.month_day(day)}"
                )
            case WholeYear():
                return f"tout au long de l{APOSTROPHE}année"
            case WholeSpan():
                return "pendant toute la période"
            case Announced():
                return "à une date annoncée chaque année"
            case FullMoon(full_moon=month):
                return f"le jour de la pleine lune {self._of_month(month)}"
            case _:
                assert_never(rule)

    def years_label(self, since: int, until: int | None) -> str:
        if until == since:
            return f"en {since}"
        return f"depuis {since}" if until is None else f"{since}-{until}"

    def every(self, years: int) -> str:
        return "" if years == 1 else f"tous les {years} ans"

    def source(self, citation: Citation) -> str:
        symbol = citation.symbol
        if "/RES/" in symbol:
            return f"résolution {symbol}"
        if symbol.startswith("decision "):
            return f"décision {symbol.removeprefix('decision ')}"
        return symbol

    # --- history sentences --------------------------------------------------------------------

    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        named = self.source(citation)
        adopted = f" du {self.long_date(citation.adopted)}" if citation.adopted else ""
        thing = self.the_noun(kind)
        the_body = _BODIES.get(body)
        act = f"le texte {named}{adopted}" if named == citation.symbol else f"la {named}{adopted}"
        if the_body is None:
            return f"{_cap(thing)} trouve son origine dans {act}."
        by = act.replace("la ", "sa ", 1) if act.startswith("la ") else act
        return f"{_cap(the_body)} a institué {thing} par {by}."

    @staticmethod
    def _when(span: DateSpan) -> str:
        return f"en {span.since}" if span.until == span.since else f"depuis {span.since}"

    @staticmethod
    def _verb(span: DateSpan) -> str:
        return "a eu lieu" if span.until == span.since else "a lieu"

    def held_since(self, kind: Kind, span: DateSpan) -> str:
        when = _cap(self._when(span))
        return f"{when}, {self.the_noun(kind)} {self._verb(span)} {self.how(span)}."

    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        thing = self.the_noun(kind)
        cited = self.source(citation)
        now = f"{_cap(self._when(span))}, {thing} {self._verb(span)} {self.how(span)} ({cited})."
        if first is None:
            return now
        return f"La première célébration a eu lieu le {self.long_date(first)}. {now}"

    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation | None) -> str:
        years = f"En {since}" if until == since else f"De {since} à {until}"
        verb = "a eu lieu" if until == since else "avait lieu"
        cited = f" ({self.source(citation)})" if citation else ""
        return f"{years}, la célébration {verb} {self.how(span)}{cited}."

    def covers(self, kind: Kind, span: DateSpan) -> str:
        thing = _cap(self.the_noun(kind))
        until = span.until if span.until is not None else span.since
        if until == span.since:
            return f"{thing} couvre toute l{APOSTROPHE}année {until}."
        if isinstance(span.rule, WholeSpan):
            return f"{thing} s{APOSTROPHE}étend de {span.since} à {until}."
        return f"{thing} a lieu chaque année de {span.since} à {until}."

    def renamed(self, former: str, until: int, citation: Citation) -> str:
        # no source gives a former name in French: ask, never translate
        name = todo(self.missing_name(former))
        return f"Jusqu{APOSTROPHE}en {until}, son nom était {name} ({self.source(citation)})."

    def present_name_since(self, year: int) -> str:
        return f"Le nom actuel est en usage depuis {year}."

    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        to, day = self.month_day(moved_to), self.month_day(instead)
        return (
            f"En {year}, la célébration a eu lieu le {to} au lieu du {day} "
            f"({self.source(citation)})."
        )

    # --- requests -----------------------------------------------------------------------------

    def check_facts(self, reason: str | None) -> str:
        ask = "vérifier les informations sur cette célébration avant publication"
        return f"{ask}{NBSP}: {quoted(reason)}" if reason else ask

    def confirm_first_year(self, year: int) -> str:
        return (
            f"confirmer l{APOSTROPHE}année de la première célébration ({year}) avant de citer "
            f"le numéro d{APOSTROPHE}édition"
        )

    _FACTS: ClassVar[dict[str, str]] = {
        "name": "le nom",
        "former name": "un ancien nom",
        "first year": f"l{APOSTROPHE}année de la première célébration",
        "act": f"l{APOSTROPHE}acte de proclamation",
        "rule": "la règle de la date",
    }

    def unverified(self, facts: tuple[str, ...]) -> str:
        named = [self._FACTS.get(f, f) for f in dict.fromkeys(facts)]
        listed = ", ".join(named[:-1]) + (" et " if len(named) > 1 else "") + named[-1]
        return (
            "aucune source primaire (ni deux sources secondaires indépendantes) ne confirme "
            f"encore {listed}"
        )

    def provisional(self, body: str) -> str:
        return (
            f"date provisoire, calculée d{APOSTROPHE}après la pleine lune, à confirmer lorsque "
            f"la date sera annoncée ({body})"
        )

    def year_of(self, k: int, n: int) -> str:
        return f"année {k} sur {n}"

    def missing_name(self, name_en: str) -> str:
        return f"nom officiel en français de {quoted(name_en)}"

    def holder_of(self, title: str) -> str:
        return f"la personne qui occupe le poste {quoted(title)}"

"""Russian. Dates, month and weekday names from Babel (CLDR). Russian inflects nouns and
ordinals by case and gender, and a wrong ending is worse than a plain sentence: so facts are
given as labels ("Дата: 12 сентября (с 2012 года).") whose variable parts stay in the form
Babel gives or in the nominative, and the observance is never the subject of a verb that
would have to agree with it. To be reviewed by a Russian-speaking editor (docs/languages.md)."""

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
    NthWeekday,
    Rule,
    WeekContaining,
    WholeSpan,
    WholeYear,
)
from observances.words.base import DASH, Noun, todo
from observances.words.cldr import CldrWording

LOCALE = "ru"

_NOUNS = {
    Kind.DAY: Noun("День"),
    Kind.WEEK: Noun("Неделя", feminine=True),
    Kind.MONTH: Noun("Месяц"),
    Kind.YEAR: Noun("Год"),
    Kind.DECADE: Noun("Десятилетие"),
    Kind.PERIOD: Noun("Период"),
}
_NTH = {"first": "1-й", "second": "2-й", "third": "3-й", "fourth": "4-й", "last": "последний"}
_BODIES = {"General Assembly": "Генеральной Ассамблеи"}
"""Bodies whose Russian name is known, in the genitive ("resolution of the ...")."""


def _end(text: str) -> str:
    """A sentence's full stop, unless it already ends with one (Babel's dates end in "г.")."""
    return text if text.endswith(".") else f"{text}."


def quoted(text: str) -> str:
    return f"«{text}»"


def _years(n: int) -> str:
    """The word for "years" after the number n (1 год, 2 года, 5 лет)."""
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


class Russian(CldrWording):
    language = "ru"
    locale = LOCALE

    # --- dates --------------------------------------------------------------------------------

    def dated(self, weekday: str, dates: str) -> str:
        return f"{weekday}, {dates}"

    # --- numbers and nouns --------------------------------------------------------------------

    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:
        """ "24-й", to be read with "раз" ("в 24-й раз"), whose form never changes."""
        return f"{n}-й"

    def noun(self, kind: Kind) -> Noun:
        return _NOUNS[kind]

    def the_noun(self, kind: Kind) -> str:
        return _NOUNS[kind].word

    def the_name(self, name: str, article: str | None = None) -> str:
        return name

    # --- rules and sources --------------------------------------------------------------------

    def _nth(self, rule: NthWeekday) -> str:
        month = get_month_names("wide", context="stand-alone", locale=LOCALE)
        day = get_day_names("wide", context="stand-alone", locale=LOCALE)
        the_month = month[MONTHS.index(rule.month) + 1]
        the_day = day[WEEKDAYS.index(rule.weekday)]
        return f"день недели «{the_day}», {_NTH[rule.nth]} по счёту в месяце «{the_month}»"

    def rule_label(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return self.month_day(day)
            case NthWeekday():
                return self._nth(rule)
            case AnyOf(any_of=rules):
                return " и ".join(self.rule_label(r) for r in rules)
            case DayRange(start=start, end=end):
                if start.month == end.month:
                    return f"{start.day}{DASH}{self.month_day(end)}"
                return f"{self.month_day(start)} {DASH} {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"неделя (с понедельника по воскресенье), включающая {self.month_day(day)}"
            case WholeYear():
                return "весь год"
            case WholeSpan():
                return "весь период"
            case Announced(announced=dates):
                return f"даты объявляются ежегодно (известно: {len(dates)})"
            case FullMoon(full_moon=month, time_zone=zone):
                name = get_month_names("wide", context="stand-alone", locale=LOCALE)
                return (
                    f"день полнолуния в месяце «{name[MONTHS.index(month) + 1]}» ({zone}), "
                    "до официального объявления"
                )
            case _:
                assert_never(rule)

    def rule_phrase(self, rule: Rule) -> str:
        # labels, not adverbial phrases: a preposition would govern a case
        return self.rule_label(rule)

    def how(self, span: DateSpan) -> str:
        often = self.every(span.every)
        return self.rule_phrase(span.rule) + (f", {often}" if often else "")

    def years_label(self, since: int, until: int | None) -> str:
        if until == since:
            return f"в {since} году"
        return f"с {since} года" if until is None else f"{since}{DASH}{until}"

    def every(self, years: int) -> str:
        return "" if years == 1 else f"раз в {years} {_years(years)}"

    def source(self, citation: Citation) -> str:
        symbol = citation.symbol
        if "/RES/" in symbol:
            return f"резолюция {symbol}"
        if symbol.startswith("decision "):
            return f"решение {symbol.removeprefix('decision ')}"
        return symbol

    # --- history sentences --------------------------------------------------------------------

    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        adopted = f" от {self.long_date(citation.adopted)}" if citation.adopted else ""
        the_body = _BODIES.get(body)
        named = self.source(citation)
        if the_body is not None and named != citation.symbol:
            kind_of, symbol = named.split(" ", 1)
            named = f"{kind_of} {the_body} {symbol}"
        return _end(f"Основание: {named}{adopted}")

    @staticmethod
    def _since(span: DateSpan) -> str:
        return f"в {span.since} году" if span.until == span.since else f"с {span.since} года"

    def held_since(self, kind: Kind, span: DateSpan) -> str:
        return f"Дата проведения: {self.how(span)} ({self._since(span)})."

    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        cited = self.source(citation)
        now = f"Дата проведения: {self.how(span)} ({self._since(span)}; {cited})."
        if first is None:
            return now
        return f"{_end(f'Первое проведение: {self.long_date(first)}')} {now}"

    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation | None) -> str:
        years = f"в {since} году" if until == since else f"в {since}{DASH}{until} годах"
        cited = f" ({self.source(citation)})" if citation else ""
        return f"Дата проведения {years}: {self.how(span)}{cited}."

    def covers(self, kind: Kind, span: DateSpan) -> str:
        until = span.until if span.until is not None else span.since
        if until == span.since:
            return f"Период проведения: весь {until} год."
        if isinstance(span.rule, WholeSpan):
            return f"Период проведения: {span.since}{DASH}{until} годы."
        return f"Проводится ежегодно, {span.since}{DASH}{until} годы."

    def renamed(self, former: str, until: int, citation: Citation) -> str:
        # no source gives a former name in Russian: ask, never translate
        name = todo(self.missing_name(former))
        return f"Название до {until} года: {name} ({self.source(citation)})."

    def present_name_since(self, year: int) -> str:
        return f"Нынешнее название используется с {year} года."

    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        to, day = self.month_day(moved_to), self.month_day(instead)
        return f"В {year} году дата проведения: {to} вместо {day} ({self.source(citation)})."

    # --- requests -----------------------------------------------------------------------------

    def check_facts(self, reason: str | None) -> str:
        ask = "проверить сведения об этой памятной дате перед публикацией"
        return f"{ask}: {quoted(reason)}" if reason else ask

    def confirm_first_year(self, year: int) -> str:
        return f"подтвердить год первого проведения ({year}), прежде чем указывать его номер"

    _FACTS: ClassVar[dict[str, str]] = {
        "name": "название",
        "former name": "прежнее название",
        "first year": "год первого проведения",
        "act": "документ о провозглашении",
        "rule": "правило определения даты",
    }

    def unverified(self, facts: tuple[str, ...]) -> str:
        listed = ", ".join(self._FACTS.get(f, f) for f in dict.fromkeys(facts))
        return (
            "ни один первичный источник (и ни два независимых вторичных) пока не "
            f"подтверждает следующее: {listed}"
        )

    def provisional(self, body: str) -> str:
        return (
            "предварительная дата, рассчитанная по полнолунию; подтвердить после "
            f"объявления ({body})"
        )

    def year_of(self, k: int, n: int) -> str:
        return f"год {k} из {n}"

    def missing_name(self, name_en: str) -> str:
        return f"официальное название на русском языке для {quoted(name_en)}"

    def holder_of(self, title: str) -> str:
        return f"лицо, занимающее должность {quoted(title)}"

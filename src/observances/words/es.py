"""Spanish, in the words the UN's Spanish pages use ("Decenio", not "Década"); dates, month
and weekday names from Babel (CLDR)."""

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
from observances.words.base import PLACEHOLDER, Noun, todo
from observances.words.cldr import CldrWording

LOCALE = "es"

_NOUNS = {
    Kind.DAY: Noun("Día"),
    Kind.WEEK: Noun("Semana", feminine=True),
    Kind.MONTH: Noun("Mes"),
    Kind.YEAR: Noun("Año"),
    Kind.DECADE: Noun("Decenio"),
    Kind.PERIOD: Noun("Período"),
}
_ARTICLES = {noun.word: "la" if noun.feminine else "el" for noun in _NOUNS.values()}
_NTH = {"first": "primer", "second": "segundo", "third": "tercer", "fourth": "cuarto"}
_ORDINALS = (
    "primer",
    "segundo",
    "tercer",
    "cuarto",
    "quinto",
    "sexto",
    "séptimo",
    "octavo",
    "noveno",
)
"""Masculine forms before a noun; `ordinal` derives the feminine ("primera", "segunda")."""
_BODIES = {"General Assembly": "la Asamblea General"}
"""Bodies whose Spanish name is known; any other makes the sentence impersonal."""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Spanish(CldrWording):
    language = "es"
    locale = LOCALE

    # --- dates --------------------------------------------------------------------------------

    def dated(self, weekday: str, dates: str) -> str:
        return f"{weekday}, {dates}"

    # --- numbers and nouns --------------------------------------------------------------------

    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:
        """First to ninth in words before the noun ("primer Día", "tercera Semana", with the
        apocope of primero and tercero before a masculine noun), as the UN's Spanish texts
        write them; 10 and above in figures, "24.º", or "24.ª" for a feminine noun (RAE)."""
        feminine = _NOUNS[kind].feminine
        if 1 <= n <= len(_ORDINALS):
            word = _ORDINALS[n - 1]
            # "primer" and "tercer" are shortened forms; the feminine adds -a to the full one
            return (word + "a" if word.endswith("r") else word[:-1] + "a") if feminine else word
        return f"{n}.ª" if feminine else f"{n}.º"

    def noun(self, kind: Kind) -> Noun:
        return _NOUNS[kind]

    def the_noun(self, kind: Kind) -> str:
        noun = _NOUNS[kind]
        return f"{_ARTICLES[noun.word]} {noun.word}"

    def the_name(self, name: str, article: str | None = None) -> str:  # noqa: ARG002 - English's
        if PLACEHOLDER.fullmatch(name):
            return name
        first = name.split(maxsplit=1)[0] if name.split() else ""
        return f"{_ARTICLES[first]} {name}" if first in _ARTICLES else name

    # --- rules and sources --------------------------------------------------------------------

    @staticmethod
    def _month(month: str) -> str:
        return str(get_month_names("wide", locale=LOCALE)[MONTHS.index(month) + 1])

    def _nth(self, rule: NthWeekday) -> str:
        month = get_month_names("wide", locale=LOCALE)[MONTHS.index(rule.month) + 1]
        day = get_day_names("wide", locale=LOCALE)[WEEKDAYS.index(rule.weekday)]
        nth = "último" if rule.nth == "last" else _NTH[rule.nth]
        return f"{nth} {day} de {month}"

    def rule_label(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return self.month_day(day)
            case NthWeekday():
                return self._nth(rule)
            case AnyOf(any_of=rules):
                return " y ".join(self.rule_label(r) for r in rules)
            case DayRange(start=start, end=end):
                return f"{self.month_day(start)} a {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"la semana de lunes a domingo en la que cae el {self.month_day(day)}"
            case WholeYear():
                return "todo el año"
            case WholeSpan():
                return "todo el período"
            case Announced(announced=dates):
                return f"fechas que se anuncian cada año ({len(dates)} conocidas)"
            case FullMoon(full_moon=month, time_zone=zone):
                return f"el día de la luna llena de {self._month(month)} ({zone}), hasta su anuncio"
            case _:
                assert_never(rule)

    def rule_phrase(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return f"el {self.month_day(day)}"
            case NthWeekday():
                return f"el {self._nth(rule)}"
            case AnyOf(any_of=rules):
                return " y ".join(self.rule_phrase(r) for r in rules)
            case DayRange(start=start, end=end):
                first = str(start.day) if start.month == end.month else self.month_day(start)
                return f"del {first} al {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"en la semana (de lunes a domingo) que incluye el {self.month_day(day)}"
            case WholeYear():
                return "durante todo el año"
            case WholeSpan():
                return "durante todo el período"
            case Announced():
                return "en una fecha que se anuncia cada año"
            case FullMoon(full_moon=month):
                return f"el día de la luna llena de {self._month(month)}"
            case _:
                assert_never(rule)

    def years_label(self, since: int, until: int | None) -> str:
        if until == since:
            return f"en {since}"
        return f"desde {since}" if until is None else f"{since}-{until}"

    def every(self, years: int) -> str:
        return "" if years == 1 else f"cada {years} años"

    def source(self, citation: Citation) -> str:
        symbol = citation.symbol
        if "/RES/" in symbol:
            return f"resolución {symbol}"
        if symbol.startswith("decision "):
            return f"decisión {symbol.removeprefix('decision ')}"
        return symbol

    # --- history sentences --------------------------------------------------------------------

    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        named = self.source(citation)
        adopted = f", de {self.long_date(citation.adopted)}" if citation.adopted else ""
        how = f"({named}{adopted})" if named == citation.symbol else f"mediante la {named}{adopted}"
        thing = self.the_noun(kind)
        the_body = _BODIES.get(body)
        if the_body is None:
            return f"{_cap(thing)} se estableció {how}."
        return f"{_cap(the_body)} estableció {thing} {how}."

    @staticmethod
    def _when(span: DateSpan) -> str:
        return f"en {span.since}" if span.until == span.since else f"desde {span.since}"

    @staticmethod
    def _verb(span: DateSpan) -> str:
        return "se celebró" if span.until == span.since else "se celebra"

    def held_since(self, kind: Kind, span: DateSpan) -> str:
        when = _cap(self._when(span))
        return f"{when}, {self.the_noun(kind)} {self._verb(span)} {self.how(span)}."

    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        thing = self.the_noun(kind)
        if first is None:
            lead = _cap(thing)
        else:
            done = "Celebrada" if _NOUNS[kind].feminine else "Celebrado"
            lead = f"{done} por primera vez el {self.long_date(first)}, {thing}"
        when, cited = self._when(span), self.source(citation)
        return f"{lead} {self._verb(span)} {self.how(span)} {when} ({cited})."

    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation | None) -> str:
        years = f"En {since}" if until == since else f"De {since} a {until}"
        cited = f" ({self.source(citation)})" if citation else ""
        return f"{years} se celebró {self.how(span)}{cited}."

    def covers(self, kind: Kind, span: DateSpan) -> str:
        thing = _cap(self.the_noun(kind))
        until = span.until if span.until is not None else span.since
        if until == span.since:
            return f"{thing} abarca todo el año {until}."
        if isinstance(span.rule, WholeSpan):
            return f"{thing} abarca de {span.since} a {until}."
        return f"{thing} se celebra cada año de {span.since} a {until}."

    def renamed(self, former: str, until: int, citation: Citation) -> str:
        # no source gives a former name in Spanish: ask, never translate
        name = todo(self.missing_name(former))
        return f"Hasta {until} se llamó {name} ({self.source(citation)})."

    def present_name_since(self, year: int) -> str:
        return f"Lleva su nombre actual desde {year}."

    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        to, day = self.month_day(moved_to), self.month_day(instead)
        return f"En {year} se celebró el {to} en lugar del {day} ({self.source(citation)})."

    # --- requests -----------------------------------------------------------------------------

    def check_facts(self, reason: str | None) -> str:
        ask = "verificar los datos de esta observancia antes de publicar"
        return f"{ask}: {reason}" if reason else ask

    def confirm_first_year(self, year: int) -> str:
        return (
            f"confirmar el año de la primera celebración ({year}) antes de citar el número "
            "de edición"
        )

    def distance(self, days: int) -> str:
        if days == 0:
            return "hoy"
        if days == 1:
            return "mañana"
        if days < 0:
            return f"hace {-days} día{'s' * (days != -1)}"
        return f"en {days} días"

    def draft_label(self, days: int) -> str:
        return f"Borrador, {self.distance(days)}"

    def correction_label(self) -> str:
        return "Corrección"

    def withdrawn_label(self) -> str:
        return "Ya no se conmemora"

    def moved_notice(self, the_name: str, old: str, new: str, sent_on: str) -> str:
        return (
            f"Corrección: {the_name} se celebra el {new}, no el {old} como decían los "
            f"borradores enviados desde el {sent_on}. Los borradores para el {new} llegarán "
            "en su propio hilo."
        )

    def withdrawn_notice(self, the_name: str, old: str, sent_on: str) -> str:
        return (
            f"{_cap(the_name)} del {old}, para el que se enviaron borradores desde el "
            f"{sent_on}, ya no se conmemora: el registro lo retiró o el perfil ya no lo marca. "
            "No hace falta ninguna declaración y no llegarán más borradores."
        )

    def fill_in(self) -> str:
        return "Completar antes de publicar:"

    def name_not_in_language(self, name_en: str) -> str:
        return (
            f"ninguna fuente da el nombre oficial en español de «{name_en}»: "
            "se usa el nombre en inglés"
        )

    _FACTS: ClassVar[dict[str, str]] = {
        "name": "el nombre",
        "former name": "un nombre anterior",
        "first year": "el año de la primera celebración",
        "act": "el acto que la proclamó",
        "rule": "la regla de la fecha",
    }

    def unverified(self, facts: tuple[str, ...]) -> str:
        named = [self._FACTS.get(f, f) for f in dict.fromkeys(facts)]
        listed = ", ".join(named[:-1]) + (" y " if len(named) > 1 else "") + named[-1]
        return f"ninguna fuente primaria (ni dos secundarias independientes) confirma aún {listed}"

    def provisional(self, body: str) -> str:
        return (
            "fecha provisional, calculada a partir de la luna llena; confírmela cuando "
            f"se anuncie la fecha ({body})"
        )

    def year_of(self, k: int, n: int) -> str:
        return f"año {k} de {n}"

    def missing_name(self, name_en: str) -> str:
        return f"nombre oficial en español de «{name_en}»"

    def holder_of(self, title: str) -> str:
        return f"quien ocupa el cargo «{title}»"

    # --- feeds (issue 16): calendar names and event descriptions --------------------------------

    def feed_all(self) -> tuple[str, str]:
        return (
            "Observancias de la ONU",
            "Las observancias de las Naciones Unidas: días, semanas, años y decenios "
            "internacionales, con los actos que los proclamaron.",
        )

    def feed_theme(self, theme: str, about: str) -> tuple[str, str]:
        return (f"Observancias de la ONU: {theme.lower()}", f"Observancias sobre {about}.")

    def feed_marked(self, short_name: str) -> tuple[str, str]:
        return (
            f"Observancias que celebra {short_name}",
            f"Observancias que celebra {short_name}, con las fechas de envío de sus borradores.",
        )

    def feed_filtered(self, label: str, short_name: str | None) -> tuple[str, str]:
        if short_name:
            return (
                f"Observancias que celebra {short_name}: {label}",
                f"Observancias que celebra {short_name}, de {label}, con las fechas de envío "
                "de sus borradores.",
            )
        return (
            f"Observancias de la ONU: {label}",
            f"Observancias de las Naciones Unidas: {label}.",
        )

    def feed_configured(self, name: str) -> tuple[str, str]:
        return (f"Observancias de la ONU: {name}", f"Observancias del calendario {name}.")

    def feed_edition(self, n: int, kind: Kind) -> str:
        return f"Es la {n}.ª edición de {self.the_noun(kind)}."

    def feed_runs(self, start: dt.date, end: dt.date) -> str:
        return f"Del {self.long_date(start)} al {self.long_date(end)}."

    def feed_provisional(self, body: str) -> str:
        return f"Fecha provisional, calculada por la luna llena hasta que la {body} la anuncie."

    def feed_page(self, url: str) -> str:
        return f"Página de la ONU: {url}"

    def feed_heading(self, what: str) -> str:
        return {"dates": "Fechas", "former names": "Nombres anteriores", "sources": "Fuentes"}[
            what
        ] + ":"

    def feed_former_name(self, name: str, until: int, symbol: str) -> str:
        return f"{name} (hasta {until}; {symbol})"

    def feed_move(self, year: int, moved_from: dt.date, moved_to: dt.date, symbol: str) -> str:
        return (
            f"en {year}: trasladado del {self.long_date(moved_from)} al "
            f"{self.long_date(moved_to)} ({symbol})"
        )

    def feed_source(self, symbol: str, adopted: dt.date | None, url: str | None) -> str:
        when = f", aprobada el {self.long_date(adopted)}" if adopted else ""
        return f"{symbol}{when}" + (f": {url}" if url else "")

    def feed_unverified(self, facts: tuple[str, ...]) -> str:
        return f"Sin verificar: {self.unverified(facts)}."

    def feed_marks(self, name: str, programs: tuple[str, ...]) -> str:
        text = f"{name} celebra esta observancia."
        if programs:
            listed = ", ".join(programs[:-1]) + (" y " if len(programs) > 1 else "")
            text += f" Programas: {listed}{programs[-1]}."
        return text

    def feed_drafts(self, sends: tuple[tuple[dt.date, int], ...], at: str) -> str:
        items = [
            f"{self.long_date(day)} ({days} día{'' if days == 1 else 's'} antes)"
            for day, days in sends
        ]
        joined = "; ".join(items)
        return (
            f"Los borradores se envían el {joined}, a las {at}."
            if len(items) > 1
            else (f"El borrador se envía el {joined}, a las {at}.")
        )

"""Arabic. Dates, month and weekday names and digits from Babel (CLDR `ar`). Arabic verbs and
adjectives agree with the gender of their noun: sentences here always speak of the observance
as "هذه المناسبة" (this occasion, feminine) or through an impersonal passive ("يُحتفل بها"), so
that nothing agrees with a word chosen at run time; an edition is "للمرة الـ24" (for the 24th
time), which needs no ordinal word. Text is written right to left (see `words.direction`). To
be reviewed by an Arabic-speaking editor (docs/languages.md)."""

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
from observances.words.base import Noun, todo
from observances.words.cldr import CldrWording

LOCALE = "ar"
THE_OCCASION = "هذه المناسبة"
BY_THE_OCCASION = "بهذه المناسبة"  # the preposition joins the word: بـ + هذه

_NOUNS = {
    Kind.DAY: Noun("اليوم"),
    Kind.WEEK: Noun("الأسبوع"),
    Kind.MONTH: Noun("الشهر"),
    Kind.YEAR: Noun("السنة", feminine=True),
    Kind.DECADE: Noun("العقد"),
    Kind.PERIOD: Noun("الفترة", feminine=True),
}
# ordinals after "يوم" (masculine), which is always the noun they follow here
_NTH = {"first": "الأول", "second": "الثاني", "third": "الثالث", "fourth": "الرابع"}
_NTH_LAST = "الأخير"
_BODIES = {"General Assembly": "الجمعية العامة"}
"""Bodies whose Arabic name is known; any other makes the sentence name only the act."""


def quoted(text: str) -> str:
    return f"«{text}»"


class Arabic(CldrWording):
    language = "ar"
    locale = LOCALE

    # --- dates --------------------------------------------------------------------------------

    def dated(self, weekday: str, dates: str) -> str:
        return f"{weekday}، {dates}"

    # --- numbers and nouns --------------------------------------------------------------------

    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:
        """ "الـ24", read after "للمرة" (for the ... time), whatever the observance's kind."""
        return f"الـ{n}"

    def noun(self, kind: Kind) -> Noun:
        return _NOUNS[kind]

    def the_noun(self, kind: Kind) -> str:
        return THE_OCCASION

    def the_name(self, name: str, article: str | None = None) -> str:
        return name

    # --- rules and sources --------------------------------------------------------------------

    def _nth(self, rule: NthWeekday) -> str:
        month = get_month_names("wide", locale=LOCALE)[MONTHS.index(rule.month) + 1]
        day = get_day_names("wide", locale=LOCALE)[WEEKDAYS.index(rule.weekday)]
        nth = _NTH_LAST if rule.nth == "last" else _NTH[rule.nth]
        return f"يوم {day} {nth} من شهر {month}"

    def rule_label(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return self.month_day(day)
            case NthWeekday():
                return self._nth(rule)
            case AnyOf(any_of=rules):
                return " و".join(self.rule_label(r) for r in rules)
            case DayRange(start=start, end=end):
                return f"من {self.month_day(start)} إلى {self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"الأسبوع (من الاثنين إلى الأحد) الذي يشمل {self.month_day(day)}"
            case WholeYear():
                return "طوال العام"
            case WholeSpan():
                return "طوال الفترة"
            case Announced(announced=dates):
                return f"مواعيد تُعلن كل عام (المعروف منها: {len(dates)})"
            case FullMoon(full_moon=month, time_zone=zone):
                name = get_month_names("wide", locale=LOCALE)[MONTHS.index(month) + 1]
                return f"يوم اكتمال القمر في شهر {name} ({zone})، إلى حين الإعلان عنه"
            case _:
                assert_never(rule)

    def rule_phrase(self, rule: Rule) -> str:
        match rule:
            case FixedDate() | NthWeekday() | WeekContaining():
                return f"في {self.rule_label(rule)}"
            case AnyOf(any_of=rules):
                return " و".join(self.rule_phrase(r) for r in rules)
            case DayRange() | WholeYear() | WholeSpan():
                return self.rule_label(rule)
            case Announced():
                return "في موعد يُعلن كل عام"
            case FullMoon():
                return f"في {self.rule_label(rule)}"
            case _:
                assert_never(rule)

    def years_label(self, since: int, until: int | None) -> str:
        if until == since:
            return f"في عام {since}"
        return f"منذ عام {since}" if until is None else f"{since}-{until}"

    def every(self, years: int) -> str:
        if years == 1:
            return ""
        if years == 2:
            return "مرة كل سنتين"
        return f"مرة كل {years} سنوات" if years <= 10 else f"مرة كل {years} سنة"

    def source(self, citation: Citation) -> str:
        symbol = citation.symbol
        if "/RES/" in symbol:
            return f"القرار {symbol}"
        if symbol.startswith("decision "):
            return f"المقرر {symbol.removeprefix('decision ')}"
        return symbol

    # --- history sentences --------------------------------------------------------------------

    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        named = self.source(citation)
        adopted = f" المؤرخ {self.long_date(citation.adopted)}" if citation.adopted else ""
        the_body = _BODIES.get(body)
        if the_body is None:
            return f"الأساس: {named}{adopted}."
        return f"أنشأت {the_body} {THE_OCCASION} بموجب {named}{adopted}."

    def held_since(self, kind: Kind, span: DateSpan) -> str:
        if span.until == span.since:
            return f"في عام {span.since} احتُفل {BY_THE_OCCASION} {self.how(span)}."
        return f"يُحتفل {BY_THE_OCCASION} {self.how(span)} منذ عام {span.since}."

    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        cited = self.source(citation)
        now = f"ومنذ عام {span.since} يُحتفل بها {self.how(span)} ({cited})."
        if first is None:
            return now.removeprefix("و")
        return f"احتُفل {BY_THE_OCCASION} لأول مرة في {self.long_date(first)}. {now}"

    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation | None) -> str:
        cited = f" ({self.source(citation)})" if citation else ""
        if until == since:
            return f"في عام {since} احتُفل بها {self.how(span)}{cited}."
        return f"من عام {since} إلى عام {until} كان يُحتفل بها {self.how(span)}{cited}."

    def covers(self, kind: Kind, span: DateSpan) -> str:
        until = span.until if span.until is not None else span.since
        if until == span.since:
            return f"تشمل {THE_OCCASION} عام {until} بأكمله."
        if isinstance(span.rule, WholeSpan):
            return f"تمتد {THE_OCCASION} من عام {span.since} إلى عام {until}."
        return f"يُحتفل {BY_THE_OCCASION} كل عام من {span.since} إلى {until}."

    def renamed(self, former: str, until: int, citation: Citation) -> str:
        # no source gives a former name in Arabic: ask, never translate
        name = todo(self.missing_name(former))
        return f"كان اسمها حتى عام {until}: {name} ({self.source(citation)})."

    def present_name_since(self, year: int) -> str:
        return f"تحمل اسمها الحالي منذ عام {year}."

    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        to, day = self.month_day(moved_to), self.month_day(instead)
        return f"في عام {year} احتُفل بها في {to} بدلاً من {day} ({self.source(citation)})."

    # --- requests -----------------------------------------------------------------------------

    def check_facts(self, reason: str | None) -> str:
        ask = f"التحقق من معلومات {THE_OCCASION} قبل النشر"
        return f"{ask}: {quoted(reason)}" if reason else ask

    def confirm_first_year(self, year: int) -> str:
        return f"تأكيد سنة الاحتفال الأول ({year}) قبل ذكر عدد مرات الاحتفال"

    _FACTS: ClassVar[dict[str, str]] = {
        "name": "الاسم",
        "former name": "اسم سابق",
        "first year": "سنة الاحتفال الأول",
        "act": "صك الإعلان",
        "rule": "قاعدة تحديد التاريخ",
    }

    def unverified(self, facts: tuple[str, ...]) -> str:
        listed = "، ".join(self._FACTS.get(f, f) for f in dict.fromkeys(facts))
        return f"لم يؤكد أي مصدر أولي (ولا مصدران ثانويان مستقلان) بعد ما يلي: {listed}"

    def provisional(self, body: str) -> str:
        return f"تاريخ مؤقت محسوب على أساس اكتمال القمر، يُؤكَّد عند الإعلان عنه ({body})"

    def year_of(self, k: int, n: int) -> str:
        return f"السنة {k} من {n}"

    def missing_name(self, name_en: str) -> str:
        return f"الاسم الرسمي بالعربية لـ{quoted(name_en)}"

    def holder_of(self, title: str) -> str:
        return f"شاغل منصب {quoted(title)}"

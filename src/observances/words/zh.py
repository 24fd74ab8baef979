"""Chinese (simplified). Dates, month and weekday names from Babel (CLDR `zh`): "2027年9月12日".
Chinese does not inflect; an edition is "第24个" (the 24th), as Chinese writes the count of
a recurring day. Sentences have no spaces between words. To be reviewed by a Chinese-speaking
editor (docs/languages.md)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, assert_never

from babel.dates import get_day_names

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

LOCALE = "zh"

_NOUNS = {
    Kind.DAY: Noun("日"),
    Kind.WEEK: Noun("周"),
    Kind.MONTH: Noun("月"),
    Kind.YEAR: Noun("年"),
    Kind.DECADE: Noun("十年"),
    Kind.PERIOD: Noun("期间"),
}
_NTH = {"first": "第一个", "second": "第二个", "third": "第三个", "fourth": "第四个"}
_BODIES = {"General Assembly": "大会"}
"""Bodies whose Chinese name is known; any other makes the sentence name only the act."""


def quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


class Chinese(CldrWording):
    language = "zh"
    locale = LOCALE

    # --- dates --------------------------------------------------------------------------------

    def dated(self, weekday: str, dates: str) -> str:
        return f"{dates}{weekday}"

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """ "2027年2月1日至7日", "2027年10月28日至11月3日"."""
        if start == end:
            return self.long_date(start)
        if start.year != end.year:
            return f"{self.long_date(start)}至{self.long_date(end)}"
        if start.month == end.month:
            return f"{self.long_date(start)}至{end.day}日"
        return f"{self.long_date(start)}至{self.month_day(end)}"

    # --- numbers and nouns --------------------------------------------------------------------

    def ordinal(self, n: int, kind: Kind = Kind.DAY) -> str:
        return f"第{n}个"

    def noun(self, kind: Kind) -> Noun:
        return _NOUNS[kind]

    def the_noun(self, kind: Kind) -> str:
        return f"该{_NOUNS[kind].word}"

    def the_name(self, name: str, article: str | None = None) -> str:
        return name

    # --- rules and sources --------------------------------------------------------------------

    def _nth(self, rule: NthWeekday) -> str:
        day = get_day_names("wide", locale=LOCALE)[WEEKDAYS.index(rule.weekday)]
        nth = "最后一个" if rule.nth == "last" else _NTH[rule.nth]
        return f"{MONTHS.index(rule.month) + 1}月的{nth}{day}"

    def rule_label(self, rule: Rule) -> str:
        match rule:
            case FixedDate(date=day):
                return self.month_day(day)
            case NthWeekday():
                return self._nth(rule)
            case AnyOf(any_of=rules):
                return "和".join(self.rule_label(r) for r in rules)
            case DayRange(start=start, end=end):
                if start.month == end.month:
                    return f"{self.month_day(start)}至{end.day}日"
                return f"{self.month_day(start)}至{self.month_day(end)}"
            case WeekContaining(week_containing=day):
                return f"包含{self.month_day(day)}的那一周（周一至周日）"
            case WholeYear():
                return "全年"
            case WholeSpan():
                return "整个期间"
            case Announced(announced=dates):
                return f"每年公布的日期（已知{len(dates)}个）"
            case FullMoon(full_moon=month, time_zone=zone):
                return f"{MONTHS.index(month) + 1}月满月之日（{zone}），以正式公布为准"
            case _:
                assert_never(rule)

    def rule_phrase(self, rule: Rule) -> str:
        match rule:
            case WholeYear() | WholeSpan():
                return self.rule_label(rule)
            case _:
                return f"于{self.rule_label(rule)}"

    def how(self, span: DateSpan) -> str:
        return self.rule_phrase(span.rule) + self.every(span.every)

    def years_label(self, since: int, until: int | None) -> str:
        if until == since:
            return f"{since}年"
        return f"自{since}年起" if until is None else f"{since}-{until}年"

    def every(self, years: int) -> str:
        return "" if years == 1 else f"（每{years}年一次）"

    def source(self, citation: Citation) -> str:
        symbol = citation.symbol
        if "/RES/" in symbol:
            return f"决议{symbol}"
        if symbol.startswith("decision "):
            return f"第{symbol.removeprefix('decision ')}号决定"
        return symbol

    # --- history sentences --------------------------------------------------------------------

    def established(self, body: str, kind: Kind, citation: Citation) -> str:
        named = self.source(citation)
        adopted = f"（{self.long_date(citation.adopted)}）" if citation.adopted else ""
        thing = self.the_noun(kind)
        the_body = _BODIES.get(body)
        if the_body is None:
            return f"{thing}依据{named}{adopted}设立。"
        return f"{the_body}通过{named}{adopted}设立{thing}。"

    def held_since(self, kind: Kind, span: DateSpan) -> str:
        if span.until == span.since:
            return f"{span.since}年，{self.the_noun(kind)}{self.how(span)}举行。"
        return f"自{span.since}年起，{self.the_noun(kind)}{self.how(span)}举行。"

    def held_now(
        self, kind: Kind, span: DateSpan, first: dt.date | None, citation: Citation
    ) -> str:
        thing, cited = self.the_noun(kind), self.source(citation)
        now = f"自{span.since}年起，{thing}{self.how(span)}举行（{cited}）。"
        if first is None:
            return now
        return f"{thing}首次于{self.long_date(first)}举行。{now}"

    def held_before(self, since: int, until: int, span: DateSpan, citation: Citation | None) -> str:
        years = f"{since}年" if until == since else f"{since}年至{until}年间"
        cited = f"（{self.source(citation)}）" if citation else ""
        return f"{years}，{self.how(span)}举行{cited}。"

    def covers(self, kind: Kind, span: DateSpan) -> str:
        thing = self.the_noun(kind)
        until = span.until if span.until is not None else span.since
        if until == span.since:
            return f"{thing}涵盖{until}年全年。"
        if isinstance(span.rule, WholeSpan):
            return f"{thing}从{span.since}年延续至{until}年。"
        return f"{span.since}年至{until}年，{thing}每年举行。"

    def renamed(self, former: str, until: int, citation: Citation) -> str:
        # no source gives a former name in Chinese: ask, never translate
        name = todo(self.missing_name(former))
        return f"{until}年以前的名称为{name}（{self.source(citation)}）。"

    def present_name_since(self, year: int) -> str:
        return f"自{year}年起使用现名。"

    def moved(self, year: int, moved_to: dt.date, instead: dt.date, citation: Citation) -> str:
        to, day = self.month_day(moved_to), self.month_day(instead)
        return f"{year}年改于{to}举行，而非{day}（{self.source(citation)}）。"

    # --- requests -----------------------------------------------------------------------------

    def check_facts(self, reason: str | None) -> str:
        ask = "发布前请核实本纪念活动的信息"
        return f"{ask}：{quoted(reason)}" if reason else ask

    def confirm_first_year(self, year: int) -> str:
        return f"引用届数之前，请确认首次举办的年份（{year}年）"

    _FACTS: ClassVar[dict[str, str]] = {
        "name": "名称",
        "former name": "曾用名",
        "first year": "首次举办年份",
        "act": "宣布该纪念活动的文件",
        "rule": "日期规则",
    }

    def unverified(self, facts: tuple[str, ...]) -> str:
        listed = "、".join(self._FACTS.get(f, f) for f in dict.fromkeys(facts))
        return f"尚无主要来源（或两个独立的次要来源）证实：{listed}"

    def provisional(self, body: str) -> str:
        return f"暂定日期，根据满月推算；正式公布后请确认（{body}）"

    def year_of(self, k: int, n: int) -> str:
        return f"第{k}年（共{n}年）"

    def missing_name(self, name_en: str) -> str:
        return f"{quoted(name_en)}的官方中文名称"

    def holder_of(self, title: str) -> str:
        return f"{quoted(title)}职位的担任者"

"""Occurrences to iCalendar bytes (RFC 5545, with RFC 7986 calendar properties). Pure.

Calendar apps subscribe to these bytes and forgive little (see docs/feeds.md), so:
- one VEVENT per occurrence, all-day: `DTSTART;VALUE=DATE` and an exclusive `DTEND;VALUE=DATE`;
  no RRULE or RDATE, because a resolution can change a rule and clients disagree on both;
- a UID per observance and occurrence year, so a moved date updates the event in place;
- DTSTAMP, LAST-MODIFIED and SEQUENCE come from registry dates, never the clock, so that an
  unchanged registry gives byte-identical output.

Speed (bench/feed_build.py): most of the build time is the library folding lines, which it
does character by character, so the cost follows the bytes written; the long part of each
event is DESCRIPTION. Property objects are built directly with their types (`vDate`, `vText`,
...) and those shared by an observance's events are built once; on icalendar 7.3 that saves
little over `Component.add`, but it costs nothing. `to_ical` runs once for the whole calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event
from icalendar.prop import vCategory, vDate, vDatetime, vDuration, vInt, vText, vUri

from observances.calendar import localized
from observances.occurrences import Occurrence
from observances.registry.models import Observance
from observances.registry.sources import shown
from observances.words import DASH, for_language

PRODID = "-//observances//United Nations observances feed//EN"
UID_DOMAIN = "observances"
LONG_SPAN_DAYS = 31
"""An occurrence longer than this (an international year, a decade) is shown on its first day
only: a year-long all-day bar would sit on every day of every month view."""

_DATE = {"VALUE": "DATE"}
_WORDS = for_language("en")  # feeds are in English


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """What the calendar says about itself: its name in the app and refresh hints."""

    title: str
    description: str
    refresh: dt.timedelta = dt.timedelta(days=1)
    alarm_days: tuple[int, ...] = ()
    """Reminders this many days before each event; none by default."""


def revised(obs: Observance, revision: dt.date) -> dt.date:
    """The date the observance's entry last changed: its own `revised`, else the registry's."""
    return obs.revised or revision


def sequence(day: dt.date) -> int:
    """SEQUENCE for an entry revised on `day`: YYYYMMDD, so a later revision is a higher number
    (RFC 5545 only asks that it rise) and a reader can see the date behind it."""
    return day.year * 10_000 + day.month * 100 + day.day


def uid(occ: Occurrence) -> str:
    """`<id>-<year>@observances`; the n-th (n >= 2) occurrence in one year gets `-<n>` after the
    year. The year, not the date, so that a date moved by a resolution keeps its UID and the
    client updates the event instead of showing it twice. The position counts the year's
    occurrences in the registry, not in the feed's window, so a window never changes a UID."""
    base = f"{occ.id}-{occ.year}"
    falls = occ.observance.days(occ.year)
    if len(falls) > 1:
        n = 1 + sorted(f.start for f in falls).index(occ.start)
        if n > 1:
            base = f"{base}-{n}"
    return f"{base}@{UID_DOMAIN}"


def shown_end(occ: Occurrence) -> dt.date:
    """The exclusive DTEND: the day after the last day, or after the first day of a long span."""
    if occ.part is not None or (occ.end - occ.start).days + 1 > LONG_SPAN_DAYS:
        return occ.start + dt.timedelta(days=1)
    return occ.end + dt.timedelta(days=1)


def history(obs: Observance) -> str:
    """The part of DESCRIPTION that is the same every year: dates over time, names, sources."""
    lines = [f"Proclaimed by: {obs.body}." if obs.body else ""]
    lines.append("Dates:")
    lines.extend(f"- {_WORDS.span_label(span)} ({span.cite})" for span in obs.dates)
    lines.extend(
        f"- in {m.date.year}: moved from {_WORDS.long_date(m.date)} to "
        f"{_WORDS.long_date(m.moved_to)} ({m.cite})"
        for m in obs.moves
    )
    if obs.former_names:
        lines.append("Former names:")
        lines.extend(f"- {f.name} (until {f.until}; {f.cite})" for f in obs.former_names)
    lines.append("Sources:")
    for c in obs.citations:
        adopted = f", adopted {_WORDS.long_date(c.adopted)}" if c.adopted else ""
        # a feed never cites a dataset (a data file or an app): primary and secondary only
        url = next(iter(shown((c.url,) if c.url else ())), None)
        lines.append(f"- {c.symbol}{adopted}" + (f": {url}" if url else ""))
    if not obs.verified:
        open_facts = tuple(f.kind.value for f in obs.facts if not f.verified)
        what = [_WORDS.unverified(open_facts)] if open_facts else []
        lines.append(
            "Unverified: " + "; ".join([*what, *filter(None, [obs.check])]).rstrip(".") + "."
        )
    return "\n".join(line for line in lines if line)


def summary(occ: Occurrence) -> str:
    """The event's title: the name, and for a year of a decade which year it is."""
    if occ.part is None:
        return occ.name
    span = occ.span
    return f"{occ.name} ({span.since}{DASH}{span.until}), {_WORDS.year_of(*occ.part)}"


def description(occ: Occurrence, history_text: str) -> str:
    # SUMMARY has the name already: every byte here is folded, in every event of every feed
    head: list[str] = []
    if occ.edition and occ.edition_confirmed:
        # an edition is printed only when the first year is stated or follows from an adoption
        head.append(f"The {_WORDS.ordinal(occ.edition)} observance.")
    if occ.part is not None and occ.span.until is not None:
        first, last = dt.date(occ.span.since, 1, 1), dt.date(occ.span.until, 12, 31)
        head.append(f"From {_WORDS.long_date(first)} to {_WORDS.long_date(last)}.")
    elif occ.start != occ.end:
        head.append(f"From {_WORDS.long_date(occ.start)} to {_WORDS.long_date(occ.end)}.")
        if shown_end(occ) != occ.end + dt.timedelta(days=1):
            head.append("The calendar shows it on its first day only.")
    if occ.provisional:
        head.append(_WORDS.provisional(occ.observance.body).capitalize() + ".")
    head.append(f"This year's date: {occ.citation.symbol}.")
    if occ.observance.url:
        # Google Calendar and Outlook show DESCRIPTION but not URL
        head.append(f"Page: {occ.observance.url}")
    return "\n".join(head) + "\n\n" + history_text


def _midnight(day: dt.date) -> vDatetime:
    return vDatetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


@dataclass(slots=True)
class _Shared:
    """Property objects that every event of one observance carries unchanged."""

    history: str
    modified: vDatetime
    sequence: vInt
    url: vUri | None
    categories: vCategory | None


def _shared(obs: Observance, revision: dt.date) -> _Shared:
    modified = revised(obs, revision)
    url = obs.url
    return _Shared(
        history=history(obs),
        modified=_midnight(modified),
        sequence=vInt(sequence(modified)),
        url=vUri(url) if url else None,
        categories=vCategory(list(obs.tags)) if obs.tags else None,
    )


def calendar(
    occurrences: Iterable[Occurrence], info: CalendarInfo, revision: dt.date, language: str = "en"
) -> Calendar:
    """The calendar as icalendar objects; `build` serializes it. In another `language` than
    English, titles and descriptions come from `localized` and carry a LANGUAGE parameter."""
    words = None if language == "en" else for_language(language)
    cal = Calendar()
    cal["PRODID"] = vText(PRODID)
    cal["VERSION"] = vText("2.0")
    cal["CALSCALE"] = vText("GREGORIAN")
    cal["METHOD"] = vText("PUBLISH")
    cal["NAME"] = vText(info.title)
    cal["X-WR-CALNAME"] = vText(info.title)
    cal["DESCRIPTION"] = vText(info.description)
    cal["X-WR-CALDESC"] = vText(info.description)
    cal["LAST-MODIFIED"] = _midnight(revision)
    # RFC 7986's hint, and Microsoft's older one that Outlook reads; both are only hints
    cal["REFRESH-INTERVAL"] = vDuration(info.refresh, params={"VALUE": "DURATION"})
    cal["X-PUBLISHED-TTL"] = vDuration(info.refresh)

    stamp = _midnight(revision)
    transparent = vText("TRANSPARENT")
    shared: dict[str, _Shared] = {}
    for occ in occurrences:
        obs = occ.observance
        common = shared.get(obs.id)
        if common is None:
            common = shared[obs.id] = _shared(obs, revision)
        event = Event()
        event["UID"] = vText(uid(occ))
        event["DTSTAMP"] = stamp
        event["DTSTART"] = vDate(occ.start, params=_DATE)
        event["DTEND"] = vDate(shown_end(occ), params=_DATE)
        if words is None:
            event["SUMMARY"] = vText(summary(occ))
            event["DESCRIPTION"] = vText(description(occ, common.history))
        else:
            title, title_language = localized.summary(occ, words)
            event["SUMMARY"] = vText(title, params={"LANGUAGE": title_language})
            text = localized.description(occ, words)
            event["DESCRIPTION"] = vText(text, params={"LANGUAGE": language})
        event["SEQUENCE"] = common.sequence
        event["LAST-MODIFIED"] = common.modified
        event["TRANSP"] = transparent
        if common.url is not None:
            event["URL"] = common.url
        if common.categories is not None:
            event["CATEGORIES"] = common.categories
        for days in info.alarm_days:
            event.add_component(_alarm(occ.name, days))
        cal.add_component(event)
    return cal


def _alarm(summary: str, days: int) -> Alarm:
    alarm = Alarm()
    alarm["ACTION"] = vText("DISPLAY")
    alarm["DESCRIPTION"] = vText(summary)
    alarm["TRIGGER"] = vDuration(-dt.timedelta(days=days))
    return alarm


def build(
    occurrences: Sequence[Occurrence], info: CalendarInfo, revision: dt.date, language: str = "en"
) -> bytes:
    """The feed's bytes: CRLF line ends, lines folded at 75 octets, by the icalendar library.
    Same occurrences, info, revision and language in, same bytes out."""
    return bytes(calendar(occurrences, info, revision, language).to_ical())

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
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from icalendar import Alarm, Calendar, Event
from icalendar.prop import vCategory, vDate, vDatetime, vDuration, vInt, vText, vUri

from observances.calendar import localized
from observances.calendar.stamps import Stamper, registry_dates
from observances.occurrences import Occurrence
from observances.registry.models import Kind, Observance
from observances.registry.sources import shown
from observances.words import DASH, Wording, for_language

PRODID = "-//observances//United Nations observances feed//EN"
UID_DOMAIN = "observances"
LONG_SPAN_DAYS = 31
"""An occurrence longer than this (an international year, a decade) is shown on its first day
only: a year-long all-day bar would sit on every day of every month view."""

_DATE = {"VALUE": "DATE"}
_ONCE = (Kind.YEAR, Kind.DECADE, Kind.PERIOD)
"""Kinds held as one span: "the 1st observance" of a year-long or decade-long one says nothing."""
_WORDS = for_language("en")  # the default; a feed in another language passes its Wording


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """What the calendar says about itself (its name in the app, refresh hints) and how its
    events are worded."""

    title: str
    description: str
    refresh: dt.timedelta = dt.timedelta(days=1)
    alarm_days: tuple[int, ...] = ()
    """Reminders this many days before each event; none by default."""
    words: Wording = _WORDS
    themes: Mapping[str, str] = field(default_factory=dict)
    """Tag -> theme name for CATEGORIES ("Human rights"); a tag not here is shown as is."""
    notes: Callable[[Occurrence], str] | None = None
    """What the organization adds to an event (the `marked` feed: programs, draft dates)."""


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


def history(obs: Observance, words: Wording = _WORDS) -> str:
    """The part of DESCRIPTION that is the same every year: dates over time, former names,
    sources (primary and secondary only: a feed never cites a dataset), what is unverified."""
    lines = [words.feed_heading("dates")]
    lines.extend(f"- {words.span_label(span)} ({span.cite})" for span in obs.dates)
    lines.extend(f"- {words.feed_move(m.date.year, m.date, m.moved_to, m.cite)}" for m in obs.moves)
    if obs.former_names:
        lines.append(words.feed_heading("former names"))
        lines.extend(
            f"- {words.feed_former_name(f.name, f.until, f.cite)}" for f in obs.former_names
        )
    lines.append(words.feed_heading("sources"))
    for c in obs.citations:
        url = next(iter(shown((c.url,) if c.url else ())), None)
        lines.append(f"- {words.feed_source(c.symbol, c.adopted, url)}")
    open_facts = tuple(f.kind.value for f in obs.facts if not f.verified)
    if open_facts:
        # what a subscriber should not quote yet; the registry's `check` note is for the team
        lines.append(words.feed_unverified(open_facts))
    return "\n".join(lines)


def summary(occ: Occurrence, words: Wording = _WORDS) -> str:
    """The event's title: the name, and for a year of a decade which year it is."""
    if occ.part is None:
        return occ.name
    span = occ.span
    return f"{occ.name} ({span.since}{DASH}{span.until}), {words.year_of(*occ.part)}"


def description(
    occ: Occurrence, history_text: str, words: Wording = _WORDS, notes: str = ""
) -> str:
    """What a person reads, in one order: what the observance is (who proclaimed it, when,
    by which act), its edition when confirmed, its dates when more than one day, the UN page;
    then `notes` (the organization's, in the `marked` feed); then the history and sources.
    SUMMARY has the name already: every byte here is folded, in every event of every feed."""
    obs = occ.observance
    head = [words.established(obs.body, obs.kind, obs.citation(obs.dates[0].cite))]
    if occ.edition and occ.edition_confirmed and obs.kind not in _ONCE:
        # an edition is printed only when the first year is stated or follows from an adoption
        head.append(words.feed_edition(occ.edition, obs.kind))
    if occ.part is not None and occ.span.until is not None:
        head.append(words.feed_runs(dt.date(occ.span.since, 1, 1), dt.date(occ.span.until, 12, 31)))
    elif occ.start != occ.end:
        head.append(words.feed_runs(occ.start, occ.end))
    if occ.provisional:
        head.append(words.feed_provisional(obs.body))
    if obs.url:
        # Google Calendar and Outlook show DESCRIPTION but not URL
        head.append(words.feed_page(obs.url))
    parts = ["\n".join(head), notes, history_text]
    return "\n\n".join(part for part in parts if part)


def _midnight(day: dt.date) -> vDatetime:
    return vDatetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


@dataclass(slots=True)
class _Shared:
    """Property objects that every event of one observance carries unchanged."""

    history: str
    when: dt.datetime
    modified: vDatetime
    sequence_number: int
    sequence: vInt
    url: vUri | None
    categories: vCategory | None


def _shared(obs: Observance, revision: dt.date, info: CalendarInfo) -> _Shared:
    modified = revised(obs, revision)
    url = obs.url
    when = dt.datetime(modified.year, modified.month, modified.day, tzinfo=dt.UTC)
    return _Shared(
        history=history(obs, info.words),
        when=when,
        modified=vDatetime(when),
        sequence_number=sequence(modified),
        sequence=vInt(sequence(modified)),
        url=vUri(url) if url else None,
        categories=(
            vCategory([info.themes.get(tag, tag) for tag in obs.tags]) if obs.tags else None
        ),
    )


def digest(*parts: str) -> str:
    """A digest of what a person sees in an event: what decides whether it changed."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def calendar(
    occurrences: Iterable[Occurrence],
    info: CalendarInfo,
    revision: dt.date,
    language: str = "en",
    stamper: Stamper = registry_dates,
) -> Calendar:
    """The calendar as icalendar objects; `build` serializes it. In another `language` than
    English, titles and descriptions come from `localized` and carry a LANGUAGE parameter.
    `stamper` gives each event's SEQUENCE and LAST-MODIFIED (and DTSTAMP, the same instant)
    from its content digest."""
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

    transparent = vText("TRANSPARENT")
    shared: dict[str, _Shared] = {}
    for occ in occurrences:
        obs = occ.observance
        common = shared.get(obs.id)
        if common is None:
            common = shared[obs.id] = _shared(obs, revision, info)
        event = Event()
        event_uid = uid(occ)
        title, text, params, text_params = _words(occ, common, info, words)
        end = shown_end(occ)
        seen = digest(
            title,
            text,
            occ.start.isoformat(),
            end.isoformat(),
            str(common.url),
            str(common.categories and common.categories.to_ical()),
            ",".join(map(str, info.alarm_days)),
        )
        sequence_, modified = stamper(event_uid, seen, common.sequence_number, common.when)
        event["UID"] = vText(event_uid)
        # DTSTAMP follows the event: with METHOD:PUBLISH it says when this version was made,
        # so a registry revision that leaves the event alone leaves its bytes alone
        event["DTSTAMP"] = common.modified if modified == common.when else vDatetime(modified)
        event["DTSTART"] = vDate(occ.start, params=_DATE)
        event["DTEND"] = vDate(end, params=_DATE)
        event["SUMMARY"] = vText(title, params=params)
        event["DESCRIPTION"] = vText(text, params=text_params)
        if modified == common.when and sequence_ == common.sequence_number:
            event["SEQUENCE"] = common.sequence
            event["LAST-MODIFIED"] = common.modified
        else:
            event["SEQUENCE"] = vInt(sequence_)
            event["LAST-MODIFIED"] = vDatetime(modified)
        event["TRANSP"] = transparent
        if common.url is not None:
            event["URL"] = common.url
        if common.categories is not None:
            event["CATEGORIES"] = common.categories
        for days in info.alarm_days:
            event.add_component(_alarm(occ.name, days))
        cal.add_component(event)
    return cal


def _words(
    occ: Occurrence, common: _Shared, info: CalendarInfo, words: Wording | None
) -> tuple[str, str, dict[str, str] | None, dict[str, str] | None]:
    """An event's title and description, and their LANGUAGE parameters (none in English)."""
    if words is None:
        notes = info.notes(occ) if info.notes is not None else ""
        return (
            summary(occ, info.words),
            description(occ, common.history, info.words, notes),
            None,
            None,
        )
    title, title_language = localized.summary(occ, words)
    text = localized.description(occ, words)
    return title, text, {"LANGUAGE": title_language}, {"LANGUAGE": words.language}


def _alarm(summary: str, days: int) -> Alarm:
    alarm = Alarm()
    alarm["ACTION"] = vText("DISPLAY")
    alarm["DESCRIPTION"] = vText(summary)
    alarm["TRIGGER"] = vDuration(-dt.timedelta(days=days))
    return alarm


def build(
    occurrences: Sequence[Occurrence],
    info: CalendarInfo,
    revision: dt.date,
    language: str = "en",
    stamper: Stamper = registry_dates,
) -> bytes:
    """The feed's bytes: CRLF line ends, lines folded at 75 octets, by the icalendar library.
    Same occurrences, info, revision, language and stamps in, same bytes out."""
    return bytes(calendar(occurrences, info, revision, language, stamper).to_ical())

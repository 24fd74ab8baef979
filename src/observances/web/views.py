"""What the public pages show, as plain values: feeds with their subscribe links, the next days,
one observance's facts, and the data files. Pure: the loaded registry, profile and feed set,
and `today`, in; no request, no clock, no settings.

Facts are worded through `words/` (dates, rules, sources), so a page says a date the way the
CLI and the drafts do; each fact shows its status and its sources with their class
(`registry/facts.py`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from functools import cache
from typing import assert_never
from urllib.parse import quote

from babel import Locale

from observances.calendar.feedset import Feed
from observances.occurrences import Occurrence, next_occurrence, occurrences
from observances.profile import Profile
from observances.registry.facts import Fact, FactKind
from observances.registry.models import Citation, Observance, Registry
from observances.words import LANGUAGES, for_language

UPCOMING_DAYS = 60
NEXT_DATES = 5
# the longest observance a registry holds is a decade: one that started up to this many days
# ago may still be in progress
IN_PROGRESS_LOOKBACK_DAYS = 11 * 366
LONG_KINDS = ("year", "decade")
_WORDS = for_language("en")


# --- feeds ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubscribeLinks:
    """The links that subscribe each calendar client to a feed (docs/desk.md says why these):
    Google takes the webcal URL in `cid`, Outlook the https URL in `url`, Apple webcal."""

    https: str
    webcal: str
    google: str
    outlook: str


def subscribe_links(base: str, name: str) -> SubscribeLinks:
    """Links for the feed `name` under `base` (an http or https URL without trailing slash)."""
    https = f"{base}/feeds/{name}.ics"
    webcal = "webcal://" + https.split("://", 1)[-1]
    return SubscribeLinks(
        https=https,
        webcal=webcal,
        google="https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        outlook="https://outlook.office.com/calendar/0/addfromweb?url=" + quote(https, safe=""),
    )


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """The feed with names and descriptions in another UN language, labelled in that
    language (Babel's name for it)."""

    language: str
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class FeedView:
    name: str
    title: str
    description: str
    links: SubscribeLinks
    languages: list[LanguageLink]


def language_links(base: str, name: str) -> list[LanguageLink]:
    return [
        LanguageLink(lang, _language_name(lang), f"{base}/feeds/{name}.{lang}.ics")
        for lang in LANGUAGES
        if lang != "en"
    ]


@cache
def _language_name(language: str) -> str:
    return Locale.parse(language).display_name or language


def feed_title(feed: Feed, registry: Registry) -> str:
    """A title a person reads: a tag's feed is named by what the tag is about ("Genocide,
    crimes against humanity, and the memory of their victims"), not by its slug."""
    if feed.tags == (feed.name,) and feed.name in registry.tags and feed.title.endswith(feed.name):
        about = registry.tags[feed.name]
        return about[:1].upper() + about[1:]
    return feed.title


def feed_views(feeds: dict[str, Feed], registry: Registry, base: str) -> list[FeedView]:
    found = []
    for name, feed in feeds.items():
        if feed.private:  # a private feed's URL is given out with its token, never listed
            continue
        title = feed_title(feed, registry)
        # a tag's description says its title again ("Observances about <title>"): not twice
        repeated = title.casefold().rstrip(".") in feed.description.casefold()
        description = "" if repeated else feed.description
        links = subscribe_links(base, name)
        found.append(FeedView(name, title, description, links, language_links(base, name)))
    return found


# --- the next days ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the index's table."""

    id: str
    name: str
    dates: str
    start: dt.date
    end: dt.date
    kind: str
    tags: tuple[str, ...]
    marked: bool
    in_progress: bool
    verified: bool
    provisional: bool = False

    @property
    def long_running(self) -> bool:
        """A year or a decade under way: listed apart, after the days ahead."""
        return self.in_progress and self.kind in LONG_KINDS


def _row(occ: Occurrence, profile: Profile, today: dt.date) -> Row:
    obs = occ.observance
    return Row(
        id=obs.id,
        name=occ.name,
        dates=_WORDS.short_range(occ.start, occ.end),
        start=occ.start,
        end=occ.end,
        kind=obs.kind.value,
        tags=obs.tags,
        marked=profile.marks_observance(obs),
        in_progress=occ.start < today <= occ.end,
        verified=obs.verified,
        provisional=occ.provisional,
    )


def upcoming(
    registry: Registry, profile: Profile, today: dt.date, days: int = UPCOMING_DAYS
) -> list[Row]:
    """What is in progress today (started earlier, not over), then what starts in the next
    `days` days, by start date."""
    last = today + dt.timedelta(days=days - 1)
    # only observances that can last more than a day may be in progress
    long_ones = [obs for obs in registry.observances if obs.kind.value != "day"]
    lookback = today - dt.timedelta(days=IN_PROGRESS_LOOKBACK_DAYS)
    yesterday = today - dt.timedelta(days=1)
    ongoing = [occ for occ in occurrences(long_ones, lookback, yesterday) if occ.end >= today]
    coming = occurrences(registry.observances, today, last)
    # a week or a month under way leads the list; the years and decades under way, which
    # change little from day to day, come after the days ahead
    short = [occ for occ in ongoing if occ.kind.value not in LONG_KINDS]
    long = [occ for occ in ongoing if occ.kind.value in LONG_KINDS]
    return [_row(occ, profile, today) for occ in (*short, *coming, *long)]


def matches(row: Row, query: str, theme: str, marked_only: bool) -> bool:
    """The index's filters, the same on the server (no script) and in the page's script."""
    if marked_only and not row.marked:
        return False
    if theme and theme not in row.tags:
        return False
    return not query or query.casefold() in row.name.casefold()


# --- one observance -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceView:
    url: str
    cls: str  # primary, secondary or dataset (registry/sources.py)


@dataclass(frozen=True, slots=True)
class FactView:
    """One fact of the entry (a name, the first year, an act, a rule), its status and
    sources: an unconfirmed fact says so on the page."""

    label: str
    verified: bool
    sources: list[SourceView]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """A name or a rule over a run of years, the act that set it, and whether that is
    confirmed by a source."""

    years: str
    text: str
    source: str
    verified: bool = True


@dataclass(frozen=True, slots=True)
class ActView:
    symbol: str
    label: str
    url: str | None
    adopted: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ObservanceView:
    id: str
    name: str
    short_name: str | None
    kind: str
    body: str
    verified: bool
    check: str | None
    marked: bool
    url: str | None
    themes: list[tuple[str, str]]
    names: list[HistoryLine]
    dates: list[HistoryLine]
    moves: list[str]
    translations: list[tuple[str, str, str]]
    acts: list[ActView]
    facts: list[FactView]
    next_dates: list[str]
    first_year_note: str | None
    notes: str | None
    unconfirmed: list[str] = field(default_factory=list)


def act_view(citation: Citation) -> ActView:
    return ActView(
        symbol=citation.symbol,
        label=_WORDS.source(citation),
        url=citation.url,
        adopted=_WORDS.long_date(citation.adopted) if citation.adopted else None,
        note=citation.note,
    )


def _fact_label(obs: Observance, fact: Fact) -> str:
    match fact.kind:
        case FactKind.NAME:
            return f"Name: {obs.name}"
        case FactKind.FORMER_NAME:
            return f"Former name: {obs.former_names[fact.index].name}"
        case FactKind.FIRST_YEAR:
            return f"First year: {obs.since} ({obs.first_year.basis.replace('_', ' ')})"
        case FactKind.ACT:
            return f"Act: {_WORDS.source(obs.citations[fact.index])}"
        case FactKind.RULE:
            span = obs.dates[fact.index]
            return f"Date, {_WORDS.years_label(span.since, span.until)}: {_WORDS.how(span)}"
    assert_never(fact.kind)


def _verified(obs: Observance, kind: FactKind, index: int) -> bool:
    return all(f.verified for f in obs.facts if f.kind is kind and f.index == index)


FIRST_YEAR_NOTES = {
    "at_least": "Held since {since} at least: earlier years are not known.",
    "unknown": "No source gives the first year ({since} is a placeholder); no edition number "
    "is computed.",
}


def observance_view(
    obs: Observance, profile: Profile, today: dt.date, tags: dict[str, str] | None = None
) -> ObservanceView:
    """The page's facts; `tags` (the registry's) names each theme by what it is about."""
    names: list[HistoryLine] = []
    start = obs.since
    for i, former in enumerate(obs.former_names):
        verified = _verified(obs, FactKind.FORMER_NAME, i)
        years = _WORDS.years_label(start, former.until)
        names.append(HistoryLine(years, former.name, former.cite, verified))
        start = former.until + 1
    current = _verified(obs, FactKind.NAME, 0)
    names.append(HistoryLine(_WORDS.years_label(start, None), obs.name, "", current))
    dates = [
        HistoryLine(
            _WORDS.years_label(span.since, span.until),
            _WORDS.how(span).strip(),
            span.cite,
            _verified(obs, FactKind.RULE, i),
        )
        for i, span in enumerate(obs.dates)
    ]
    moves = [
        _WORDS.moved(move.date.year, move.moved_to, move.date, obs.citation(move.cite))
        for move in obs.moves
    ]
    translations = [
        (language, translated.name, translated.source)
        for language, translated in sorted((obs.translated_names or {}).items())
    ]
    next_dates: list[str] = []
    after = today
    while len(next_dates) < NEXT_DATES:
        occ = next_occurrence(obs, after)
        if occ is None:
            break
        label = _WORDS.date_range(occ.start, occ.end)
        next_dates.append(label + (" (provisional)" if occ.provisional else ""))
        after = occ.end + dt.timedelta(days=1)
    note = FIRST_YEAR_NOTES.get(obs.first_year.basis)
    facts = [
        FactView(
            _fact_label(obs, fact),
            fact.verified,
            [SourceView(source.url, source.cls.value) for source in fact.sources],
        )
        for fact in obs.facts
    ]
    unconfirmed = [
        f"Not confirmed by a source: {fact.label}." for fact in facts if not fact.verified
    ]
    if obs.edition(today.year) is not None and not obs.edition_confirmed:
        unconfirmed.append("Its edition numbers are not given as fact.")
    return ObservanceView(
        id=obs.id,
        name=obs.name,
        short_name=obs.short_name,
        kind=obs.kind.value,
        body=obs.body,
        verified=obs.verified,
        check=obs.check,
        marked=profile.marks_observance(obs),
        url=obs.url,
        themes=[(tag, (tags or {}).get(tag, tag)) for tag in obs.tags],
        names=names,
        dates=dates,
        moves=moves,
        translations=translations,
        acts=[act_view(c) for c in obs.citations],
        facts=facts,
        next_dates=next_dates,
        first_year_note=note.format(since=obs.since) if note else None,
        notes=obs.notes,
        unconfirmed=unconfirmed,
    )


# --- the data files -----------------------------------------------------------------------------


def observance_record(obs: Observance, today: dt.date) -> dict[str, object]:
    """One observance's current facts for /data/observances.json (and, flattened, .csv)."""
    nxt = next_occurrence(obs, today)
    return {
        "id": obs.id,
        "name": obs.name,
        "short_name": obs.short_name,
        "kind": obs.kind.value,
        "body": obs.body,
        "status": "verified" if obs.verified else "unverified",
        "tags": list(obs.tags),
        "url": obs.url,
        "first_year": obs.since,
        "first_year_basis": obs.first_year.basis,
        "edition_confirmed": obs.edition_confirmed,
        "dates": [
            {
                "since": span.since,
                "until": span.until,
                "every": span.every,
                "rule": _WORDS.rule_label(span.rule),
                "cite": span.cite,
            }
            for span in obs.dates
        ],
        "former_names": [
            {"name": f.name, "until": f.until, "cite": f.cite} for f in obs.former_names
        ],
        "citations": [
            {
                "symbol": c.symbol,
                "url": c.url,
                "adopted": c.adopted.isoformat() if c.adopted else None,
            }
            for c in obs.citations
        ],
        "facts": [
            {
                "fact": _fact_label(obs, fact),
                "verified": fact.verified,
                "sources": [{"url": s.url, "class": s.cls.value} for s in fact.sources],
            }
            for fact in obs.facts
        ],
        "next_start": nxt.start.isoformat() if nxt else None,
        "next_end": nxt.end.isoformat() if nxt else None,
    }


def data_json(registry: Registry, today: dt.date) -> bytes:
    body = {
        "revision": registry.revision.isoformat(),
        "as_of": today.isoformat(),
        "tags": registry.tags,
        "observances": [observance_record(obs, today) for obs in registry.observances],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


CSV_COLUMNS = (
    "id",
    "name",
    "short_name",
    "kind",
    "body",
    "status",
    "tags",
    "url",
    "first_year",
    "next_start",
    "next_end",
    "citations",
)


def data_csv(registry: Registry, today: dt.date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(CSV_COLUMNS)
    for obs in registry.observances:
        record = observance_record(obs, today)
        writer.writerow(
            [
                record["id"],
                record["name"],
                record["short_name"] or "",
                record["kind"],
                record["body"],
                record["status"],
                " ".join(obs.tags),
                record["url"] or "",
                record["first_year"],
                record["next_start"] or "",
                record["next_end"] or "",
                " ".join(c.symbol for c in obs.citations),
            ]
        )
    return out.getvalue().encode("utf-8")

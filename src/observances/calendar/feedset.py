"""The named feeds: each a filter over the registry. Pure: registry, profile and feeds in.

Always present: `all` (every observance), `marked` (what the organization profile marks) and one
feed per registry tag, named after the tag (`/feeds/human-rights.ics`). The configuration adds
more (`[[feeds]]` in the TOML file, made into `Feed`s by `configured_feed`); a configured feed
with a token is private. The server and `observances feed` both build from this set, so that
the same filter and window give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from observances.calendar.ical import CalendarInfo, build
from observances.calendar.stamps import Stamper, registry_dates
from observances.errors import InputError
from observances.occurrences import Occurrence, occurrences
from observances.profile import Profile
from observances.registry.models import Observance, Registry
from observances.words import Wording, for_language

BUILT_IN = ("all", "marked")


@dataclass(frozen=True, slots=True)
class Budget:
    """The most a feed may hold. Google Calendar stops reading a subscribed feed past about
    1 MB (its help page on subscribing) and users report events lost past roughly 1,100 events
    (docs/feeds.md): a feed over either limit would be shown in part, silently."""

    max_bytes: int = 1_000_000
    max_events: int = 1_000


class OverBudget(InputError):
    """A feed that a calendar app would not read whole. Exit 2: the window is a setting."""

    def __init__(
        self, name: str, years: tuple[int, int], size: int | None, events: int, budget: Budget
    ) -> None:
        self.name, self.years, self.size, self.events = name, years, size, events
        first, last = years
        span = str(first) if first == last else f"{first}-{last}"
        bytes_ = "" if size is None else f"{size:,} bytes and "
        super().__init__(
            f"feed {name!r} ({span}) is {bytes_}{events:,} events, over the budget "
            f"of {budget.max_bytes:,} bytes and {budget.max_events:,} events that calendar apps "
            f"read whole; narrow its window (feed_windows = {{ {name} = [0, 1] }} in the "
            "settings: years back, years ahead) or subscribe to a theme feed (/feeds/<tag>.ics); "
            f"past years are at /feeds/{name}/<year>.ics"
        )


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """What every published feed shares: the years it covers around today (per feed where
    `windows` names it), its reminders and its budget (the defaults are the settings')."""

    years_back: int
    years_ahead: int
    alarm_days: tuple[int, ...] = ()
    windows: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Feed name -> (years back, years ahead), for a feed whose window is not the default."""
    budget: Budget = Budget()
    send_at: str = ""
    """When drafts go out, as the `marked` feed says it: "09:00 (Europe/Paris)"."""
    marked_alarm_days: tuple[int, ...] = ()
    """Reminders in the `marked` feed only, this many days ahead (off by default)."""

    def alarms(self, feed: Feed) -> tuple[int, ...]:
        """The reminders of `feed`: the `marked` feed's own when set, else everyone's."""
        return (feed.marked and self.marked_alarm_days) or self.alarm_days

    def years(self, today: dt.date, name: str | None = None) -> tuple[int, int]:
        """The first and last year of the feed `name` published on `today`."""
        back, ahead = self.windows.get(name or "", (self.years_back, self.years_ahead))
        return (today.year - back, today.year + ahead)


@dataclass(frozen=True, slots=True)
class Feed:
    """A named filter. Several filters narrow the feed together, as in `Registry.select`."""

    name: str
    title: str
    description: str
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    marked: bool = False
    token: str | None = None

    @property
    def private(self) -> bool:
        return self.token is not None

    @property
    def filename(self) -> str:
        return f"{self.name}.ics"

    def filename_in(self, language: str) -> str:
        """`<name>.ics` in English, `<name>.<lang>.ics` in another language."""
        return self.filename if language == "en" else f"{self.name}.{language}.ics"

    def allows(self, token: str | None) -> bool:
        """Whether a request carrying `token` may read this feed; constant-time comparison, so
        that response timing does not tell how much of a guess was right."""
        if self.token is None:
            return True
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    def observances(self, registry: Registry, profile: Profile | None) -> tuple[Observance, ...]:
        """The observances the feed shows; only a `marked` feed needs the profile."""
        selected = registry.select(ids=self.ids, tags=self.tags, kinds=self.kinds)
        if self.marked:
            if profile is None:
                raise InputError(f"feed {self.name!r} shows what the profile marks: load one")
            selected = tuple(obs for obs in selected if profile.marks_observance(obs))
        return selected

    def occurrences(
        self, registry: Registry, profile: Profile | None, first_year: int, last_year: int
    ) -> list[Occurrence]:
        """Occurrences starting from 1 January of `first_year` to 31 December of `last_year`."""
        return occurrences(
            self.observances(registry, profile),
            dt.date(first_year, 1, 1),
            dt.date(last_year, 12, 31),
            by_year=True,  # a decade shows in each of its years, so one begun earlier appears
        )

    def build(
        self,
        registry: Registry,
        profile: Profile | None,
        years: tuple[int, int],
        alarm_days: tuple[int, ...] = (),
        language: str = "en",
        budget: Budget | None = Budget(),
        stamper: Stamper = registry_dates,
        send_at: str = "",
    ) -> bytes:
        """The feed's bytes in `language`; raises OverBudget when they would exceed `budget`
        (None: no limit, for a file someone asked for by hand). A `marked` feed in English
        says, in each event, that the organization marks it, for which programs, and when its
        drafts go out (on the local dates the planner uses, at `send_at`)."""
        found = self.occurrences(registry, profile, *years)
        return self.build_occurrences(
            found,
            registry,
            profile,
            years,
            alarm_days,
            language,
            budget=budget,
            stamper=stamper,
            send_at=send_at,
        )

    def build_occurrences(
        self,
        found: Sequence[Occurrence],
        registry: Registry,
        profile: Profile | None,
        years: tuple[int, int],
        alarm_days: tuple[int, ...] = (),
        language: str = "en",
        *,
        budget: Budget | None = Budget(),
        stamper: Stamper = registry_dates,
        send_at: str = "",
    ) -> bytes:
        """`build` for occurrences already chosen (a window that is not whole years);
        `years` names the window in an OverBudget message."""
        words = for_language("en")  # other languages word events in `localized`
        info = CalendarInfo(
            self.title,
            self.description,
            alarm_days=alarm_days,
            words=words,
            themes={tag: registry.theme(tag) for tag in registry.tags},
            notes=team_notes(profile, words, send_at) if self.marked and profile else None,
        )
        body = build(found, info, registry.revision, language, stamper)
        if budget is not None and (len(body) > budget.max_bytes or len(found) > budget.max_events):
            raise OverBudget(self.name, years, len(body), len(found), budget)
        return body


def team_notes(profile: Profile, words: Wording, send_at: str) -> Callable[[Occurrence], str]:
    """What the `marked` feed adds to an event: the organization marks it, the programs it
    concerns, and the local date each draft goes out (the planner's: the occurrence's date
    less each lead time, in the organization's zone)."""

    def notes(occ: Occurrence) -> str:
        obs = occ.observance
        programs = tuple(p.name for p in profile.programs_for(obs))
        text = words.feed_marks(profile.name, programs)
        sends = tuple(
            (occ.start - dt.timedelta(days=lead), lead) for lead in profile.lead_days_for(obs)
        )
        return f"{text}\n{words.feed_drafts(sends, send_at)}" if sends else text

    return notes


def configured_feed(
    name: str,
    *,
    title: str | None = None,
    tags: tuple[str, ...] = (),
    ids: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
    marked: bool = False,
    token: str | None = None,
) -> Feed:
    """A feed the configuration adds; without a title it is named after its URL name."""
    named, about = for_language("en").feed_configured(name)
    return Feed(
        name,
        title or named,
        title or about,
        tags=tags,
        ids=ids,
        kinds=kinds,
        marked=marked,
        token=token,
    )


def feed_set(
    registry: Registry,
    profile: Profile | None,
    configured: Sequence[Feed] = (),
) -> dict[str, Feed]:
    """Every feed by name, in the order the index page lists them. Raises InputError, naming
    every problem, when a configured feed clashes with a name already taken or refers to an id
    or tag the registry does not have. Without a profile (`observances feed` of the whole
    registry or a tag reads none) there is no `marked` feed."""
    # calendar names in English: a feed in another language keeps its calendar's name
    words = for_language("en")
    feeds: dict[str, Feed] = {"all": Feed("all", *words.feed_all())}
    if profile is not None:
        feeds["marked"] = Feed("marked", *words.feed_marked(profile.short_name), marked=True)
    problems: list[str] = []
    for tag, about in sorted(registry.tags.items()):
        if tag in feeds or tag in BUILT_IN:
            problems.append(f"registry tag {tag!r} has the name of a built-in feed")
            continue
        title, description = words.feed_theme(registry.theme(tag), about)
        feeds[tag] = Feed(tag, title, description, tags=(tag,))
    for feed in configured:
        if feed.name in feeds or feed.name in BUILT_IN:
            problems.append(f"feed {feed.name!r}: the name is taken (built-in feed or tag)")
            continue
        try:
            feed.observances(registry, profile)
        except InputError as exc:
            problems.append(f"feed {feed.name!r}: {exc}")
            continue
        feeds[feed.name] = feed
    if problems:
        raise InputError("; ".join(problems))
    return feeds


def selection(
    feeds: dict[str, Feed],
    profile: Profile | None,
    *,
    tags: tuple[str, ...] = (),
    ids: tuple[str, ...] = (),
    marked: bool = False,
    registry: Registry | None = None,
) -> Feed:
    """The feed that `observances feed` writes for its filters: the set's own `all`, `marked`
    or tag feed when the filters name exactly one of them (so the file has the bytes the
    server serves), otherwise a feed of those filters, titled after them."""
    if not ids and not tags:
        return feeds["marked" if marked else "all"]
    if not ids and not marked and len(tags) == 1 and tags[0] in feeds:
        found = feeds[tags[0]]
        if found.tags == tags:  # the tag's own feed; not `all` for `--tag all`
            return found
    # named after its filter: the themes and the observances' names, where the registry is
    # given; no comma, which some readers keep as RFC 5545's escape
    themes = [registry.theme(t).lower() if registry else t for t in tags]
    names = [registry.get(i).name if registry else i for i in ids]
    label = " + ".join((*themes, *names))
    if marked and profile is None:
        raise ValueError("a marked selection needs the profile")
    short_name = profile.short_name if marked and profile else None
    title, description = for_language("en").feed_filtered(label, short_name)
    return Feed("selection", title, description, tags=tags, ids=ids, marked=marked)


def over_budget(
    feeds: Mapping[str, Feed],
    registry: Registry,
    profile: Profile | None,
    options: FeedOptions,
    today: dt.date,
    *,
    events_only: bool = False,
) -> list[OverBudget]:
    """Every feed of the set that would exceed the budget if served on `today`: `validate`
    and the server's start report them all, not only the first. `events_only` counts events
    without building (the server's start: building every feed of the full registry takes
    seconds; a feed whose bytes alone exceed the budget is refused when it is requested)."""
    found = []
    for feed in feeds.values():
        years = options.years(today, feed.name)
        if events_only:
            events = len(feed.occurrences(registry, profile, *years))
            if events > options.budget.max_events:
                found.append(OverBudget(feed.name, years, None, events, options.budget))
            continue
        try:
            feed.build(registry, profile, years, options.alarms(feed), budget=options.budget)
        except OverBudget as exc:
            found.append(exc)
    return found

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
from collections.abc import Sequence
from dataclasses import dataclass

from observances.calendar.ical import CalendarInfo, build
from observances.errors import InputError
from observances.occurrences import Occurrence, occurrences
from observances.profile import Profile
from observances.registry.models import Observance, Registry

BUILT_IN = ("all", "marked")


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """What every published feed shares: the years it covers around today, and its reminders
    (the defaults are the settings')."""

    years_back: int
    years_ahead: int
    alarm_days: tuple[int, ...] = ()

    def years(self, today: dt.date) -> tuple[int, int]:
        """The first and last year of the feed published on `today`."""
        return (today.year - self.years_back, today.year + self.years_ahead)


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
    ) -> bytes:
        info = CalendarInfo(self.title, self.description, alarm_days=alarm_days)
        found = self.occurrences(registry, profile, *years)
        return build(found, info, registry.revision, language)


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
    return Feed(
        name,
        title or f"UN observances: {name}",
        title or f"The observances of the feed {name}.",
        tags=tags,
        ids=ids,
        kinds=kinds,
        marked=marked,
        token=token,
    )


def feed_set(
    registry: Registry, profile: Profile | None, configured: Sequence[Feed] = ()
) -> dict[str, Feed]:
    """Every feed by name, in the order the index page lists them. Raises InputError, naming
    every problem, when a configured feed clashes with a name already taken or refers to an id
    or tag the registry does not have. Without a profile (`observances feed` of the whole
    registry or a tag reads none) there is no `marked` feed."""
    feeds: dict[str, Feed] = {
        "all": Feed("all", "United Nations observances", "Every observance in the registry.")
    }
    if profile is not None:
        feeds["marked"] = Feed(
            "marked",
            f"Observances {profile.short_name} marks",
            f"The observances that {profile.name} marks.",
            marked=True,
        )
    problems: list[str] = []
    for tag, about in sorted(registry.tags.items()):
        if tag in feeds or tag in BUILT_IN:
            problems.append(f"registry tag {tag!r} has the name of a built-in feed")
            continue
        feeds[tag] = Feed(tag, f"UN observances: {tag}", f"Observances about {about}.", tags=(tag,))
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
    label = " + ".join((*tags, *ids))  # no comma: some readers keep RFC 5545's escape
    about = []
    if tags:
        about.append(f"tagged {' or '.join(tags)}")
    if ids:
        about.append(f"with the id {' or '.join(ids)}")
    if marked:
        if profile is None:
            raise ValueError("a marked selection needs the profile")
        title = f"Observances {profile.short_name} marks: {label}"
        description = f"The observances {' and '.join(about)} that {profile.name} marks."
    else:
        title = f"UN observances: {label}"
        description = f"The observances {' and '.join(about)}."
    return Feed("selection", title, description, tags=tags, ids=ids, marked=marked)

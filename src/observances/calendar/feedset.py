"""The named feeds: each a filter over the registry. Pure: registry, profile and settings in.

Always present: `all` (every observance), `marked` (what the organization profile marks) and one
feed per registry tag, named after the tag (`/feeds/human-rights.ics`). Settings add more
(`[[feeds]]` in the TOML file); a configured feed with a token is private.
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
from observances.settings import FeedSpec

BUILT_IN = ("all", "marked")


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

    def allows(self, token: str | None) -> bool:
        """Whether a request carrying `token` may read this feed; constant-time comparison, so
        that response timing does not tell how much of a guess was right."""
        if self.token is None:
            return True
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    def observances(self, registry: Registry, profile: Profile) -> tuple[Observance, ...]:
        selected = registry.select(ids=self.ids, tags=self.tags, kinds=self.kinds)
        if self.marked:
            selected = tuple(obs for obs in selected if profile.marks_observance(obs))
        return selected

    def occurrences(
        self, registry: Registry, profile: Profile, first_year: int, last_year: int
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
        profile: Profile,
        years: tuple[int, int],
        alarm_days: tuple[int, ...] = (),
    ) -> bytes:
        info = CalendarInfo(self.title, self.description, alarm_days=alarm_days)
        return build(self.occurrences(registry, profile, *years), info, registry.revision)


def feed_set(
    registry: Registry, profile: Profile, configured: Sequence[FeedSpec] = ()
) -> dict[str, Feed]:
    """Every feed by name, in the order the index page lists them. Raises InputError, naming
    every problem, when a configured feed clashes with a name already taken or refers to an id
    or tag the registry does not have."""
    feeds: dict[str, Feed] = {
        "all": Feed("all", "United Nations observances", "Every observance in the registry."),
        "marked": Feed(
            "marked",
            f"Observances {profile.short_name} marks",
            f"The observances that {profile.name} marks.",
            marked=True,
        ),
    }
    problems: list[str] = []
    for tag, about in sorted(registry.tags.items()):
        if tag in feeds:
            problems.append(f"registry tag {tag!r} has the name of a built-in feed")
            continue
        feeds[tag] = Feed(tag, f"UN observances: {tag}", f"Observances about {about}.", tags=(tag,))
    for spec in configured:
        if spec.name in feeds:
            problems.append(f"feed {spec.name!r}: the name is taken (built-in feed or tag)")
            continue
        feed = Feed(
            spec.name,
            spec.title or f"UN observances: {spec.name}",
            spec.title or f"The observances of the feed {spec.name}.",
            tags=spec.tags,
            ids=spec.ids,
            kinds=spec.kinds,
            marked=spec.marked,
            token=spec.token.get_secret_value() if spec.token else None,
        )
        try:
            feed.observances(registry, profile)
        except InputError as exc:
            problems.append(f"feed {spec.name!r}: {exc}")
            continue
        feeds[spec.name] = feed
    if problems:
        raise InputError("; ".join(problems))
    return feeds

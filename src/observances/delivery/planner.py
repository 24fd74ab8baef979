"""When drafts are sent: occurrences x lead times -> planned sends. Pure: no clock, no I/O.

A planned send is keyed by (observance id, occurrence start date, lead days). The key says
nothing about the subject or the recipients, so that a reworded template or a new recipient
never makes an already sent draft look new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from observances.occurrences import Occurrence, occurrences
from observances.profile import Profile
from observances.registry.models import Observance, Registry

MARGIN_DAYS = 7
"""Days planned beyond the longest lead time, so that `plan` shows what comes next week too."""


@dataclass(frozen=True, slots=True, order=True)
class SendKey:
    """The identity of one email: unique in the outbox."""

    observance_id: str
    occurrence_date: dt.date
    lead_days: int
    language: str = ""
    """"" for the profile's language; a program's other language ("es") gets its own send."""

    def __str__(self) -> str:
        base = f"{self.observance_id}/{self.occurrence_date.isoformat()}/{self.lead_days}"
        # the profile's language adds nothing, so keys (and Message-IDs) from before stay
        return f"{base}/{self.language}" if self.language else base

    @property
    def occurrence(self) -> tuple[str, dt.date, str]:
        """The occurrence and language this send belongs to: every lead time of one day in one
        language shares it (one thread, one send at a time)."""
        return (self.observance_id, self.occurrence_date, self.language)


@dataclass(frozen=True, slots=True)
class Schedule:
    """When drafts go out: `send_time` on the wall clock of `zone`, lead days before the date."""

    zone: dt.tzinfo
    send_time: dt.time

    def date_at(self, instant: dt.datetime) -> dt.date:
        """The date in the zone at `instant`: "today" for the plan, the drafts and the pages."""
        return instant.astimezone(self.zone).date()


@dataclass(frozen=True, slots=True)
class PlannedSend:
    key: SendKey
    send_at: dt.datetime
    """A UTC instant: the local send time on the occurrence's date less `lead_days`."""
    occurrence: Occurrence

    @property
    def lead_days(self) -> int:
        return self.key.lead_days


def local_instant(day: dt.date, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`, with the DST rules explicit:

    - a time skipped by a spring-forward change (02:30 in New York on 2026-03-08) moves
      forward by the size of the gap (to 03:30), so the send still happens that day, once;
    - a time that happens twice on a fall-back day (01:30 on 2026-11-01) means the first of
      the two instants (fold=0), so the send never happens twice.
    """
    wall = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    # zoneinfo resolves fold=0 in a gap with the offset in force before the change, which is
    # exactly "move forward by the gap"; in a fold, fold=0 is the earlier instant.
    return wall.replace(tzinfo=zone).astimezone(dt.UTC)


def lead_days_horizon(profile: Profile, registry: Registry) -> int:
    """The longest lead time of any observance the profile marks (0 when it marks none)."""
    return max((max(profile.lead_days_for(obs)) for obs in profile.marked(registry)), default=0)


def languages(profile: Profile, obs: Observance, routed: Collection[str]) -> tuple[str, ...]:
    """The languages `obs` is sent in: "" (the profile's) always, and the language of each
    program related to it that has recipients of its own (`routed`: program ids) and another
    language than the profile's ("es" for a Latin American program)."""
    other = {
        p.language
        for p in profile.programs
        if p.id in routed and p.relates_to(obs) and p.language != profile.language
    }
    return ("", *sorted(other))


def plan(
    registry: Registry,
    profile: Profile,
    *,
    zone: dt.tzinfo,
    send_time: dt.time,
    first_day: dt.date,
    last_day: dt.date,
    routed: Collection[str] = (),
) -> list[PlannedSend]:
    """Every send for the marked occurrences that start from `first_day` to `last_day`
    inclusive, whatever their send time (one that has passed is a catch-up), by send time;
    one per language the occurrence goes out in (see `languages`)."""
    found = [
        PlannedSend(
            key=SendKey(occ.id, occ.start, lead, language),
            send_at=local_instant(occ.start - dt.timedelta(days=lead), send_time, zone),
            occurrence=occ,
        )
        for occ in occurrences(profile.marked(registry), first_day, last_day)
        for lead in profile.lead_days_for(occ.observance)
        for language in languages(profile, occ.observance, routed)
    ]
    return sort_sends(found)


def plan_ahead(
    registry: Registry,
    profile: Profile,
    *,
    zone: dt.tzinfo,
    send_time: dt.time,
    today: dt.date,
    margin_days: int = MARGIN_DAYS,
    routed: Collection[str] = (),
) -> list[PlannedSend]:
    """What the service keeps in its outbox: occurrences from `today` (local) up to the
    longest lead time plus a margin, so that every send is planned before it falls due."""
    horizon = lead_days_horizon(profile, registry) + margin_days
    return plan(
        registry,
        profile,
        zone=zone,
        send_time=send_time,
        first_day=today,
        last_day=today + dt.timedelta(days=horizon),
        routed=routed,
    )


def sort_sends(sends: Iterable[PlannedSend]) -> list[PlannedSend]:
    """By send time, then key, so that output and sending order are deterministic."""
    return sorted(sends, key=lambda send: (send.send_at, send.key))


def superseded(due: Iterable[SendKey], done: Iterable[SendKey] = ()) -> dict[SendKey, SendKey]:
    """The due sends that must not go out, each with the send that replaces it.

    When several lead times of one occurrence are due at once (a first start, downtime), only
    the one nearest to the day goes out: a reader wants one mail saying "in 5 days", not three
    arriving together. A due send is also replaced when a nearer send of its occurrence was
    already made (`done`): a 21-day draft retried for a week must not follow the 7-day one.
    """
    # a correction is no lead time: it never replaces a draft nor is replaced by one
    due = [key for key in due if key.lead_days >= 0]
    done = [key for key in done if key.lead_days >= 0]
    nearest: dict[tuple[str, dt.date, str], SendKey] = {}
    for key in (*due, *done):
        best = nearest.get(key.occurrence)
        if best is None or key.lead_days < best.lead_days:
            nearest[key.occurrence] = key
    return {key: nearest[key.occurrence] for key in due if nearest[key.occurrence] != key}


CORRECTION = -1
"""The lead days of a correction's key: one per (observance, old date, language), so that a
correction is sent exactly once with the same guarantees as a draft."""


def corrections(
    sent: Iterable[SendKey], planned: Iterable[PlannedSend], today: dt.date
) -> list[SendKey]:
    """The corrections due: every occurrence (and language) a draft was sent for, whose date is
    still ahead, that the plan no longer holds (its date moved, it was withdrawn, or the profile
    no longer marks it). Each is the key of one mail telling the recipients so."""
    wanted = {send.key.occurrence for send in planned}
    found = {
        key.occurrence
        for key in sent
        if key.lead_days >= 0 and key.occurrence_date >= today and key.occurrence not in wanted
    }
    return [SendKey(i, day, CORRECTION, language) for i, day, language in sorted(found)]

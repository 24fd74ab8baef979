"""When drafts are sent: occurrences x lead times -> planned sends. Pure: no clock, no I/O.

A planned send is keyed by (observance id, occurrence start date, lead days). The key says
nothing about the subject or the recipients, so that a reworded template or a new recipient
never makes an already sent draft look new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from observances.occurrences import Occurrence, occurrences
from observances.profile import Profile
from observances.registry.models import Registry

MARGIN_DAYS = 7
"""Days planned beyond the longest lead time, so that `plan` shows what comes next week too."""


@dataclass(frozen=True, slots=True, order=True)
class SendKey:
    """The identity of one email: unique in the outbox."""

    observance_id: str
    occurrence_date: dt.date
    lead_days: int

    def __str__(self) -> str:
        return f"{self.observance_id}/{self.occurrence_date.isoformat()}/{self.lead_days}"


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


def plan(
    registry: Registry,
    profile: Profile,
    *,
    zone: dt.tzinfo,
    send_time: dt.time,
    first_day: dt.date,
    last_day: dt.date,
) -> list[PlannedSend]:
    """Every send for the marked occurrences that start from `first_day` to `last_day`
    inclusive, whatever their send time (one that has passed is a catch-up), by send time."""
    found = [
        PlannedSend(
            key=SendKey(occ.id, occ.start, lead),
            send_at=local_instant(occ.start - dt.timedelta(days=lead), send_time, zone),
            occurrence=occ,
        )
        for occ in occurrences(profile.marked(registry), first_day, last_day)
        for lead in profile.lead_days_for(occ.observance)
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
    )


def sort_sends(sends: Iterable[PlannedSend]) -> list[PlannedSend]:
    """By send time, then key, so that output and sending order are deterministic."""
    return sorted(sends, key=lambda send: (send.send_at, send.key))

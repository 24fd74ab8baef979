"""SEQUENCE and LAST-MODIFIED that follow an event's content. Pure: the caller gives the time.

A calendar app updates an event it already has only when SEQUENCE rises (docs/feeds.md), and
an event that rises without changing is noise at best. Dates in the registry cannot say which
event changed (one `revision` covers the whole file; the profile and the wording change events
too), so the server keeps, per feed and UID, a digest of what it published: when the digest
changes, SEQUENCE goes up by one and LAST-MODIFIED becomes the time of the change; otherwise both
stay. An event seen for the first time takes the registry's dates, as the command line does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Protocol


class Stamper(Protocol):
    """Given an event's UID, its content digest and the registry's SEQUENCE and LAST-MODIFIED
    for it, the SEQUENCE and LAST-MODIFIED to publish."""

    def __call__(
        self, uid: str, digest: str, sequence: int, modified: dt.datetime
    ) -> tuple[int, dt.datetime]: ...


def registry_dates(
    uid: str,  # noqa: ARG001 - the Stamper signature
    digest: str,  # noqa: ARG001
    sequence: int,
    modified: dt.datetime,
) -> tuple[int, dt.datetime]:
    """The stamper without memory: the registry's dates (the command line's files)."""
    return sequence, modified


@dataclass(slots=True)
class Stamp:
    digest: str
    sequence: int
    modified: dt.datetime


class StampBook:
    """What each feed last published per UID. `changed` says whether `to_json` would differ
    from what was loaded or last saved."""

    def __init__(self, stamps: dict[str, Stamp] | None = None) -> None:
        self._stamps = stamps or {}
        self.changed = False

    def for_feed(self, feed: str, now: dt.datetime) -> Stamper:
        """The stamper of the feed `feed` (its URL name, or name/year for an archive): each
        feed is a calendar of its own in the apps, and the same UID may read differently in
        two feeds (the `marked` feed says more)."""

        def stamp(
            uid: str, digest: str, sequence: int, modified: dt.datetime
        ) -> tuple[int, dt.datetime]:
            key = f"{feed} {uid}"
            known = self._stamps.get(key)
            if known is None:
                self._stamps[key] = Stamp(digest, sequence, modified)
                self.changed = True
                return sequence, modified
            if known.digest != digest:
                # rise past the registry's own number too, in case the registry moved on
                known.sequence = max(known.sequence + 1, sequence)
                known.modified = max(now, known.modified)
                known.digest = digest
                self.changed = True
            return known.sequence, known.modified

        return stamp

    def to_json(self) -> str:
        self.changed = False
        return json.dumps(
            {
                key: [s.digest, s.sequence, s.modified.isoformat()]
                for key, s in sorted(self._stamps.items())
            },
            indent=0,
        )

    @classmethod
    def from_json(cls, text: str) -> StampBook:
        raw = json.loads(text)
        return cls(
            {
                key: Stamp(digest, int(seq), dt.datetime.fromisoformat(modified))
                for key, (digest, seq, modified) in raw.items()
            }
        )

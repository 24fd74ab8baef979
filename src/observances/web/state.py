"""What the web app serves from: the registry, the profile and the feed set they give, kept
at their last good version while people edit the files (see reloading.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from observances.calendar.feedset import Feed, feed_set
from observances.profile import Profile, load_profile
from observances.registry import Registry, load
from observances.reloading import Live


@dataclass(frozen=True, slots=True)
class Loaded:
    """The registry, profile and feed set in use. `generation` rises with every successful
    reload, so a cache keyed on it is rebuilt exactly when the inputs changed."""

    registry: Registry
    profile: Profile
    feeds: dict[str, Feed]
    loaded_at: dt.datetime
    generation: int


def live_files(
    registry_path: Path,
    profile_path: Path,
    configured: Sequence[Feed] = (),
    *,
    now: Callable[[], dt.datetime],
) -> Live[Loaded]:
    """The registry and the profile, watched together (a profile names registry ids), and the
    feed set they give: an edit that breaks a configured feed is a failed reload too."""

    def load_all(generation: int) -> Loaded:
        registry = load(registry_path)
        profile = load_profile(profile_path, registry)
        return Loaded(registry, profile, feed_set(registry, profile, configured), now(), generation)

    return Live((registry_path, profile_path), load_all, now=now)

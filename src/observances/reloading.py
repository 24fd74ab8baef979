"""The last good version of files that people edit while the server runs.

`Live` watches paths (files, or directories such as the templates) by modification time, size
and inode, reloads when any of them changes, and keeps serving the last value that loaded when
a reload fails: a bad edit to the registry must not take the feeds down. The failure is kept,
with its time, for the logs and /healthz, until a reload succeeds.

Generic: what is loaded (the registry and profile in web/state.py, the templates) and the clock
that dates a failure are given by whoever builds the `Live` (wiring.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from observances.errors import ObservancesError

log = logging.getLogger(__name__)

T = TypeVar("T")
Fingerprint = tuple[tuple[str, int, int, int] | tuple[str], ...]


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A reload that failed: when, and what was wrong (one line per problem)."""

    at: dt.datetime
    message: str

    def as_json(self) -> dict[str, str]:
        return {"at": self.at.isoformat(timespec="seconds"), "message": self.message}


def fingerprint(paths: Sequence[Path]) -> Fingerprint:
    """What changes when a watched file is edited, replaced or removed. Directories count
    every file below them, so that adding a template is a change too."""
    found: list[tuple[str, int, int, int] | tuple[str]] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                st = os.stat(file)
            except OSError:
                found.append((str(file),))  # missing: reloading reports it
                continue
            found.append((str(file), st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(found)


class Live(Generic[T]):
    """A value loaded from files, reloaded on change, the last good one kept on failure."""

    def __init__(
        self,
        paths: Sequence[Path],
        load: Callable[[int], T],
        *,
        now: Callable[[], dt.datetime],
    ) -> None:
        """`load(generation)` reads the files and raises ObservancesError (or OSError) when they
        are bad; `generation` rises with every successful load, so a cache keyed on it is
        rebuilt exactly when the inputs changed. The first load must succeed: there is no good
        version to fall back on yet. `now` dates a failed reload."""
        self._paths = tuple(paths)
        self._load = load
        self._now = now
        self._lock = threading.Lock()
        self._seen = fingerprint(self._paths)
        self._generation = 1
        self._value = load(self._generation)
        self._problems: tuple[LoadProblem, ...] = ()

    def current(self) -> T:
        return self._value

    @property
    def problems(self) -> tuple[LoadProblem, ...]:
        """Why the files on disk are not what is served; empty when they are."""
        return self._problems

    def refresh(self) -> bool:
        """Reload if a watched path changed since the last attempt. True when a new value
        was loaded; False when nothing changed or the reload failed (see `problems`)."""
        with self._lock:  # one reload at a time, however many callers poll
            seen = fingerprint(self._paths)
            if seen == self._seen:
                return False
            self._seen = seen
            try:
                value = self._load(self._generation + 1)
            except (ObservancesError, OSError) as exc:
                self._failed(str(exc).splitlines())
                return False
            except Exception as exc:
                # a loader's bug must not end reloading for good (the poll would die with it):
                # the traceback goes to the log, the problem to /healthz, and the next edit
                # is tried again
                log.exception("reload failed unexpectedly; serving the last good version")
                self._failed([f"unexpected error while loading: {type(exc).__name__}: {exc}"])
                return False
            self._generation += 1
            self._value = value
            if self._problems:
                log.info("reload succeeded; the earlier problems are fixed")
            self._problems = ()
            return True

    def _failed(self, lines: list[str]) -> None:
        at = self._now()
        self._problems = tuple(LoadProblem(at, line) for line in lines or ["cannot load"])
        for problem in self._problems:
            log.warning("reload failed; serving the last good version: %s", problem.message)

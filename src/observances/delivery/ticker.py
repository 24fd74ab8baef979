"""The long-running process: an instance lock, a ticker, and a clean stop.

APScheduler 3.x is used only as a ticker (in-memory job store, nothing pickled): one `tick`
job every `tick_seconds` plus one at start-up, and a `heartbeat` job. What must be sent and
what was sent lives in the outbox (see outbox.py), never in the scheduler.

Integration with an HTTP server in the same process: run uvicorn in the main thread and call
`service.start()` / `service.stop()` in the app's lifespan (the BackgroundScheduler has its
own threads); `status_report()` and `heartbeat_age()` / `healthy()` feed /status and /healthz.
`run_once()` is one pass of the same service, for cron (`observances send-due`).

Everything comes in built (wiring.py makes it from the settings): the transport, the outbox,
the lock, the clocks, and the few values the service reads.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from observances.delivery.mail import Transport
from observances.delivery.outbox import Outbox
from observances.delivery.planner import Schedule
from observances.delivery.sending import Clock, MailRouting, PassReport, Renderer, send_due
from observances.errors import ObservancesError
from observances.profile import Profile
from observances.registry.models import Registry

log = logging.getLogger(__name__)

Provider = Callable[[], tuple[Registry, Profile]]
"""Returns the current registry and profile; the live reloader keeps the last good ones."""


@dataclass(frozen=True, slots=True)
class Timing:
    """How often the service ticks, and how long one send may wait on the mail server: together
    they say when the ticker counts as stale and when an unlocked claim is abandoned."""

    tick_seconds: int
    send_timeout: float


class AlreadyRunningError(ObservancesError):
    """Another process holds the instance lock of this data directory. Exit 1."""


class InstanceLock:
    """An exclusive flock on data_dir/observances.lock, held for the life of the process; the
    kernel releases it when the process dies, however it dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunningError(
                f"another observances process (PID {holder}) holds {self.path}; stop it "
                "first, or give this one its own OBSERVANCES_DATA_DIR"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


class Service:
    """Sends each due draft once. `start()` and `stop()` for embedding; `run()` for a process
    of its own that stops on SIGTERM or SIGINT."""

    def __init__(
        self,
        provider: Provider,
        renderer: Renderer,
        *,
        schedule: Schedule,
        routing: MailRouting,
        timing: Timing,
        transport: Transport,
        outbox: Outbox,
        lock: InstanceLock | None,
        clock: Clock,
        monotonic: Callable[[], float],
    ) -> None:
        """`lock` None is for tests only: without it, two processes could send the same row."""
        self.provider = provider
        self.renderer = renderer
        self.schedule = schedule
        self.routing = routing
        self.timing = timing
        self.transport = transport
        self.outbox = outbox
        self.lock = lock
        self.clock = clock
        self.monotonic = monotonic
        self._stopping = threading.Event()
        self._tick_lock = threading.Lock()
        self._scheduler: Any = None  # apscheduler's BackgroundScheduler (untyped library)
        started = monotonic()
        self._last_beat = started
        self._last_progress = started
        self.last_tick_at: dt.datetime | None = None
        self.last_report: PassReport | None = None
        self.last_error: str | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Take the lock, prepare the outbox, recover crash victims, start ticking."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self._open()
        self._stopping.clear()
        self._last_beat = self._last_progress = self.monotonic()
        scheduler = BackgroundScheduler(
            timezone=dt.UTC,
            executors={"default": ThreadPoolExecutor(max_workers=2)},
            # the in-memory store and no grace limit: a late tick still runs, only once
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )
        seconds = self.timing.tick_seconds
        # A job without a trigger runs once, now (by APScheduler's own clock: `self.clock`
        # may be a test's). The tick lock keeps it and the interval job from overlapping.
        scheduler.add_job(self.tick, id="startup-tick")
        scheduler.add_job(self.tick, "interval", seconds=seconds, id="tick")
        scheduler.add_job(self.beat, "interval", seconds=self.beat_seconds, id="heartbeat")
        scheduler.start()
        self._scheduler = scheduler
        log.info(
            "service started: ticking every %ss, sending via %r, outbox %s",
            seconds,
            self.transport,
            self.outbox.engine.url.render_as_string(hide_password=True),
        )

    def run_once(self) -> PassReport:
        """One pass, then stop: take the lock, recover crash victims, send what is due, let
        go. What `observances send-due` runs from cron; unlike a tick, an error is raised."""
        self._open()
        try:
            return self._pass()
        finally:
            self._close()

    def _open(self) -> None:
        """The lock first (a second instance stops here), then the outbox and its recovery."""
        if self.lock is not None:
            self.lock.acquire()
        try:
            self.outbox.create()
            self._recover()
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise

    def _close(self) -> None:
        self.outbox.close()
        if self.lock is not None:
            self.lock.release()

    def request_stop(self) -> None:
        """Claim no more rows from now on; `stop()` then waits for the send in flight."""
        self._stopping.set()

    def stop(self) -> None:
        """Stop claiming rows, let the send in flight finish, then stop the ticker."""
        self._stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        self._close()
        log.info("service stopped")

    def run(self) -> None:
        """Start, wait for SIGTERM or SIGINT, stop cleanly (the caller then exits 0)."""
        wake = threading.Event()

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            log.info("%s received: finishing the send in flight", signal.Signals(signum).name)
            self._stopping.set()  # at once, so that the tick claims nothing more
            wake.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            wake.wait()
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _recover(self) -> None:
        now = self.clock()
        # Holding the lock, every row in `sending` belongs to a process that died mid-send.
        # Without it (a test-only mode), only a claim older than any send could take is stale.
        stale = dt.timedelta(seconds=4 * self.timing.send_timeout + 60)
        before = now + dt.timedelta(seconds=1) if self.lock is not None else now - stale
        for row in self.outbox.recover_stuck(now, before):
            log.warning("draft %s was interrupted mid-send; it will be sent again", row.key)

    # --- the jobs ----------------------------------------------------------------------------

    def tick(self) -> PassReport | None:
        """One pass; an error is logged and the next tick tries again (nothing is lost: rows
        stay in the outbox). A failing tick leaves the heartbeat to go stale."""
        if self._stopping.is_set() or not self._tick_lock.acquire(blocking=False):
            return None
        try:
            return self._tick()
        finally:
            self._tick_lock.release()

    def _tick(self) -> PassReport | None:
        try:
            report = self._pass()
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("tick failed; trying again in %ss", self.timing.tick_seconds)
            return None
        self.last_error = None
        self.last_report = report
        self.last_tick_at = self.clock()
        self._progress()
        return report

    def _pass(self) -> PassReport:
        registry, profile = self.provider()
        return send_due(
            outbox=self.outbox,
            registry=registry,
            profile=profile,
            schedule=self.schedule,
            routing=self.routing,
            renderer=self.renderer,
            transport=self.transport,
            clock=self.clock,
            should_stop=self._stopping.is_set,
            on_progress=self._progress,
        )

    def beat(self) -> None:
        self._last_beat = self.monotonic()

    def _progress(self) -> None:
        self._last_progress = self.monotonic()

    # --- health ------------------------------------------------------------------------------

    @property
    def beat_seconds(self) -> int:
        return max(1, min(self.timing.tick_seconds, 15))

    @property
    def stale_after(self) -> float:
        """Seconds after which /healthz should fail: three ticks, or a tick and a slow send
        (progress is stamped after each send, so a long catch-up stays healthy)."""
        tick, timeout = self.timing.tick_seconds, self.timing.send_timeout
        return float(max(3 * tick, tick + 2 * timeout))

    def heartbeat_age(self) -> float:
        """Seconds since the ticker last proved it works: the older of the heartbeat job's
        stamp (the scheduler thread is alive) and the last tick or send that completed."""
        return self.monotonic() - min(self._last_beat, self._last_progress)

    def healthy(self) -> bool:
        return self._scheduler is not None and self.heartbeat_age() < self.stale_after

    def status_report(self) -> dict[str, object]:
        """The service and its outbox as JSON for /status and `status`; no secrets."""
        try:
            outbox: dict[str, object] = self.outbox.report(self.clock()).as_json()
        except Exception as exc:  # /status must answer even when the database does not
            outbox = {"error": f"{type(exc).__name__}: {exc}"}
        return {
            "healthy": self.healthy(),
            "heartbeat_age_seconds": round(self.heartbeat_age(), 3),
            "stale_after_seconds": self.stale_after,
            "last_tick_at": self.last_tick_at.isoformat() if self.last_tick_at else None,
            "last_tick": self.last_report.as_json() if self.last_report else None,
            "last_error": self.last_error,
            "transport": repr(self.transport),
            "outbox": outbox,
        }

"""The whole `observances run` process: the files people edit (kept at their last good
version), the service that sends drafts, and the HTTP app that serves the feeds, together.

uvicorn runs the app in the main thread; the service's BackgroundScheduler ticks in its own
threads. On SIGTERM or SIGINT the service stops claiming drafts at once, uvicorn finishes its
requests, the send in flight completes, and the process exits 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn
from sqlalchemy import select, update

from observances import clock
from observances.delivery import planner
from observances.delivery.outbox import OPEN, Outbox, Status
from observances.delivery.planner import PlannedSend
from observances.delivery.schema import message_id, outbox_table
from observances.delivery.sending import Renderer, outbox_for
from observances.delivery.ticker import Service
from observances.drafts.render import Draft, render
from observances.drafts.templates import TemplateSet
from observances.occurrences import Occurrence
from observances.profile import Profile
from observances.registry.models import Registry
from observances.reloading import Live, LiveState, Loaded
from observances.settings import Settings
from observances.web.app import HealthCheck, create_app
from observances.web.auth import Accounts, Sessions, Throttle
from observances.web.desk import DeskConfig, Mail
from observances.web.desk_store import DeskStore

log = logging.getLogger(__name__)


def live_templates(directory: Path) -> Live[TemplateSet]:
    """The templates, reloaded when any file below `directory` changes; a template with a
    syntax error fails the reload and the last good set stays in use."""
    return Live((directory,), lambda _generation: TemplateSet.load(directory))


def draft_renderer(
    profile: Callable[[], Profile], templates: Callable[[], TemplateSet], settings: Settings
) -> Renderer:
    """The service's renderer: the statement draft, in the profile's language, as of today
    in the configured time zone. `profile` and `templates` are read at each call, so that
    an edit is picked up by the next draft."""

    def renderer(occurrence: Occurrence, lead_days: int) -> Draft:
        today = clock.now().astimezone(settings.zone).date()
        return render(occurrence, profile(), templates(), today=today)

    return renderer


def run(settings: Settings, *, use_lock: bool = True) -> None:
    """Serve the feeds and send the drafts until SIGTERM or SIGINT; then exit cleanly."""
    files = LiveState(settings.registry, settings.profile, settings.feeds)
    templates = live_templates(settings.templates_dir)

    def provider() -> tuple[Registry, Profile]:
        # each tick looks for edits; the web app polls the same state between ticks
        files.refresh()
        templates.refresh()
        loaded = files.current()
        return loaded.registry, loaded.profile

    service = Service(
        settings,
        provider,
        draft_renderer(lambda: files.current().profile, templates.current, settings),
        use_lock=use_lock,
    )

    def scheduler_health() -> HealthCheck:
        age = service.heartbeat_age()
        return HealthCheck("scheduler", service.healthy(), f"heartbeat {age:.0f} s ago")

    def templates_health() -> HealthCheck:
        # a bad template edit degrades, it does not stop: the last good set is in use
        problems = templates.problems
        return HealthCheck("templates", True, problems[-1].message if problems else "")

    app = create_app(
        files,
        settings,
        health_checks=(scheduler_health, templates_health),
        status=service.status_report,
        desk=desk_config(settings, files, templates.current, service.status_report),
    )
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, workers=1, log_level="info"
    )
    server = _Server(config, on_exit=service.request_stop)
    service.start()  # the lock first: a second instance exits before it binds the port
    # uvicorn re-raises the signal it caught once it has shut down; handlers of our own
    # take it, so that the process can stop the service and exit 0
    previous = {s: signal.signal(s, _ignore) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run()
    finally:
        service.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Takes the signal uvicorn re-raises after its shutdown; the stop is already under way."""


class _Server(uvicorn.Server):
    """uvicorn's server, telling the service to stop claiming drafts as soon as a stop
    signal arrives, before the HTTP side has finished its requests."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        log.info("%s received: finishing the send in flight", signal.Signals(sig).name)
        self._on_exit()
        super().handle_exit(sig, frame)


# --- the desk: the web's DeskBackend over the outbox and the planner ---------------------------


class OutboxDesk:
    """What the desk reads and does on the delivery side (`web.desk.DeskBackend`)."""

    def __init__(
        self,
        settings: Settings,
        outbox: Outbox,
        state: Callable[[], tuple[Registry, Profile]],
        templates: Callable[[], TemplateSet],
        report: Callable[[], dict[str, object]] | None = None,
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self.state = state
        self.templates = templates
        self._report = report

    def _planned(self, first: dt.date, last: dt.date) -> list[PlannedSend]:
        registry, profile = self.state()
        return planner.plan(
            registry,
            profile,
            zone=self.settings.zone,
            send_time=self.settings.send_time,
            first_day=first,
            last_day=last,
        )

    def mails(self, first: dt.date, last: dt.date) -> list[Mail]:
        rows = {
            row.key: row for row in self.outbox.rows(since=first) if row.key.occurrence_date <= last
        }
        found = [
            Mail(
                key.observance_id,
                key.occurrence_date,
                key.lead_days,
                row.send_at,
                row.status.value,
                row.attempts,
                row.sent_at,
                row.last_error,
            )
            for key, row in rows.items()
        ]
        for send in self._planned(first, last):
            if send.key not in rows:  # beyond the service's horizon: planned, not yet in it
                key = send.key
                found.append(
                    Mail(
                        key.observance_id,
                        key.occurrence_date,
                        key.lead_days,
                        send.send_at,
                        "planned",
                    )
                )
        return sorted(found, key=lambda m: (m.send_at, m.observance_id, m.lead_days))

    def skip(self, observance_id: str, day: dt.date, now: dt.datetime) -> int:
        """Open rows become `skipped`; planned sends not in the outbox yet are written as
        `skipped` too, so that the service never plans them later."""
        planned = [s for s in self._planned(day, day) if s.key.observance_id == observance_id]
        T = outbox_table.c
        with self.outbox.engine.begin() as conn:
            known = {
                r.lead_days
                for r in conn.execute(
                    select(T.lead_days).where(
                        T.observance_id == observance_id, T.occurrence_date == day
                    )
                )
            }
            for send in planned:
                if send.key.lead_days in known:
                    continue
                conn.execute(
                    outbox_table.insert(),
                    {
                        "observance_id": observance_id,
                        "occurrence_date": day,
                        "lead_days": send.key.lead_days,
                        "send_at": send.send_at,
                        "status": Status.SKIPPED.value,
                        "attempts": 0,
                        "next_attempt_at": send.send_at,
                        "message_id": message_id(send.key, self.outbox.domain),
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            result = conn.execute(
                update(outbox_table)
                .where(
                    T.observance_id == observance_id,
                    T.occurrence_date == day,
                    T.status.in_([s.value for s in OPEN]),
                )
                .values(status=Status.SKIPPED.value, updated_at=now, last_error=None)
            )
        return int(result.rowcount or 0) + len([s for s in planned if s.key.lead_days not in known])

    def unskip(self, observance_id: str, day: dt.date, now: dt.datetime) -> int:
        T = outbox_table.c
        with self.outbox.engine.begin() as conn:
            result = conn.execute(
                update(outbox_table)
                .where(
                    T.observance_id == observance_id,
                    T.occurrence_date == day,
                    T.status == Status.SKIPPED.value,
                )
                .values(status=Status.CANCELLED.value, updated_at=now)
            )
        return int(result.rowcount or 0)

    def send_again(self, observance_id: str, day: dt.date, now: dt.datetime) -> bool:
        """The latest sent mail of the occurrence goes again at the next tick, with its own
        Message-ID (the same one, as after a crash)."""
        rows = [
            r
            for r in self.outbox.rows(since=day)
            if r.key.observance_id == observance_id and r.key.occurrence_date == day
        ]
        sent = [r for r in rows if r.status == Status.SENT]
        target = min(sent, key=lambda r: r.key.lead_days, default=None)
        if target is None:
            return False
        T = outbox_table.c
        with self.outbox.engine.begin() as conn:
            done = conn.execute(
                update(outbox_table)
                .where(T.id == target.id, T.status == Status.SENT.value)
                .values(
                    status=Status.RETRY.value,
                    next_attempt_at=now,
                    last_error="sent again from the desk",
                    updated_at=now,
                )
            ).rowcount
        return bool(done)

    def draft(self, occurrence: Occurrence, language: str) -> Draft:
        _, profile = self.state()
        today = clock.now().astimezone(self.settings.zone).date()
        return render(occurrence, profile, self.templates(), language=language, today=today)

    def report(self) -> dict[str, object]:
        if self._report is not None:
            return self._report()
        return {"outbox": self.outbox.report(clock.now())}


def session_secret(settings: Settings) -> bytes:
    """The configured secret, or one made once and kept in the data directory (0600), so that
    sessions survive a restart without any setup."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode()
    path = settings.data_dir / "session.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(secret)
    return secret


def desk_config(
    settings: Settings,
    files: Live[Loaded],
    templates: Callable[[], TemplateSet],
    report: Callable[[], dict[str, object]] | None = None,
) -> DeskConfig:
    """The workspace for the web app: accounts, sessions, its table and the outbox."""
    outbox = outbox_for(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    outbox.create()
    store = DeskStore(settings.outbox_url)
    store.create()

    def state() -> tuple[Registry, Profile]:
        loaded = files.current()
        return loaded.registry, loaded.profile

    token = settings.status_token.get_secret_value() if settings.status_token else None
    return DeskConfig(
        accounts=Accounts(settings.users),
        sessions=Sessions(session_secret(settings), clock=time.time),
        store=store,
        backend=OutboxDesk(settings, outbox, state, templates, report),
        status_token=token,
        throttle=Throttle(base_delay=settings.login_delay_seconds),
        now=clock.now,
        zone=settings.zone,
    )

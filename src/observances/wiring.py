"""The only place that turns settings into objects, and the whole `observances run` process:
the files people edit (kept at their last good version), the service that sends drafts, and the
HTTP app that serves the feeds, together.

Every other module takes the few values it uses (a feed window, a schedule, mail routes) and
its clock as arguments; this module reads them from `Settings` and passes `clock.now`.

uvicorn runs the app in the main thread; the service's BackgroundScheduler ticks in its own
threads. On SIGTERM or SIGINT the service stops claiming drafts at once, uvicorn finishes its
requests, the send in flight completes, and the process exits 0.

The CLI imports this module for commands of every weight, so the heavy libraries (uvicorn,
Starlette, SQLAlchemy, Jinja) are imported inside the functions that need them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from observances import clock
from observances.delivery.planner import Schedule
from observances.errors import ObservancesError
from observances.reloading import Live

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from observances.calendar.feedset import Feed, FeedOptions
    from observances.delivery.mail import Transport
    from observances.delivery.outbox import Outbox
    from observances.delivery.planner import PlannedSend
    from observances.delivery.sending import MailRouting, PassReport, Renderer
    from observances.delivery.ticker import InstanceLock, PartHealth, Provider, Service, Timing
    from observances.drafts.render import Draft
    from observances.drafts.templates import TemplateSet
    from observances.occurrences import Occurrence
    from observances.profile import Profile
    from observances.registry.models import Registry
    from observances.settings import Settings
    from observances.web.app import HealthCheck
    from observances.web.desk import DeskConfig, Mail
    from observances.web.state import Loaded

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]


def schedule_for(settings: Settings) -> Schedule:
    return Schedule(settings.zone, settings.send_time)


def local_today(settings: Settings, now: Now = clock.now) -> Callable[[], dt.date]:
    """Today in the configured time zone: the one "today" of the index page, the feed window,
    the drafts' "days until" and the service's plan (`Schedule.date_at`, never the process's
    own zone)."""
    schedule = schedule_for(settings)
    return lambda: schedule.date_at(now())


# --- the feeds and the web app -----------------------------------------------------------------


def feed_options(settings: Settings) -> FeedOptions:
    from observances.calendar.feedset import FeedOptions

    return FeedOptions(
        settings.feed_years_back,
        settings.feed_years_ahead,
        settings.feed_alarm_days,
        windows=dict(settings.feed_windows),
        send_at=f"{settings.send_time:%H:%M} ({settings.timezone})",
        marked_alarm_days=settings.feed_marked_alarm_days,
    )


def configured_feeds(settings: Settings) -> tuple[Feed, ...]:
    """The `[[feeds]]` of the settings as the calendar's own type; the token leaves its
    SecretStr wrapper only here."""
    from observances.calendar.feedset import configured_feed

    return tuple(
        configured_feed(
            spec.name,
            title=spec.title,
            tags=spec.tags,
            ids=spec.ids,
            kinds=spec.kinds,
            marked=spec.marked,
            token=spec.token.get_secret_value() if spec.token else None,
        )
        for spec in settings.feeds
    )


def live_files(settings: Settings, now: Now = clock.now) -> Live[Loaded]:
    """The registry, the profile and the feed set, at their last good version."""
    from observances.web.state import live_files as watch

    return watch(settings.registry, settings.profile, configured_feeds(settings), now=now)


def web_app(
    settings: Settings,
    files: Live[Loaded],
    *,
    now: Now = clock.now,
    health_checks: Sequence[Callable[[], HealthCheck]] = (),
    status: Callable[[], dict[str, Any]] | None = None,
    poll_seconds: float = 2.0,
    templates: Callable[[], TemplateSet] | None = None,
) -> Starlette:
    """The app, with the team's workspace (docs/desk.md) over the outbox of the settings when
    an account or a status token is configured; `templates` renders its drafts (default: the
    templates directory, read once)."""
    from observances.calendar.feedset import over_budget
    from observances.errors import InputError
    from observances.web.app import create_app

    options, today = feed_options(settings), local_today(settings, now)
    loaded = files.current()
    # a window that a settings edit widened past the budget stops the start, with the way out
    too_big = over_budget(
        loaded.feeds, loaded.registry, loaded.profile, options, today(), events_only=True
    )
    if too_big:
        raise InputError("\n".join(str(exc) for exc in too_big))

    desk = None  # no account and no status token: nobody could use a workspace, none is made
    if settings.users or settings.status_token:
        if templates is None:
            templates = live_templates(settings.templates_dir, now).current
        desk = desk_config(settings, files, templates, status, now=now)
    return create_app(
        files,
        options,
        today=today,
        now=now,
        stamps_path=settings.data_dir / "feed-stamps.json",
        base_url=settings.base_url,
        health_checks=health_checks,
        status=status,
        poll_seconds=poll_seconds,
        desk=desk,
    )


def serve(settings: Settings, app: Starlette, announce: Callable[[], None]) -> None:
    """`observances serve`: the feeds alone, one process, one worker. `announce` runs once
    the server listens; a port in use raises PortInUseError (exit 1) before it starts."""
    from observances.web.listen import bind
    from observances.web.server import Server, server_config

    sock = bind(settings.host, settings.port)
    config = server_config(app)
    Server(config, announce=announce).run(sockets=[sock])


# --- the drafts and the service ------------------------------------------------------------


def live_templates(directory: Path, now: Now = clock.now) -> Live[TemplateSet]:
    """The templates, reloaded when any file below `directory` changes; a template with a
    syntax error fails the reload and the last good set stays in use."""
    from observances.drafts.templates import TemplateSet

    return Live((directory,), lambda _generation: TemplateSet.load(directory), now=now)


def draft_renderer(
    profile: Callable[[], Profile],
    templates: Callable[[], TemplateSet],
    today: Callable[[], dt.date],
) -> Renderer:
    """The service's renderer: the statement draft, in `language` (None: the profile's), as
    of `today` (`local_today`, on the service's clock). `profile` and `templates` are read at
    each call, so that an edit is picked up by the next draft."""
    from observances.drafts.render import render

    def renderer(
        occurrence: Occurrence,
        lead_days: int,  # noqa: ARG001 - the Renderer signature
        language: str | None = None,
    ) -> Draft:
        return render(occurrence, profile(), templates(), language=language, today=today())

    return renderer


def transport_for(settings: Settings, *, dry_run: bool | None = None) -> Transport:
    """Dry run if asked; SMTP when a host is set; otherwise the Maildir under data_dir."""
    from observances.delivery.mail import DryRunTransport, MaildirTransport, SmtpTransport

    if settings.dry_run if dry_run is None else dry_run:
        return DryRunTransport()
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return SmtpTransport(
            settings.smtp_host,
            settings.effective_smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=password,
            timeout=settings.smtp_timeout,
        )
    return MaildirTransport(settings.data_dir / "maildir")


def outbox_for(settings: Settings) -> Outbox:
    from observances.delivery.mail import domain_of
    from observances.delivery.outbox import Outbox

    return Outbox(
        settings.outbox_url,
        domain=domain_of(settings.mail_from),
        retry_initial_seconds=settings.retry_initial_seconds,
        retry_max_seconds=settings.retry_max_seconds,
    )


def existing_outbox(settings: Settings) -> Outbox | None:
    """The outbox if there is one, of a schema this code reads; `plan` and `status` never
    create it."""
    if settings.database_url is None and not (settings.data_dir / "outbox.sqlite3").exists():
        return None
    outbox = outbox_for(settings)
    outbox.check_version()
    return outbox


def instance_lock(settings: Settings) -> InstanceLock:
    """One process per data directory: it holds the outbox, the Maildir and this lock."""
    from observances.delivery.ticker import InstanceLock

    return InstanceLock(settings.data_dir / "observances.lock")


def mail_routing(settings: Settings) -> MailRouting:
    from observances.delivery.sending import MailRouting

    return MailRouting(
        settings.mail_from,
        settings.mail_to,
        settings.mail_to_by_tag,
        settings.mail_to_by_program,
        sender_name=settings.mail_from_name,
    )


def service_timing(settings: Settings) -> Timing:
    from observances.delivery.ticker import Timing

    return Timing(settings.tick_seconds, settings.smtp_timeout)


def service_for(
    settings: Settings,
    provider: Provider,
    renderer: Renderer,
    *,
    transport: Transport | None = None,
    outbox: Outbox | None = None,
    now: Now = clock.now,
    monotonic: Callable[[], float] = clock.monotonic,
    use_lock: bool = True,
) -> Service:
    """The sending service; tests give their own transport, outbox and clock."""
    from observances.delivery.ticker import Service

    return Service(
        provider,
        renderer,
        schedule=schedule_for(settings),
        routing=mail_routing(settings),
        timing=service_timing(settings),
        transport=transport or transport_for(settings),
        outbox=outbox or outbox_for(settings),
        lock=instance_lock(settings) if use_lock else None,
        clock=now,
        monotonic=monotonic,
    )


class Assembled(NamedTuple):
    """The service and the live files it reads, which `run` also serves and checks."""

    service: Service
    files: Live[Loaded]
    templates: Live[TemplateSet]


def assemble(
    settings: Settings,
    *,
    dry_run: bool | None = None,
    use_lock: bool = True,
    now: Now = clock.now,
) -> Assembled:
    """The service as both `run` and `send-due` use it: the registry, profile and templates at
    their last good version, looked at again before each pass. A file that does not load the
    first time raises here (exit 2), before the lock is taken."""
    files = live_files(settings, now)
    templates = live_templates(settings.templates_dir, now)
    writable_data_dir(settings.data_dir)

    def provider() -> tuple[Registry, Profile]:
        # each pass looks for edits; the web app polls the same state between ticks
        files.refresh()
        templates.refresh()
        loaded = files.current()
        return loaded.registry, loaded.profile

    renderer = draft_renderer(
        lambda: files.current().profile, templates.current, local_today(settings, now)
    )
    transport = transport_for(settings, dry_run=dry_run)
    service = service_for(
        settings, provider, renderer, transport=transport, now=now, use_lock=use_lock
    )
    return Assembled(service, files, templates)


def writable_data_dir(path: Path) -> None:
    """Create the data directory if needed and prove that a file can be written in it, before
    anything else does: a missing or read-only directory is one clear error (exit 1), not a
    traceback from whichever of the lock, the outbox or the Maildir came first."""
    import getpass
    import tempfile

    what = f"data directory {path} (the outbox, the Maildir and the instance lock)"
    fix = "or set OBSERVANCES_DATA_DIR (data_dir) to one that user can write"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ObservancesError(
            f"{what}: cannot create it ({exc.strerror}); create it for user {user}, {fix}"
        ) from None
    try:
        handle, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise ObservancesError(
            f"{what}: cannot write in it ({exc.strerror}); make it writable by user {user}, {fix}"
        ) from None


def send_due(settings: Settings, *, dry_run: bool | None = None) -> PassReport:
    """`observances send-due`: one pass of the service that `run` ticks, for cron."""
    return assemble(settings, dry_run=dry_run).service.run_once()


def run(settings: Settings, *, use_lock: bool = True) -> None:
    """Serve the feeds and send the drafts until SIGTERM or SIGINT; then exit cleanly."""
    from observances.web.app import HealthCheck
    from observances.web.listen import PortInUseError, bind
    from observances.web.server import Server, server_config

    service, files, templates = assemble(settings, use_lock=use_lock)

    def scheduler_health() -> HealthCheck:
        age = service.heartbeat_age()
        return HealthCheck("scheduler", service.healthy(), f"heartbeat {age:.0f} s ago")

    def templates_health() -> HealthCheck:
        # a bad template edit degrades, it does not stop: the last good set is in use
        problems = templates.problems
        detail = "; ".join(p.message for p in problems)
        return HealthCheck("templates", True, detail, degraded=bool(problems))

    def part(check: Callable[[], PartHealth]) -> Callable[[], HealthCheck]:
        def read() -> HealthCheck:
            found = check()
            return HealthCheck(found.name, found.ok, found.detail, degraded=found.degraded)

        return read

    app = web_app(
        settings,
        files,
        health_checks=(
            scheduler_health,
            templates_health,
            part(service.state_health),
            part(service.transport_health_check),
            part(service.inputs_health),
        ),
        status=service.status_report,
        templates=templates.current,
    )
    config = server_config(app)
    address = f"http://{settings.host}:{settings.port}/"
    server = Server(
        config,
        on_exit=service.request_stop,
        announce=lambda: log.info("Serving the feeds and sending drafts at %s", address),
    )
    try:
        # the port before the service starts: stopping a scheduler that has just started
        # races with its first tick
        sock = bind(settings.host, settings.port)  # a port in use: exit 1, naming the port
    except PortInUseError:
        if service.lock is not None:
            # a second instance of this data directory: say so, naming the holder's PID
            service.lock.acquire()
            service.lock.release()
        raise
    try:
        service.start()  # takes the instance lock
    except BaseException:
        sock.close()
        raise
    # uvicorn re-raises the signal it caught once it has shut down; handlers of our own
    # take it, so that the process can stop the service and exit 0
    previous = {s: signal.signal(s, _ignore) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run(sockets=[sock])
    finally:
        service.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Takes the signal uvicorn re-raises after its shutdown; the stop is already under way."""


# --- the desk: the web's DeskBackend over the outbox and the planner ---------------------------


class OutboxDesk:
    """What the desk reads and does on the delivery side (`web.desk.DeskBackend`)."""

    def __init__(
        self,
        settings: Settings,
        outbox: Outbox,
        state: Callable[[], tuple[Registry, Profile]],
        templates: Callable[[], TemplateSet],
        report: Callable[[], dict[str, Any]] | None = None,
        *,
        now: Now = clock.now,
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self.state = state
        self.templates = templates
        self._report = report
        self.now = now
        self.today = local_today(settings, now)
        self._memo: tuple[Registry, Profile, tuple[dt.date, dt.date], list[PlannedSend]] | None
        self._memo = None

    def _planned(self, first: dt.date, last: dt.date) -> list[PlannedSend]:
        from observances.delivery import planner

        registry, profile = self.state()
        # one entry: the desk asks for the same window on every view of one day
        memo = self._memo
        if memo and memo[0] is registry and memo[1] is profile and memo[2] == (first, last):
            return memo[3]
        planned = planner.plan(
            registry,
            profile,
            zone=self.settings.zone,
            send_time=self.settings.send_time,
            first_day=first,
            last_day=last,
        )
        self._memo = (registry, profile, (first, last), planned)
        return planned

    def mails(self, first: dt.date, last: dt.date) -> list[Mail]:
        from observances.web.desk import Mail

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
        from sqlalchemy import select, update

        from observances.delivery.outbox import OPEN, Status
        from observances.delivery.schema import message_id, outbox_table

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
        from sqlalchemy import update

        from observances.delivery.outbox import Status
        from observances.delivery.schema import outbox_table

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
        from sqlalchemy import update

        from observances.delivery.outbox import Status
        from observances.delivery.schema import outbox_table

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
        from observances.drafts.render import render

        _, profile = self.state()
        return render(occurrence, profile, self.templates(), language=language, today=self.today())

    def report(self) -> dict[str, Any]:
        if self._report is not None:
            return self._report()
        return {"outbox": self.outbox.report(self.now()).as_json()}


def session_secret(settings: Settings) -> bytes:
    """The configured secret, or one made once and kept in the data directory (0600), so that
    sessions survive a restart without any setup."""
    import os
    import secrets

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
    report: Callable[[], dict[str, Any]] | None = None,
    *,
    now: Now = clock.now,
) -> DeskConfig:
    """The workspace for the web app: accounts, sessions, its table and the outbox."""
    import time

    from observances.web.auth import Accounts, Sessions, Throttle
    from observances.web.desk import DeskConfig
    from observances.web.desk_store import DeskStore

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
        backend=OutboxDesk(settings, outbox, state, templates, report, now=now),
        status_token=token,
        throttle=Throttle(base_delay=settings.login_delay_seconds),
        now=now,
        zone=settings.zone,
    )


# --- the static export ---------------------------------------------------------------------


def publish(settings: Settings, directory: Path, base_url: str | None, now: Now = clock.now) -> int:
    """`observances publish`: the public site as files under `directory` (created if needed),
    the same bytes for the same inputs; a file whose bytes are already there is not rewritten.
    Returns how many files the export holds."""
    from observances.web.export import export_site

    files = live_files(settings, now).current()
    base = (base_url or settings.base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    exported = export_site(files, feed_options(settings), base, local_today(settings, now)())
    for relative, body in exported.items():
        path = directory / relative
        if path.is_file() and path.read_bytes() == body:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(body)
        partial.replace(path)  # atomic: a server never reads half a file
    return len(exported)

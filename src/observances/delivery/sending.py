"""One pass of the service: plan -> outbox -> send what is due. Used by every tick of the
service and by `observances send-due` (for cron), so both behave the same.

The pass reads the wall clock through `clock` each time it records something, so downtime,
clock jumps and DST need no special case: whatever is due now goes out, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from observances.delivery.mail import (
    DeliveryError,
    DraftContent,
    Envelope,
    Transport,
    build_message,
    domain_of,
    recipients_for,
)
from observances.delivery.outbox import Outbox, Row, Status, SyncResult, Worker
from observances.delivery.planner import PlannedSend, plan_ahead
from observances.errors import ObservancesError
from observances.occurrences import Occurrence
from observances.profile import Profile
from observances.registry.models import Registry
from observances.settings import Settings

log = logging.getLogger(__name__)

Renderer = Callable[[Occurrence, int], DraftContent]
"""(occurrence, lead days) -> the draft's content. The lead wires drafts.render here."""

Clock = Callable[[], dt.datetime]


@dataclass(slots=True)
class PassReport:
    planned: int = 0
    synced: SyncResult = field(default_factory=SyncResult)
    late: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dry_run: int = 0
    uncertain: int = 0
    planner: bool = True
    stopped: bool = False

    def as_json(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["synced"] = dataclasses.asdict(self.synced)
        return data


class StateNotWritableError(ObservancesError):
    """Outcomes wait to be recorded and the outbox still refuses the write (disk full, a
    read-only file): the pass claims nothing more until they are recorded."""


@dataclass(slots=True)
class PendingRecords:
    """Outcomes reached but not yet written to the outbox: a send the server accepted while
    the disk was full stays here, and is recorded (not sent again) at the next pass. The row
    stays `sending`, claimed by this worker, so no one recovers it while the worker lives."""

    waiting: dict[int, tuple[Row, Callable[[], None]]] = field(default_factory=dict)
    error: str | None = None

    def record(self, row: Row, write: Callable[[], None]) -> bool:
        """Write now if possible; else keep it for `flush`. True when written."""
        try:
            write()
        except Exception as exc:
            self.waiting[row.id] = (row, write)
            self.error = _reason(exc)
            log.error("draft %s: its outcome could not be recorded (%s); retrying", row.key, exc)
            return False
        return True

    def flush(self) -> None:
        """Record what waits, oldest first; raise StateNotWritableError if anything still
        cannot be written."""
        for row_id, (row, write) in list(self.waiting.items()):
            try:
                write()
            except Exception as exc:
                self.error = _reason(exc)
                raise StateNotWritableError(
                    f"{len(self.waiting)} outcome(s) not yet recorded in the outbox: {self.error}"
                ) from None
            del self.waiting[row_id]
            log.info("draft %s: its outcome is recorded at last", row.key)
        self.error = None


def _reason(exc: Exception) -> str:
    """The database's own words (SQLAlchemy wraps them with the statement and a link)."""
    original = getattr(exc, "orig", None)
    return str(original) if original is not None else f"{type(exc).__name__}: {exc}"


@dataclass(slots=True)
class TransportHealth:
    """Consecutive transient failures of the transport; `degraded` after `threshold` in a row
    (a Maildir that cannot be written, a mail server down), with the last reason."""

    threshold: int = 3
    failures: int = 0
    last_error: str | None = None

    def failed(self, error: str) -> None:
        self.failures += 1
        self.last_error = error

    def worked(self) -> None:
        self.failures = 0
        self.last_error = None

    @property
    def degraded(self) -> bool:
        return self.failures >= self.threshold


def outbox_for(settings: Settings) -> Outbox:
    return Outbox(
        settings.outbox_url,
        domain=domain_of(settings.mail_from),
        retry_initial_seconds=settings.retry_initial_seconds,
        retry_max_seconds=settings.retry_max_seconds,
    )


def send_due(
    *,
    outbox: Outbox,
    registry: Registry,
    profile: Profile,
    settings: Settings,
    renderer: Renderer,
    transport: Transport,
    clock: Clock,
    should_stop: Callable[[], bool] = lambda: False,
    on_progress: Callable[[], None] = lambda: None,
    worker: Worker | None = None,
    lease_seconds: float = 300.0,
    planner: bool = True,
    records: PendingRecords | None = None,
    health: TransportHealth | None = None,
) -> PassReport:
    """Plan, bring the outbox up to date, mark late rows, then send each due row in send-time
    order. Stops claiming as soon as `should_stop()` says so; the send in flight finishes.

    With several instances on one database, only the `planner` plans and marks late rows;
    every instance sends, each claim recording its `worker` and a lease. Outcomes not yet
    recorded (`records`) are written first; while they cannot be, nothing more is claimed."""
    records = records if records is not None else PendingRecords()
    health = health if health is not None else TransportHealth()
    records.flush()
    now = clock()
    today = now.astimezone(settings.zone).date()
    planned = plan_ahead(
        registry, profile, zone=settings.zone, send_time=settings.send_time, today=today
    )
    report = PassReport(planned=len(planned), planner=planner)
    dry_run = transport.records == Status.DRY_RUN.value
    if planner:
        report.synced = outbox.sync(planned, today, now, dry_run=dry_run)
        report.late = outbox.mark_late(today, now)
    if report.late:
        log.warning("%d draft(s) skipped: their date passed before they could be sent", report.late)
    by_key = {send.key: send for send in planned}
    while not (stopped := should_stop()):
        if worker is None:
            due = outbox.due(clock(), limit=1)
            claimed = outbox.claim(due[0].id, clock()) if due else None
            batch = [claimed] if claimed else []
            if due and not batch:
                continue  # another process took it, or it stopped being due
        else:
            batch = outbox.claim_next(clock(), worker=worker, lease_seconds=lease_seconds)
        if not batch:
            break
        for row in batch:
            if should_stop():
                outbox.release(row, clock())
                continue
            send = by_key.get(row.key)
            if send is None:
                # planned by an instance whose registry or profile differs from ours: it is
                # the planner's row, and this instance cannot render it; give it back
                log.warning("due row %s is not in this instance's plan; leaving it", row.key)
                outbox.release(row, clock())
                return _stopped(report, stopped=False)
            outcome = deliver(
                row, send, profile, settings, renderer, transport, outbox, clock, records, health
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
            on_progress()
            if records.waiting:
                records.flush()  # raises while the outbox cannot be written: claim no more
    return _stopped(report, stopped=stopped)


def _stopped(report: PassReport, *, stopped: bool) -> PassReport:
    report.stopped = stopped
    return report


def deliver(
    row: Row,
    send: PlannedSend,
    profile: Profile,
    settings: Settings,
    renderer: Renderer,
    transport: Transport,
    outbox: Outbox,
    clock: Clock,
    records: PendingRecords | None = None,
    health: TransportHealth | None = None,
) -> str:
    """Render, build and hand over one claimed row; record the outcome. Returns the name of
    the PassReport counter it adds to."""
    records = records if records is not None else PendingRecords()
    health = health if health is not None else TransportHealth()
    obs = send.occurrence.observance
    recipients = recipients_for(
        obs.tags,
        [p.id for p in profile.programs if p.relates_to(obs)],
        settings.mail_to,
        settings.mail_to_by_tag,
        settings.mail_to_by_program,
    )
    try:
        if not recipients:
            raise ValueError("no recipients: set OBSERVANCES_MAIL_TO")
        content = renderer(send.occurrence, row.key.lead_days)
        envelope = Envelope(row.key, row.message_id, settings.mail_from, recipients)
        message = build_message(content, envelope, clock())
    except Exception as exc:
        # A template or registry problem of this draft alone: the same input fails the same
        # way every time, so it is failed (and reported), and the other rows still go out.
        log.exception("draft %s could not be prepared", row.key)
        error = f"could not prepare the draft: {exc}"
        records.record(row, lambda: outbox.mark_failed(row, clock(), error))
        return "failed"
    try:
        refused = transport.send(message, settings.mail_from, recipients)
    except DeliveryError as exc:
        health.failed(str(exc))
        reason = str(exc)
        if exc.ambiguous:
            # the server had the whole message and did not say what it did with it
            left: list[Status] = []
            records.record(row, lambda: left.append(outbox.mark_ambiguous(row, clock(), reason)))
            log.warning("draft %s: no reply after DATA (%s)", row.key, exc)
            return "uncertain" if left == [Status.UNCERTAIN] else "retried"
        if exc.permanent:
            log.error("draft %s refused for good: %s", row.key, exc)
            records.record(row, lambda: outbox.mark_failed(row, clock(), reason))
            return "failed"
        log.warning("draft %s deferred (%s)", row.key, exc)
        records.record(row, lambda: _retry(outbox, row, clock(), reason))
        return "retried"
    except Exception as exc:
        # an unexpected transport bug: keep the row alive rather than lose it
        log.exception("draft %s: unexpected error from %r", row.key, transport)
        health.failed(f"{type(exc).__name__}: {exc}")
        reason = f"{type(exc).__name__}: {exc}"
        records.record(row, lambda: _retry(outbox, row, clock(), reason))
        return "retried"
    health.worked()
    if transport.records == Status.DRY_RUN.value:
        records.record(row, lambda: outbox.mark_dry_run(row, clock()))
        return "dry_run"
    # Accepted: from here on the row must be recorded as sent, never sent again. If the outbox
    # cannot be written (disk full), the outcome waits in `records` and is retried as a write.
    records.record(row, lambda: outbox.mark_sent(row, clock(), refused))
    if refused:
        log.warning("draft %s sent, but some recipients were refused: %s", row.key, refused)
    log.info("draft %s sent via %s as %s", row.key, transport.name, row.message_id)
    return "sent"


def _retry(outbox: Outbox, row: Row, now: dt.datetime, error: str) -> None:
    at = outbox.mark_retry(row, now, error)
    log.info("draft %s: next attempt at %s", row.key, at.isoformat())

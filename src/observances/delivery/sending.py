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
from observances.delivery.outbox import Outbox, Row, Status, SyncResult
from observances.delivery.planner import PlannedSend, SendKey, plan_ahead, superseded
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
    superseded: int = 0
    stopped: bool = False

    def as_json(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["synced"] = dataclasses.asdict(self.synced)
        return data


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
) -> PassReport:
    """Plan, bring the outbox up to date, mark late rows, then send each due row in send-time
    order. Stops claiming as soon as `should_stop()` says so; the send in flight finishes."""
    now = clock()
    today = now.astimezone(settings.zone).date()
    planned = plan_ahead(
        registry, profile, zone=settings.zone, send_time=settings.send_time, today=today
    )
    report = PassReport(planned=len(planned))
    dry_run = transport.records == Status.DRY_RUN.value
    report.synced = outbox.sync(planned, today, now, dry_run=dry_run)
    report.late = outbox.mark_late(today, now)
    if report.late:
        log.warning("%d draft(s) skipped: their date passed before they could be sent", report.late)
    by_key = {send.key: send for send in planned}
    due = outbox.due(now)
    report.superseded = _supersede(outbox, due, today, clock)
    for row in outbox.due(now):
        if should_stop():
            report.stopped = True
            break
        send = by_key.get(row.key)
        if send is None:  # cannot happen after sync (it cancels unplanned rows); be explicit
            log.warning("due row %s is not in the plan; leaving it", row.key)
            continue
        claimed = outbox.claim(row.id, clock())
        if claimed is None:
            continue  # another process took it, or it stopped being due
        outcome = deliver(claimed, send, profile, settings, renderer, transport, outbox, clock)
        setattr(report, outcome, getattr(report, outcome) + 1)
        on_progress()
    return report


def _supersede(outbox: Outbox, due: list[Row], today: dt.date, clock: Clock) -> int:
    """Mark superseded the due rows that a nearer lead time of their occurrence replaces: of
    several due at once, only the nearest to the day goes out. Returns how many."""
    done = [
        row.key
        for row in outbox.rows(since=today)
        if row.status in (Status.SENT, Status.SENDING, Status.DRY_RUN)
    ]
    replaced = superseded((row.key for row in due), done)
    count = 0
    for row in due:
        nearer = replaced.get(row.key)
        if nearer is not None:
            reason = f"superseded by the {nearer.lead_days}-day draft of the same day"
            count += outbox.mark_superseded(row, clock(), reason)
            log.info("draft %s %s", row.key, reason)
    return count


def _thread(outbox: Outbox, key: SendKey) -> str | None:
    """The Message-ID of the first mail sent for the occurrence of `key` (the one later mails
    answer), or None when none was sent yet."""
    sent = [
        row
        for row in outbox.rows(since=key.occurrence_date)
        if row.key.occurrence == key.occurrence
        and row.status == Status.SENT
        and row.sent_at is not None
    ]
    first = min(sent, key=lambda row: (row.sent_at, -row.key.lead_days), default=None)
    return first.message_id if first else None


def deliver(
    row: Row,
    send: PlannedSend,
    profile: Profile,
    settings: Settings,
    renderer: Renderer,
    transport: Transport,
    outbox: Outbox,
    clock: Clock,
) -> str:
    """Render, build and hand over one claimed row; record the outcome. Returns the name of
    the PassReport counter it adds to."""
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
        envelope = Envelope(
            row.key,
            row.message_id,
            settings.mail_from,
            recipients,
            thread=_thread(outbox, row.key),
            sender_name=settings.mail_from_name,
        )
        now = clock()
        days_ahead = (send.occurrence.start - now.astimezone(settings.zone).date()).days
        message = build_message(content, envelope, now, days_ahead=days_ahead)
    except Exception as exc:
        # A template or registry problem of this draft alone: the same input fails the same
        # way every time, so it is failed (and reported), and the other rows still go out.
        log.exception("draft %s could not be prepared", row.key)
        outbox.mark_failed(row, clock(), f"could not prepare the draft: {exc}")
        return "failed"
    try:
        refused = transport.send(message, settings.mail_from, recipients)
    except DeliveryError as exc:
        if exc.permanent:
            log.error("draft %s refused for good: %s", row.key, exc)
            outbox.mark_failed(row, clock(), str(exc))
            return "failed"
        at = outbox.mark_retry(row, clock(), str(exc))
        log.warning("draft %s deferred (%s); next attempt at %s", row.key, exc, at.isoformat())
        return "retried"
    except Exception as exc:
        # an unexpected transport bug: keep the row alive rather than lose it
        log.exception("draft %s: unexpected error from %r", row.key, transport)
        outbox.mark_retry(row, clock(), f"{type(exc).__name__}: {exc}")
        return "retried"
    if transport.records == Status.DRY_RUN.value:
        outbox.mark_dry_run(row, clock())
        return "dry_run"
    outbox.mark_sent(row, clock(), refused)
    if refused:
        log.warning("draft %s sent, but some recipients were refused: %s", row.key, refused)
    log.info("draft %s sent via %s as %s", row.key, transport.name, row.message_id)
    return "sent"

"""One pass of the service: plan -> outbox -> send what is due. Used by every tick of the
service and by `observances send-due` (for cron), so both behave the same.

The pass reads the wall clock through `clock` each time it records something, so downtime,
clock jumps and DST need no special case: whatever is due now goes out, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from observances.delivery.mail import (
    DeliveryError,
    DraftContent,
    Envelope,
    Transport,
    build_message,
    recipients_for,
)
from observances.delivery.outbox import Outbox, Row, Status, SyncResult
from observances.delivery.planner import PlannedSend, Schedule, plan_ahead
from observances.occurrences import Occurrence
from observances.profile import Profile
from observances.registry.models import Observance, Registry

log = logging.getLogger(__name__)

Renderer = Callable[[Occurrence, int], DraftContent]
"""(occurrence, lead days) -> the draft's content; wiring.draft_renderer wires drafts.render."""

Clock = Callable[[], dt.datetime]


class Outcome(StrEnum):
    """What became of one claimed row."""

    SENT = "sent"  # the transport took it
    RETRIED = "retried"  # deferred: tried again after the backoff
    FAILED = "failed"  # refused for good, or the draft could not be prepared
    DRY_RUN = "dry_run"  # logged, not sent


@dataclass(frozen=True, slots=True)
class PassReport:
    """One pass: how many sends were planned, what the outbox sync changed, how many rows were
    too late, the outcome of each row claimed, and whether a stop cut the pass short."""

    planned: int = 0
    synced: SyncResult = field(default_factory=SyncResult)
    late: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dry_run: int = 0
    stopped: bool = False

    def as_json(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["synced"] = dataclasses.asdict(self.synced)
        return data


@dataclass(frozen=True, slots=True)
class MailRouting:
    """Who sends the drafts and who gets them: `recipients` get every draft, and the routes of
    an observance's tags and of the profile's programs related to it add theirs."""

    sender: str
    recipients: tuple[str, ...]
    by_tag: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    by_program: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def recipients_for(self, obs: Observance, profile: Profile) -> tuple[str, ...]:
        return recipients_for(
            obs.tags,
            [p.id for p in profile.programs if p.relates_to(obs)],
            self.recipients,
            self.by_tag,
            self.by_program,
        )


def send_due(
    *,
    outbox: Outbox,
    registry: Registry,
    profile: Profile,
    schedule: Schedule,
    routing: MailRouting,
    renderer: Renderer,
    transport: Transport,
    clock: Clock,
    should_stop: Callable[[], bool] = lambda: False,
    on_progress: Callable[[], None] = lambda: None,
) -> PassReport:
    """Plan, bring the outbox up to date, mark late rows, then send each due row in send-time
    order. Stops claiming as soon as `should_stop()` says so; the send in flight finishes."""
    now = clock()
    today = schedule.date_at(now)
    planned = plan_ahead(
        registry, profile, zone=schedule.zone, send_time=schedule.send_time, today=today
    )
    dry_run = transport.records == Status.DRY_RUN.value
    synced = outbox.sync(planned, today, now, dry_run=dry_run)
    late = outbox.mark_late(today, now)
    if late:
        log.warning("%d draft(s) skipped: their date passed before they could be sent", late)
    by_key = {send.key: send for send in planned}
    outcomes: Counter[Outcome] = Counter()
    stopped = False
    for row in outbox.due(now):
        if should_stop():
            stopped = True
            break
        send = by_key.get(row.key)
        if send is None:  # cannot happen after sync (it cancels unplanned rows); be explicit
            log.warning("due row %s is not in the plan; leaving it", row.key)
            continue
        claimed = outbox.claim(row.id, clock())
        if claimed is None:
            continue  # another process took it, or it stopped being due
        outcomes[deliver(claimed, send, profile, routing, renderer, transport, outbox, clock)] += 1
        on_progress()
    return PassReport(
        planned=len(planned),
        synced=synced,
        late=late,
        sent=outcomes[Outcome.SENT],
        retried=outcomes[Outcome.RETRIED],
        failed=outcomes[Outcome.FAILED],
        dry_run=outcomes[Outcome.DRY_RUN],
        stopped=stopped,
    )


def deliver(
    row: Row,
    send: PlannedSend,
    profile: Profile,
    routing: MailRouting,
    renderer: Renderer,
    transport: Transport,
    outbox: Outbox,
    clock: Clock,
) -> Outcome:
    """Render, build and hand over one claimed row; record the outcome and return it."""
    recipients = routing.recipients_for(send.occurrence.observance, profile)
    try:
        if not recipients:
            raise ValueError("no recipients: set OBSERVANCES_MAIL_TO")
        content = renderer(send.occurrence, row.key.lead_days)
        envelope = Envelope(row.key, row.message_id, routing.sender, recipients)
        message = build_message(content, envelope, clock())
    except Exception as exc:
        # A template or registry problem of this draft alone: the same input fails the same
        # way every time, so it is failed (and reported), and the other rows still go out.
        log.exception("draft %s could not be prepared", row.key)
        outbox.mark_failed(row, clock(), f"could not prepare the draft: {exc}")
        return Outcome.FAILED
    try:
        refused = transport.send(message, routing.sender, recipients)
    except DeliveryError as exc:
        if exc.permanent:
            log.error("draft %s refused for good: %s", row.key, exc)
            outbox.mark_failed(row, clock(), str(exc))
            return Outcome.FAILED
        at = outbox.mark_retry(row, clock(), str(exc))
        log.warning("draft %s deferred (%s); next attempt at %s", row.key, exc, at.isoformat())
        return Outcome.RETRIED
    except Exception as exc:
        # an unexpected transport bug: keep the row alive rather than lose it
        log.exception("draft %s: unexpected error from %r", row.key, transport)
        outbox.mark_retry(row, clock(), f"{type(exc).__name__}: {exc}")
        return Outcome.RETRIED
    if transport.records == Status.DRY_RUN.value:
        outbox.mark_dry_run(row, clock())
        return Outcome.DRY_RUN
    outbox.mark_sent(row, clock(), refused)
    if refused:
        log.warning("draft %s sent, but some recipients were refused: %s", row.key, refused)
    log.info("draft %s sent via %s as %s", row.key, transport.name, row.message_id)
    return Outcome.SENT

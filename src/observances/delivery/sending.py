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
from typing import Protocol

from observances.delivery.mail import (
    DeliveryError,
    DraftContent,
    Envelope,
    Transport,
    build_message,
    recipients_for,
)
from observances.delivery.outbox import Outbox, Row, Status, SyncResult
from observances.delivery.planner import (
    CORRECTION,
    PlannedSend,
    Schedule,
    SendKey,
    corrections,
    plan_ahead,
    superseded,
)
from observances.drafts.correction import notice
from observances.occurrences import Occurrence, occurrences_in_year
from observances.profile import Profile
from observances.registry.models import Observance, Registry

log = logging.getLogger(__name__)


class Renderer(Protocol):
    """(occurrence, lead days, language) -> the draft's content, in `language` (None: the
    profile's); wiring.draft_renderer wires drafts.render."""

    def __call__(
        self, occurrence: Occurrence, lead_days: int, language: str | None = None
    ) -> DraftContent: ...


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
    superseded: int = 0
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
    sender_name: str = ""
    """The display name on From; none when empty."""

    def recipients_for(
        self, obs: Observance, profile: Profile, language: str = ""
    ) -> tuple[str, ...]:
        """Who gets the draft of `obs` in `language`: for "" (the profile's language) the
        default list, the tag routes and the programs of that language; for another language
        only the routes of related programs in that language."""
        related = [p for p in profile.programs if p.relates_to(obs)]
        if language:
            ids = [p.id for p in related if p.language == language]
            return recipients_for((), ids, (), {}, self.by_program)
        ids = [p.id for p in related if p.language == profile.language]
        return recipients_for(obs.tags, ids, self.recipients, self.by_tag, self.by_program)


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
        registry,
        profile,
        zone=schedule.zone,
        send_time=schedule.send_time,
        today=today,
        routed=routing.by_program.keys(),
    )
    dry_run = transport.records == Status.DRY_RUN.value
    notices = _notices(outbox, registry, planned, today)
    planned = [*planned, *(send for send, _new in notices.values())]
    synced = outbox.sync(planned, today, now, dry_run=dry_run)
    late = outbox.mark_late(today, now)
    if late:
        log.warning("%d draft(s) skipped: their date passed before they could be sent", late)
    by_key = {send.key: send for send in planned}
    superseded_count = _supersede(outbox, outbox.due(now), today, clock)
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
        moved = notices[row.key][1] if row.key in notices else None
        outcome = deliver(
            claimed, send, profile, routing, renderer, transport, outbox, clock, schedule, moved
        )
        outcomes[outcome] += 1
        on_progress()
    return PassReport(
        planned=len(planned),
        synced=synced,
        late=late,
        sent=outcomes[Outcome.SENT],
        retried=outcomes[Outcome.RETRIED],
        failed=outcomes[Outcome.FAILED],
        dry_run=outcomes[Outcome.DRY_RUN],
        superseded=superseded_count,
        stopped=stopped,
    )


def _notices(
    outbox: Outbox, registry: Registry, planned: list[PlannedSend], today: dt.date
) -> dict[SendKey, tuple[PlannedSend, Occurrence | None]]:
    """The corrections to plan: for each occurrence drafts were sent for that the plan no
    longer holds, a send keyed (id, old date, CORRECTION, language), due at once (its send time
    is the first draft's, so it never moves), with the occurrence that replaces it, if any."""
    sent = [r for r in outbox.rows(since=today) if r.status == Status.SENT and r.sent_at]
    found: dict[SendKey, tuple[PlannedSend, Occurrence | None]] = {}
    for key in corrections((r.key for r in sent), planned, today):
        obs = registry.by_id.get(key.observance_id)
        held = occurrences_in_year(obs, key.occurrence_date.year) if obs else ()
        if not held:
            log.warning("%s is gone from the registry: no notice can name it", key)
            continue
        base = held[0]
        old = dataclasses.replace(
            base, start=key.occurrence_date, end=key.occurrence_date + (base.end - base.start)
        )
        first = min(r.sent_at for r in sent if r.sent_at and r.key.occurrence == key.occurrence)
        new = [
            s.occurrence
            for s in planned
            if s.key.observance_id == key.observance_id
            and s.key.language == key.language
            and s.occurrence.year == old.year
        ]
        found[key] = (PlannedSend(key, first, old), min(new, key=lambda o: o.start, default=None))
    return found


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
    routing: MailRouting,
    renderer: Renderer,
    transport: Transport,
    outbox: Outbox,
    clock: Clock,
    schedule: Schedule,
    moved: Occurrence | None = None,
) -> Outcome:
    """Render, build and hand over one claimed row; record the outcome and return it.
    `schedule` gives the local date at sending, from which the subject's distance is counted."""
    language = row.key.language
    recipients = routing.recipients_for(send.occurrence.observance, profile, language)
    try:
        if not recipients:
            raise ValueError("no recipients: set OBSERVANCES_MAIL_TO")
        content: DraftContent
        label = None
        if row.key.lead_days == CORRECTION:
            # the drafts' own subject, for the same occurrence, gives the thread's stem
            draft = renderer(send.occurrence, 0, language or None)
            first_sent = schedule.date_at(send.send_at)
            content = notice(send.occurrence, moved, draft.subject, draft.language, first_sent)
            label = content.label
        else:
            content = renderer(send.occurrence, row.key.lead_days, language or None)
        envelope = Envelope(
            row.key,
            row.message_id,
            routing.sender,
            recipients,
            thread=_thread(outbox, row.key),
            sender_name=routing.sender_name,
        )
        now = clock()
        days_ahead = (send.occurrence.start - schedule.date_at(now)).days
        message = build_message(content, envelope, now, days_ahead=days_ahead, label=label)
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

"""One pass of the service: plan -> outbox -> send what is due. Used by every tick of the
service and by `observances send-due` (for cron), so both behave the same.

The pass reads the wall clock through `clock` each time it records something, so downtime,
clock jumps and DST need no special case: whatever is due now goes out, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
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
from observances.delivery.outbox import Inputs, Outbox, Row, Status, SyncResult, Worker
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
from observances.errors import ObservancesError
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
    UNCERTAIN = "uncertain"  # twice no final reply after DATA: left to a person


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
    uncertain: int = 0
    planner: bool = True
    """Whether this instance planned (the elected planner) or only sent."""
    skew: str | None = None
    """Why this instance's registry or profile differ from the plan's, when they do."""
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


@dataclass(slots=True)
class Sender:
    """This process as one sender among several on one outbox: the `worker` its claims
    record and their lease, whether it is the elected `planner` (and applies version
    `fencing`, which only several instances need), and what it carries from pass to pass:
    outcomes still to be recorded and the transport's recent failures."""

    worker: Worker | None = None
    lease_seconds: float = 300.0
    planner: bool = True
    fencing: bool = False
    records: PendingRecords = field(default_factory=PendingRecords)
    health: TransportHealth = field(default_factory=TransportHealth)


_last_inputs: list[tuple[Registry, Profile, Schedule, Inputs]] = []


def plan_inputs(registry: Registry, profile: Profile, schedule: Schedule) -> Inputs:
    """The registry's revision and a digest of everything the plan is made from. The digest
    walks the whole registry, so it is kept for as long as the same objects come back (the
    live reloader hands out the same ones until a file changes)."""
    for reg, prof, sched, inputs in _last_inputs:
        if reg is registry and prof is profile and sched == schedule:
            return inputs
    text = repr((registry, profile, schedule.send_time, str(schedule.zone)))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    inputs = Inputs(registry.revision, digest)
    _last_inputs[:] = [(registry, profile, schedule, inputs)]
    return inputs


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
    sender: Sender | None = None,
) -> PassReport:
    """Plan, bring the outbox up to date, mark late rows, then send each due row in send-time
    order. Stops claiming as soon as `should_stop()` says so; the send in flight finishes.

    With several instances on one database (`sender`), only the planner plans and marks late
    rows; every instance sends, each claim recording its worker and a lease. Outcomes not yet
    recorded are written first; while they cannot be, nothing more is claimed."""
    sender = sender if sender is not None else Sender()
    worker, planner, records = sender.worker, sender.planner, sender.records
    records.flush()
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
    synced, late, skew = SyncResult(), 0, None
    if planner and sender.fencing:
        # version fencing (several instances): one whose registry is older than the plan's
        # sends only. One process alone plans from whatever it has, an older file included.
        own = plan_inputs(registry, profile, schedule)
        fence = outbox.fence(own, worker, now)
        skew = fence.skew(own)
        planner = fence.allowed
        if skew:
            log.warning("%s", skew)
    if planner:
        synced = outbox.sync(planned, today, now, dry_run=dry_run)
        late = outbox.mark_late(today, now)
    if late:
        log.warning("%d draft(s) skipped: their date passed before they could be sent", late)
    by_key = {send.key: send for send in planned}
    superseded_count = _supersede(outbox, outbox.due(now), today, clock)
    outcomes: Counter[Outcome] = Counter()
    while not (stopped := should_stop()):
        batch = _claim(outbox, clock, worker, sender.lease_seconds)
        if batch is None:
            continue  # another process took the row first; look again
        if not batch:
            break
        for row in batch:
            send = by_key.get(row.key)
            if should_stop() or send is None:
                if send is None:
                    # planned by an instance whose registry or profile differs from this
                    # one's (a rolling deploy): it cannot render it here; give it back
                    log.warning("due row %s is not in this instance's plan; leaving it", row.key)
                outbox.release(row, clock())
                continue
            moved = notices[row.key][1] if row.key in notices else None
            outcome = deliver(
                row,
                send,
                profile,
                routing,
                renderer,
                transport,
                outbox,
                clock,
                schedule,
                moved,
                sender,
            )
            outcomes[outcome] += 1
            on_progress()
            if records.waiting:
                records.flush()  # raises while the outbox cannot be written: claim no more
        if any(by_key.get(row.key) is None for row in batch):
            break  # the rest is for an instance with the matching plan
    return PassReport(
        planned=len(planned),
        synced=synced,
        late=late,
        sent=outcomes[Outcome.SENT],
        retried=outcomes[Outcome.RETRIED],
        failed=outcomes[Outcome.FAILED],
        dry_run=outcomes[Outcome.DRY_RUN],
        uncertain=outcomes[Outcome.UNCERTAIN],
        planner=planner,
        skew=skew,
        superseded=superseded_count,
        stopped=stopped,
    )


def _claim(
    outbox: Outbox, clock: Clock, worker: Worker | None, lease_seconds: float
) -> list[Row] | None:
    """The next due row(s), claimed; [] when none is due; None when another process claimed
    the one this looked at (look again)."""
    if worker is not None:
        return outbox.claim_next(clock(), worker=worker, lease_seconds=lease_seconds)
    due = outbox.due(clock(), limit=1)
    if not due:
        return []
    claimed = outbox.claim(due[0].id, clock())
    return [claimed] if claimed else None


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
    sender: Sender | None = None,
) -> Outcome:
    """Render, build and hand over one claimed row; record the outcome and return it. A
    record that cannot be written waits in `records` (the row stays this worker's).
    `schedule` gives the local date at sending, from which the subject's distance is counted;
    `moved` is the occurrence a correction announces, if any."""
    sender = sender if sender is not None else Sender()
    records, health = sender.records, sender.health
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
        error = f"could not prepare the draft: {exc}"
        records.record(row, lambda: outbox.mark_failed(row, clock(), error))
        return Outcome.FAILED
    try:
        refused = transport.send(message, routing.sender, recipients)
    except Exception as exc:
        return _failed(exc, row, transport, outbox, clock, sender)
    health.worked()
    if transport.records == Status.DRY_RUN.value:
        records.record(row, lambda: outbox.mark_dry_run(row, clock()))
        return Outcome.DRY_RUN
    # Accepted: from here on the row must be recorded as sent, never sent again. If the outbox
    # cannot be written (disk full), the outcome waits in `records` and is retried as a write.
    records.record(row, lambda: outbox.mark_sent(row, clock(), refused))
    if refused:
        log.warning("draft %s sent, but some recipients were refused: %s", row.key, refused)
    log.info("draft %s sent via %s as %s", row.key, transport.name, row.message_id)
    return Outcome.SENT


def _failed(
    exc: Exception, row: Row, transport: Transport, outbox: Outbox, clock: Clock, sender: Sender
) -> Outcome:
    """Record a send that did not go through, as the error says: uncertain, failed or retry."""
    records = sender.records
    if not isinstance(exc, DeliveryError):
        # an unexpected transport bug: keep the row alive rather than lose it
        log.error("draft %s: unexpected error from %r", row.key, transport, exc_info=exc)
        reason = f"{type(exc).__name__}: {exc}"
        sender.health.failed(reason)
        records.record(row, lambda: _retry(outbox, row, clock(), reason))
        return Outcome.RETRIED
    reason = str(exc)
    sender.health.failed(reason)
    if exc.ambiguous:
        # the server had the whole message and did not say what it did with it
        left: list[Status] = []
        records.record(row, lambda: left.append(outbox.mark_ambiguous(row, clock(), reason)))
        log.warning("draft %s: no reply after DATA (%s)", row.key, exc)
        return Outcome.UNCERTAIN if left == [Status.UNCERTAIN] else Outcome.RETRIED
    if exc.permanent:
        log.error("draft %s refused for good: %s", row.key, exc)
        records.record(row, lambda: outbox.mark_failed(row, clock(), reason))
        return Outcome.FAILED
    log.warning("draft %s deferred (%s)", row.key, exc)
    records.record(row, lambda: _retry(outbox, row, clock(), reason))
    return Outcome.RETRIED


def _retry(outbox: Outbox, row: Row, now: dt.datetime, error: str) -> None:
    at = outbox.mark_retry(row, now, error)
    log.info("draft %s: next attempt at %s", row.key, at.isoformat())

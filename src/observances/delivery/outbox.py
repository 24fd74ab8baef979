"""The outbox: one row per (observance, occurrence date, lead days), the record of what must
be sent and what was. SQLAlchemy Core, SQLite by default, PostgreSQL by URL.

Exactly-once comes from two things here: the UNIQUE key (planning twice never makes two rows)
and the conditional claim (a row moves to `sending` only if it is still pending or retry, so
two processes cannot both take it). A crash between the claim and the mark leaves the row in
`sending`; `recover_stuck` puts it back to retry, and it is sent again with the same
Message-ID: at most one resend.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    Interval,
    create_engine,
    delete,
    event,
    func,
    inspect,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from observances import migrations
from observances.delivery.planner import PlannedSend, SendKey
from observances.delivery.schema import (
    OPEN,
    SCHEMA_VERSION,
    Row,
    Status,
    T,
    UTCDateTime,
    W,
    message_id,
    outbox_table,
    plan_inputs_table,
    retry_delay,
    schema_table,
    workers_table,
)
from observances.errors import ObservancesError

__all__ = [
    "OPEN",
    "SCHEMA_VERSION",
    "Fence",
    "Inputs",
    "Outbox",
    "OutboxReport",
    "OutboxVersionError",
    "PlannerLock",
    "Row",
    "Status",
    "SyncResult",
    "Worker",
    "message_id",
    "retry_delay",
]

log = logging.getLogger(__name__)

PLANNER_LOCK_KEY = 0x0B5E_0002
"""pg_try_advisory_lock key of the one instance that plans (see PlannerLock)."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a plan is made from: the registry's revision (which orders versions) and a digest
    of the registry, the profile and the schedule (which tells equal revisions apart)."""

    revision: dt.date
    digest: str


@dataclass(frozen=True, slots=True)
class Fence:
    """Whether this instance may plan, and if not, what the outbox's plan was made from."""

    allowed: bool
    recorded: Inputs | None = None

    def skew(self, own: Inputs) -> str | None:
        """A sentence for /healthz when this instance's inputs differ from the plan's."""
        if self.recorded is None or self.recorded == own:
            return None
        if self.recorded.revision > own.revision:
            return (
                f"this instance's registry (revision {own.revision}) is older than the one "
                f"the outbox was planned from ({self.recorded.revision}): it sends but does "
                "not plan; deploy the new registry here"
            )
        return (
            f"the registry, profile or schedule here differ from the ones the outbox was "
            f"last planned from (revision {self.recorded.revision} on both): instances plan "
            "in turn; give every instance the same files"
        )


@dataclass(frozen=True, slots=True)
class Worker:
    """One running process that claims rows: a new id at every start, so that a restarted
    process never mistakes the claims of its previous life for its own."""

    id: str
    host: str
    pid: int
    version: str


class OutboxUnavailableError(ObservancesError):
    """The outbox cannot be opened, read or written: a missing or read-only directory, a file
    that is not a database, a server that refuses. Exit 1, saying where and what to do."""


class OutboxVersionError(ObservancesError):
    """The outbox was written by a newer observances, whose tables this code could misread.
    Exit 1."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    inserted: int = 0
    cancelled: int = 0
    revived: int = 0
    rescheduled: int = 0


@dataclass(frozen=True, slots=True)
class OutboxReport:
    """The outbox for humans, `status` and /status: counts, what went wrong and why, what is
    next. Holds no secret: keys, times, statuses and the mail server's own words."""

    counts: Mapping[Status, int]
    """Rows by status, every status present (0 when none)."""
    problems: tuple[Row, ...]
    """Failed and late rows, and sent rows with refused recipients: newest first."""
    retrying: tuple[Row, ...]
    next_send: Row | None
    oldest_due_age_seconds: float | None
    """How long the oldest row that is due has waited: large means sending is stuck."""

    def as_json(self) -> dict[str, object]:
        return {
            "counts": {status.value: count for status, count in self.counts.items()},
            "problems": [row.as_json() for row in self.problems],
            "retrying": [row.as_json() for row in self.retrying],
            "next_send": self.next_send.as_json() if self.next_send else None,
            "oldest_due_age_seconds": self.oldest_due_age_seconds,
        }


def _sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL: `status` can read while the service writes; busy_timeout: wait, not fail, when
        # another connection holds the write lock for a moment.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()


class Outbox:
    """The outbox table and every operation on it. Every timestamp comes from the caller."""

    def __init__(
        self,
        url: str,
        *,
        domain: str = "localhost",
        retry_initial_seconds: float = 60.0,
        retry_max_seconds: float = 1800.0,
        busy_timeout_ms: int = 5000,
    ) -> None:
        self.url = url
        self.domain = domain
        self.retry_initial = retry_initial_seconds
        self.retry_max = retry_max_seconds
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine, busy_timeout_ms)

    @contextmanager
    def explained(self) -> Iterator[None]:
        """Turn the database's and the file system's errors into one sentence that says what
        is wrong, where, and what to do (OutboxUnavailableError); never a traceback."""
        where = self.engine.url.render_as_string(hide_password=True)
        try:
            yield
        except DatabaseError as exc:
            reason = str(exc.orig) if exc.orig is not None else str(exc)
            raise OutboxUnavailableError(_advice(where, self.engine.url.database, reason)) from None
        except OSError as exc:
            raise OutboxUnavailableError(
                _advice(where, exc.filename, exc.strerror or str(exc))
            ) from None

    def create(self) -> None:
        """Make sure the tables are there at the schema this code needs: an empty database is
        created at the newest revision; an older or a newer one raises SchemaError, which says
        to run `observances db upgrade` (migrations/). For SQLite, its directory is made."""
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        self.check_version()
        try:
            migrations.check(self.engine)
        except OperationalError:
            # two SQLite processes starting together (a test's unlocked mode): the other one
            # created the tables between our look and our CREATE; a second look finds them
            migrations.check(self.engine)

    def schema_version(self) -> int | None:
        """The version the outbox records; None when it records none (not created yet).
        Migrations add a row per layout change; older code reads it and stops."""
        if not inspect(self.engine).has_table(schema_table.name):
            return None
        with self.engine.connect() as conn:
            found = conn.execute(select(func.max(schema_table.c.version))).scalar()
        return None if found is None else int(found)

    def check_version(self) -> None:
        """Raise OutboxVersionError when a newer observances wrote this outbox."""
        with self.explained():
            found = self.schema_version()
        if found is not None and found > SCHEMA_VERSION:
            where = self.engine.url.render_as_string(hide_password=True)
            raise OutboxVersionError(
                f"the outbox {where} has schema version {found}, and this observances knows "
                f"version {SCHEMA_VERSION} at most: run the newer observances that wrote it, "
                "or set OBSERVANCES_DATABASE_URL (or OBSERVANCES_DATA_DIR) to another outbox"
            )

    def close(self) -> None:
        self.engine.dispose()

    def planner_lock(self) -> PlannerLock:
        return PlannerLock(self.engine)

    # --- planning ----------------------------------------------------------------------------

    def sync(
        self,
        planned: Sequence[PlannedSend],
        window_start: dt.date,
        now: dt.datetime,
        *,
        dry_run: bool = False,
    ) -> SyncResult:
        """Make the outbox match the plan for occurrences from `window_start` on: insert new
        keys, move a pending row whose send time changed, revive cancelled rows that are
        planned again (and dry-run rows, unless `dry_run`), and cancel open rows no longer
        planned. Sent rows are never touched.
        """
        revivable = (Status.CANCELLED,) if dry_run else (Status.CANCELLED, Status.DRY_RUN)
        wanted = {send.key: send for send in planned}
        # Read in one transaction and write in another that starts with a write: a SQLite
        # transaction that reads first cannot wait for the write lock, it fails at once.
        with self.engine.connect() as conn:
            existing = [
                Row.of(r._mapping)
                for r in conn.execute(select(outbox_table).where(T.occurrence_date >= window_start))
            ]
        known = {row.key: row for row in existing}
        new = [send for key, send in wanted.items() if key not in known]
        inserted = self._insert(new, now)
        cancelled = revived = rescheduled = 0
        with self.engine.begin() as conn:
            for row in existing:
                send = wanted.get(row.key)
                if send is None:
                    if row.status in OPEN:
                        cancelled += self._set(
                            conn, row.id, OPEN, now, status=Status.CANCELLED, last_error=None
                        )
                elif row.status in revivable:
                    revived += self._set(
                        conn,
                        row.id,
                        (row.status,),
                        now,
                        status=Status.PENDING,
                        send_at=send.send_at,
                        next_attempt_at=send.send_at,
                        last_error=None,
                    )
                elif row.status == Status.PENDING and row.send_at != send.send_at:
                    # the send time or the zone changed; a retry keeps its own schedule
                    rescheduled += self._set(
                        conn,
                        row.id,
                        (Status.PENDING,),
                        now,
                        send_at=send.send_at,
                        next_attempt_at=send.send_at,
                    )
        return SyncResult(inserted, cancelled, revived, rescheduled)

    def _insert(self, sends: Iterable[PlannedSend], now: dt.datetime) -> int:
        values = [
            {
                "observance_id": send.key.observance_id,
                "occurrence_date": send.key.occurrence_date,
                "lead_days": send.key.lead_days,
                "language": send.key.language,
                "send_at": send.send_at,
                "status": Status.PENDING.value,
                "attempts": 0,
                "next_attempt_at": send.send_at,
                "message_id": message_id(send.key, self.domain),
                "created_at": now,
                "updated_at": now,
            }
            for send in sends
        ]
        if not values:
            return 0
        name = self.engine.dialect.name
        if name in ("sqlite", "postgresql"):
            from sqlalchemy.dialects.postgresql import insert as pg_insert
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            insert = sqlite_insert if name == "sqlite" else pg_insert
            # INSERT ... ON CONFLICT DO NOTHING: another process may have planned the same key
            statement = insert(outbox_table).on_conflict_do_nothing(
                index_elements=["observance_id", "occurrence_date", "lead_days", "language"]
            )
            with self.engine.begin() as conn:
                return conn.execute(statement, values).rowcount or 0
        count = 0
        for value in values:  # any other database: one row at a time, duplicates ignored
            try:
                with self.engine.begin() as conn:
                    conn.execute(outbox_table.insert(), value)
                count += 1
            except IntegrityError:
                pass
        return count

    def mark_late(self, today: dt.date, now: dt.datetime) -> int:
        """Open rows whose occurrence date has passed (in the local zone) become skipped_late;
        the last error, if any, stays to say why they never went out."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(outbox_table)
                .where(T.status.in_(OPEN), T.occurrence_date < today)
                .values(status=Status.SKIPPED_LATE.value, updated_at=now)
            )
            return result.rowcount or 0

    def recover_stuck(self, now: dt.datetime, claimed_before: dt.datetime) -> list[Row]:
        """Rows left in `sending` and claimed before `claimed_before`: back to retry. Only for
        a process that knows no other can be sending (tests of the outbox alone); the service
        uses `recover`, which asks who claimed a row, not when."""
        return self._requeue(now, T.claimed_at < claimed_before)

    def recover(
        self,
        now: dt.datetime,
        *,
        lock_holder: str | None = None,
        stale_after_seconds: float = 60.0,
    ) -> list[Row]:
        """Rows left in `sending` by a worker that died mid-send, back to retry at once, to be
        sent again with the same Message-ID (the documented window of one repeat).

        `lock_holder` (SQLite under the instance's file lock): only the holder can be sending,
        so every claim by another worker is a crash victim, whatever the clocks say. Otherwise
        (PostgreSQL, several instances): a claim is taken back only when its lease has expired
        AND its worker's heartbeat is older than `stale_after_seconds`, both by the database's
        clock, so that no instance's wall clock decides."""
        if lock_holder is not None:
            return self._requeue(now, or_(T.claimed_by.is_(None), T.claimed_by != lock_holder))
        db_now = self._db_now(now)
        alive = select(W.id).where(W.heartbeat_at >= self._db_now(now, -stale_after_seconds))
        return self._requeue(
            now,
            or_(T.lease_until.is_(None), T.lease_until < db_now),
            or_(T.claimed_by.is_(None), T.claimed_by.not_in(alive)),
        )

    def _requeue(self, now: dt.datetime, *where: ColumnElement[bool]) -> list[Row]:
        with self.engine.begin() as conn:
            return [
                Row.of(r._mapping)
                for r in conn.execute(
                    update(outbox_table)
                    .where(T.status == Status.SENDING.value, *where)
                    .values(
                        status=Status.RETRY.value,
                        next_attempt_at=now,
                        claimed_by=None,
                        lease_until=None,
                        last_error="interrupted during a send (the process stopped); "
                        "sending again with the same Message-ID",
                        updated_at=now,
                    )
                    .returning(*outbox_table.c)
                )
            ]

    def _db_now(self, now: dt.datetime, seconds: float = 0.0) -> ColumnElement[Any]:
        """Now (plus `seconds`) for leases and heartbeats: the database server's clock on
        PostgreSQL (one clock for every instance, whatever their own say), the caller's on
        SQLite (one process)."""
        delta = dt.timedelta(seconds=seconds)
        if self.engine.dialect.name == "postgresql":
            server_now = func.timezone("UTC", func.now(), type_=DateTime)
            return server_now + literal(delta, Interval) if seconds else server_now
        return literal(now + delta, UTCDateTime)

    # --- version fencing ---------------------------------------------------------------------

    def fence(self, own: Inputs, worker: Worker | None, now: dt.datetime) -> Fence:
        """Record `own` as the inputs of the plan about to be made, unless the outbox was
        planned from a newer registry revision: then this instance must not plan (a rolling
        deploy in progress, or a host left behind), and the recorded inputs say why."""
        table, c = plan_inputs_table, plan_inputs_table.c
        values = {
            "registry_revision": own.revision,
            "inputs_digest": own.digest,
            "planned_by": worker.id if worker else "unknown",
            "planned_at": now,
        }
        with self.engine.begin() as conn:
            query = select(c.registry_revision, c.inputs_digest).where(c.id == 1)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            found = conn.execute(query).first()
            if found is None:
                try:
                    with conn.begin_nested():
                        conn.execute(table.insert().values(id=1, **values))
                except IntegrityError:
                    pass  # another instance recorded its inputs first; next pass compares
                return Fence(True)
            recorded = Inputs(found.registry_revision, found.inputs_digest)
            if recorded.revision > own.revision:
                return Fence(False, recorded)
            if recorded != own:
                conn.execute(update(table).where(c.id == 1).values(**values))
            return Fence(True, recorded)

    # --- workers -----------------------------------------------------------------------------

    def register(self, worker: Worker, now: dt.datetime) -> None:
        """Record a starting worker; workers silent for a day are forgotten at the same time."""
        db_now = self._db_now(now)
        with self.engine.begin() as conn:
            conn.execute(delete(workers_table).where(W.heartbeat_at < self._db_now(now, -86400)))
            conn.execute(
                workers_table.insert().values(
                    id=worker.id,
                    host=worker.host,
                    pid=worker.pid,
                    version=worker.version,
                    started_at=db_now,
                    heartbeat_at=db_now,
                )
            )

    def beat(self, worker: Worker, now: dt.datetime, lease_seconds: float) -> None:
        """The worker is alive: stamp its heartbeat and extend the leases of its claims."""
        db_now = self._db_now(now)
        with self.engine.begin() as conn:
            conn.execute(update(workers_table).where(W.id == worker.id).values(heartbeat_at=db_now))
            conn.execute(
                update(outbox_table)
                .where(T.claimed_by == worker.id, T.status == Status.SENDING.value)
                .values(lease_until=self._db_now(now, lease_seconds))
            )

    def unregister(self, worker: Worker) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(workers_table).where(W.id == worker.id))

    def workers(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(workers_table))]

    # --- sending -----------------------------------------------------------------------------

    def due(self, now: dt.datetime, limit: int = 1000) -> list[Row]:
        """Open rows whose time has come, by send time: the order they go out."""
        query = (
            select(outbox_table)
            .where(T.status.in_(OPEN), T.next_attempt_at <= now)
            .order_by(T.send_at, T.observance_id, T.occurrence_date, T.lead_days)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [Row.of(r._mapping) for r in conn.execute(query)]

    def claim(
        self,
        row_id: int,
        now: dt.datetime,
        *,
        worker: Worker | None = None,
        lease_seconds: float = 300.0,
    ) -> Row | None:
        """Take a due row for sending; None when another process took it or it is not due.
        The WHERE clause is the lock: of two processes, one UPDATE matches and one does not."""
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(outbox_table)
                .where(T.id == row_id, T.status.in_(OPEN), T.next_attempt_at <= now)
                .values(**self._claim_values(now, worker, lease_seconds))
                .returning(*outbox_table.c)
            ).first()
        return Row.of(claimed._mapping) if claimed else None

    def claim_next(
        self, now: dt.datetime, *, worker: Worker, lease_seconds: float, limit: int = 1
    ) -> list[Row]:
        """Claim up to `limit` due rows, earliest send time first. On PostgreSQL in one
        statement whose `FOR UPDATE SKIP LOCKED` lets several instances claim side by side
        without waiting on each other's rows; elsewhere row by row with the conditional UPDATE
        of `claim`."""
        if self.engine.dialect.name != "postgresql":
            found: list[Row] = []
            for row in self.due(now, limit=limit * 4):
                claimed = self.claim(row.id, now, worker=worker, lease_seconds=lease_seconds)
                if claimed is not None:
                    found.append(claimed)
                    if len(found) == limit:
                        break
            return found
        due = (
            select(T.id)
            .where(T.status.in_(OPEN), T.next_attempt_at <= now)
            .order_by(T.send_at, T.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        with self.engine.begin() as conn:
            rows = conn.execute(
                update(outbox_table)
                .where(T.id.in_(due), T.status.in_(OPEN))
                .values(**self._claim_values(now, worker, lease_seconds))
                .returning(*outbox_table.c)
            ).all()
        return sorted((Row.of(r._mapping) for r in rows), key=lambda r: (r.send_at, r.id))

    def _claim_values(
        self, now: dt.datetime, worker: Worker | None, lease_seconds: float
    ) -> dict[str, Any]:
        return {
            "status": Status.SENDING.value,
            "attempts": T.attempts + 1,
            "claimed_at": now,
            "claimed_by": worker.id if worker else None,
            "lease_until": self._db_now(now, lease_seconds),
            "updated_at": now,
        }

    def release(self, row: Row, now: dt.datetime) -> None:
        """Give back a claimed row not sent (the process is stopping): open again, at once,
        its attempt not counted."""
        self._finish(
            row,
            now,
            status=Status.RETRY if row.attempts > 1 else Status.PENDING,
            attempts=T.attempts - 1,
            claimed_by=None,
            lease_until=None,
        )

    def mark_sent(
        self, row: Row, now: dt.datetime, refused: Mapping[str, tuple[int, str]] | None = None
    ) -> None:
        error = None
        if refused:
            error = "refused: " + "; ".join(f"{a} {c} {m}" for a, (c, m) in refused.items())
        self._finish(
            row,
            now,
            status=Status.SENT,
            sent_at=now,
            refused=json.dumps(dict(refused)) if refused else None,
            last_error=error,
        )

    def mark_retry(self, row: Row, now: dt.datetime, error: str) -> dt.datetime:
        """Deferred: try again after the backoff for this attempt; returns when."""
        at = now + retry_delay(row.key, row.attempts, self.retry_initial, self.retry_max)
        self._finish(row, now, status=Status.RETRY, next_attempt_at=at, last_error=error)
        return at

    def mark_ambiguous(self, row: Row, now: dt.datetime, error: str) -> Status:
        """The server took DATA and never gave its final reply: it may have the message. One
        more attempt (same Message-ID); after a second such outcome, `uncertain`, for a person
        to check, rather than more copies. Returns the status left."""
        if row.ambiguous >= 1:
            self._finish(
                row,
                now,
                status=Status.UNCERTAIN,
                ambiguous=row.ambiguous + 1,
                last_error=f"{error}; the server may have it twice or not at all: check",
            )
            return Status.UNCERTAIN
        at = now + retry_delay(row.key, row.attempts, self.retry_initial, self.retry_max)
        self._finish(
            row,
            now,
            status=Status.RETRY,
            next_attempt_at=at,
            ambiguous=row.ambiguous + 1,
            last_error=f"{error}; one more attempt, then it is left to a person",
        )
        return Status.RETRY

    def mark_failed(self, row: Row, now: dt.datetime, error: str) -> None:
        self._finish(row, now, status=Status.FAILED, last_error=error)

    def mark_superseded(self, row: Row, now: dt.datetime, reason: str) -> bool:
        """An open row that will never go out because a nearer lead time of the same
        occurrence goes (or went) instead; `reason` says which. False if it stopped being open."""
        with self.engine.begin() as conn:
            return bool(
                self._set(conn, row.id, OPEN, now, status=Status.SUPERSEDED, last_error=reason)
            )

    def mark_dry_run(self, row: Row, now: dt.datetime) -> None:
        self._finish(row, now, status=Status.DRY_RUN, last_error=None)

    def _finish(self, row: Row, now: dt.datetime, **values: Any) -> None:
        with self.engine.begin() as conn:
            self._set(conn, row.id, (Status.SENDING,), now, **values)

    @staticmethod
    def _set(
        conn: Any, row_id: int, only_if: Iterable[Status], now: dt.datetime, **values: Any
    ) -> int:
        values = {k: v.value if isinstance(v, Status) else v for k, v in values.items()}
        result = conn.execute(
            update(outbox_table)
            .where(T.id == row_id, T.status.in_([s.value for s in only_if]))
            .values(updated_at=now, **values)
        )
        return int(result.rowcount or 0)

    # --- reading -----------------------------------------------------------------------------

    def rows(self, *, since: dt.date | None = None) -> list[Row]:
        query = select(outbox_table).order_by(T.send_at, T.observance_id, T.lead_days)
        if since is not None:
            query = query.where(T.occurrence_date >= since)
        with self.explained(), self.engine.connect() as conn:
            return [Row.of(r._mapping) for r in conn.execute(query)]

    def get(self, key: SendKey) -> Row | None:
        query = select(outbox_table).where(
            T.observance_id == key.observance_id,
            T.occurrence_date == key.occurrence_date,
            T.lead_days == key.lead_days,
            T.language == key.language,
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).first()
        return Row.of(found._mapping) if found else None

    def counts(self) -> dict[Status, int]:
        query = select(T.status, func.count()).group_by(T.status)
        with self.engine.connect() as conn:
            found = {status: int(count) for status, count in conn.execute(query)}
        return {status: found.get(status.value, 0) for status in Status}

    def problems(self, limit: int = 50) -> list[Row]:
        """Failed and late rows, and sent rows with refused recipients: newest first."""
        query = (
            select(outbox_table)
            .where(
                T.status.in_(
                    [Status.FAILED.value, Status.SKIPPED_LATE.value, Status.UNCERTAIN.value]
                )
                | ((T.status == Status.SENT.value) & T.refused.is_not(None))
            )
            .order_by(T.updated_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [Row.of(r._mapping) for r in conn.execute(query)]

    def next_send(self) -> Row | None:
        query = (
            select(outbox_table)
            .where(T.status.in_(OPEN))
            .order_by(T.next_attempt_at, T.send_at)
            .limit(1)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).first()
        return Row.of(found._mapping) if found else None

    def report(self, now: dt.datetime) -> OutboxReport:
        with self.explained():
            waiting = [r for r in self.rows() if r.status in (*OPEN, Status.SENDING)]
            overdue = [r for r in waiting if r.next_attempt_at <= now]
            oldest = min((r.next_attempt_at for r in overdue), default=None)
            return OutboxReport(
                counts=self.counts(),
                problems=tuple(self.problems()),
                retrying=tuple(row for row in waiting if row.status == Status.RETRY),
                next_send=self.next_send(),
                oldest_due_age_seconds=(now - oldest).total_seconds() if oldest else None,
            )


def _advice(where: str, path: object, reason: str) -> str:
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered:
        todo = (
            "the file is damaged or is not an outbox: stop the service, move the file aside "
            "(keep it for inspection), then restore the backup or let `observances db upgrade` "
            "start a new, empty outbox (drafts already sent would then be sent again)"
        )
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        todo = (
            "the outbox must be writable: give this user write access to the file and its "
            "directory (OBSERVANCES_DATA_DIR), or point OBSERVANCES_DATA_DIR elsewhere"
        )
    elif "unable to open" in lowered or "no such file" in lowered or "not a directory" in lowered:
        todo = (
            "its directory is missing or cannot be made: create OBSERVANCES_DATA_DIR (or fix "
            "the path in OBSERVANCES_DATABASE_URL) and make it writable by this user"
        )
    else:
        todo = "check that the database server is up and the URL and its account are right"
    return f"cannot use the outbox {where}: {reason} ({path}); {todo}"


class PlannerLock:
    """Which instance plans, marks late rows and recovers claims: on PostgreSQL the holder of
    `pg_try_advisory_lock` on a connection of its own, which the server frees when that
    connection or its process dies, so another instance takes over at its next tick. On
    SQLite the instance's file lock already says it: always the planner."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    @property
    def holding(self) -> bool:
        """Whether this instance held the lock at its last look (no database round trip)."""
        return self.engine.dialect.name != "postgresql" or self._conn is not None

    def held(self) -> bool:
        """Whether this instance is the planner now; tries to become it when not."""
        if self.engine.dialect.name != "postgresql":
            return True
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection died, and the lock with it
                self._drop()
        try:
            conn = self.engine.connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": PLANNER_LOCK_KEY}
            ).scalar()
            conn.commit()  # the lock is the session's; no transaction stays open
        except Exception:
            return False
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception as exc:  # already broken: nothing more to release
                log.debug("planner connection dropped: %s", exc)
            self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": PLANNER_LOCK_KEY}
                )
                self._conn.commit()
            except Exception as exc:  # the server frees the lock with the connection anyway
                log.debug("planner lock not released explicitly: %s", exc)
            self._conn.close()
            self._conn = None

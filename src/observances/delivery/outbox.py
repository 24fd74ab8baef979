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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, inspect, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from observances.delivery.planner import PlannedSend, SendKey
from observances.delivery.schema import (
    OPEN,
    SCHEMA_VERSION,
    Row,
    Status,
    T,
    message_id,
    metadata,
    outbox_table,
    retry_delay,
    schema_table,
)
from observances.errors import ObservancesError

__all__ = [
    "OPEN",
    "SCHEMA_VERSION",
    "Outbox",
    "OutboxReport",
    "OutboxVersionError",
    "Row",
    "Status",
    "SyncResult",
    "message_id",
    "retry_delay",
]


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

    def create(self) -> None:
        """The tables, and for SQLite the directory of its file, unless they exist; the schema
        version is recorded the first time. An outbox of a newer version is left untouched."""
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        self.check_version()
        try:
            metadata.create_all(self.engine)
        except OperationalError:
            # two processes starting together: the other one created the table between our
            # check and our CREATE; a second pass finds it there
            metadata.create_all(self.engine)
        if self.schema_version() is None:
            # an outbox from before versions were recorded has the layout of version 1
            try:
                with self.engine.begin() as conn:
                    conn.execute(schema_table.insert(), {"version": SCHEMA_VERSION})
            except IntegrityError:
                pass  # another process starting at the same moment wrote it

    def schema_version(self) -> int | None:
        """The version the outbox records; None when it records none (not created yet)."""
        if not inspect(self.engine).has_table(schema_table.name):
            return None
        with self.engine.connect() as conn:
            found = conn.execute(select(func.max(schema_table.c.version))).scalar()
        return None if found is None else int(found)

    def check_version(self) -> None:
        """Raise OutboxVersionError when a newer observances wrote this outbox."""
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
                index_elements=["observance_id", "occurrence_date", "lead_days"]
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
        """Rows left in `sending` by a process that died mid-send, claimed before
        `claimed_before`: back to retry at once, to be sent again with the same Message-ID."""
        with self.engine.begin() as conn:
            stuck = [
                Row.of(r._mapping)
                for r in conn.execute(
                    update(outbox_table)
                    .where(T.status == Status.SENDING.value, T.claimed_at < claimed_before)
                    .values(
                        status=Status.RETRY.value,
                        next_attempt_at=now,
                        last_error="interrupted during a send (the process stopped); "
                        "sending again with the same Message-ID",
                        updated_at=now,
                    )
                    .returning(*outbox_table.c)
                )
            ]
        return stuck

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

    def claim(self, row_id: int, now: dt.datetime) -> Row | None:
        """Take a due row for sending; None when another process took it or it is not due.
        The WHERE clause is the lock: of two processes, one UPDATE matches and one does not."""
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(outbox_table)
                .where(T.id == row_id, T.status.in_(OPEN), T.next_attempt_at <= now)
                .values(
                    status=Status.SENDING.value,
                    attempts=T.attempts + 1,
                    claimed_at=now,
                    updated_at=now,
                )
                .returning(*outbox_table.c)
            ).first()
        return Row.of(claimed._mapping) if claimed else None

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

    def mark_failed(self, row: Row, now: dt.datetime, error: str) -> None:
        self._finish(row, now, status=Status.FAILED, last_error=error)

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
        with self.engine.connect() as conn:
            return [Row.of(r._mapping) for r in conn.execute(query)]

    def get(self, key: SendKey) -> Row | None:
        query = select(outbox_table).where(
            T.observance_id == key.observance_id,
            T.occurrence_date == key.occurrence_date,
            T.lead_days == key.lead_days,
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
                T.status.in_([Status.FAILED.value, Status.SKIPPED_LATE.value])
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

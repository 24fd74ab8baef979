"""The outbox's tables, its row type and the values derived from a key (Message-ID, backoff).

Split from outbox.py, which holds the operations; import both from `observances.delivery.outbox`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from observances.delivery.planner import SendKey


class Status(StrEnum):
    PENDING = "pending"  # planned, waiting for its send time
    SENDING = "sending"  # claimed; the send is in flight (or the process died during it)
    SENT = "sent"  # the mail server accepted it (refused recipients, if any, are recorded)
    RETRY = "retry"  # deferred (4xx, connection trouble); tried again at next_attempt_at
    FAILED = "failed"  # refused for good (5xx) or could not be rendered; reported
    SKIPPED_LATE = "skipped_late"  # its date passed before it could go out; reported
    CANCELLED = "cancelled"  # no longer planned: the registry or the lead times changed
    DRY_RUN = "dry_run"  # logged instead of sent; sent for real once dry_run is off
    UNCERTAIN = "uncertain"  # twice the server took DATA and never answered; a person checks
    SUPERSEDED = "superseded"  # due together with a nearer lead time of its day, which went out
    # a person chose on the desk not to mark this occurrence this year; `sync` never revives
    # it (un-skipping turns it into `cancelled`, which the next sync revives)
    SKIPPED = "skipped"


OPEN = (Status.PENDING, Status.RETRY)
"""Rows that may still be sent."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, stored as naive UTC (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - TypeDecorator's signature
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the outbox stores instants only")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - TypeDecorator's signature
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


SCHEMA_VERSION = 4
"""The layout of the tables below, recorded in `outbox_schema` when the outbox is created.
Raise it with any change to them, so that older code refuses an outbox it would misread. (A
migration tool such as Alembic keeps its own table; it can start from this number.)

Version 2 adds `language` to the rows and to the unique key (Outbox.create upgrades 1)."""

metadata = MetaData()
schema_table = Table(
    "outbox_schema",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
)
outbox_table = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("observance_id", String(200), nullable=False),
    Column("occurrence_date", Date, nullable=False),
    Column("lead_days", Integer, nullable=False),
    Column("send_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
    Column("last_error", Text),
    Column("message_id", String(100), nullable=False),
    Column("claimed_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("refused", Text),  # JSON {address: [code, message]}: recipients the server refused
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(64)),  # the worker (workers.id) whose claim this is
    Column("lease_until", UTCDateTime),  # by the database's clock on PostgreSQL
    Column("ambiguous", Integer, nullable=False, default=0),  # sends with no final reply
    # "" for the profile's language; "es" for the Spanish send to a Spanish-language program
    Column("language", String(8), nullable=False, server_default=""),
    UniqueConstraint(
        "observance_id", "occurrence_date", "lead_days", "language", name="outbox_key"
    ),
)
T = outbox_table.c

workers_table = Table(
    "workers",
    metadata,
    Column("id", String(64), primary_key=True),  # host:pid:random, new at every start
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("version", String(40), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
)
W = workers_table.c

plan_inputs_table = Table(
    "plan_inputs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # one row, id 1
    Column("registry_revision", Date, nullable=False),
    Column("inputs_digest", String(64), nullable=False),
    Column("planned_by", String(64), nullable=False),
    Column("planned_at", UTCDateTime, nullable=False),
)


def message_id(key: SendKey, domain: str) -> str:
    """Derived from the key, so a re-send after a crash carries the same Message-ID; short
    (about 40 characters) so that no header folding splits it."""
    digest = hashlib.sha1(str(key).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"<obs.{digest[:16]}@{domain}>"


def retry_delay(key: SendKey, attempts: int, initial: float, cap: float) -> dt.timedelta:
    """Exponential backoff: initial, 2x, 4x... up to `cap`, less up to 20% of jitter derived
    from the key, so that rows deferred together spread out, the same way in every test run."""
    base = min(cap, initial * 2 ** max(attempts - 1, 0))
    seed = hashlib.sha1(f"{key}#{attempts}".encode(), usedforsecurity=False).digest()
    jitter = int.from_bytes(seed[:4], "big") / 2**32  # in [0, 1)
    return dt.timedelta(seconds=base * (1 - 0.2 * jitter))


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    key: SendKey
    send_at: dt.datetime
    status: Status
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    message_id: str
    claimed_at: dt.datetime | None
    sent_at: dt.datetime | None
    refused: dict[str, tuple[int, str]]
    created_at: dt.datetime
    updated_at: dt.datetime
    claimed_by: str | None = None
    ambiguous: int = 0

    @classmethod
    def of(cls, data: RowMapping) -> Row:
        refused = json.loads(data["refused"]) if data["refused"] else {}
        return cls(
            id=data["id"],
            key=SendKey(
                data["observance_id"],
                data["occurrence_date"],
                data["lead_days"],
                data.get("language") or "",
            ),
            send_at=data["send_at"],
            status=Status(data["status"]),
            attempts=data["attempts"],
            next_attempt_at=data["next_attempt_at"],
            last_error=data["last_error"],
            message_id=data["message_id"],
            claimed_at=data["claimed_at"],
            sent_at=data["sent_at"],
            refused={address: (int(c), str(m)) for address, (c, m) in refused.items()},
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            claimed_by=data["claimed_by"],
            ambiguous=data["ambiguous"],
        )

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.key.observance_id,
            "occurrence_date": self.key.occurrence_date.isoformat(),
            "lead_days": self.key.lead_days,
            "language": self.key.language,
            "send_at": self.send_at.isoformat(),
            "status": self.status.value,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "last_error": self.last_error,
            "message_id": self.message_id,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "refused": {a: list(r) for a, r in self.refused.items()},
        }

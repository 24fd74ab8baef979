"""The desk's own table: each marked occurrence's state and owner, and every change made to it
(who, what, when). SQLAlchemy Core, in the outbox's database (its own tables, its own
MetaData, so that a migration can create them: `desk_metadata`).

Times are stored as naive UTC and read back aware, as the outbox does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError


class State(StrEnum):
    TODO = "todo"
    DRAFTING = "drafting"
    APPROVED = "approved"
    PUBLISHED = "published"
    SKIPPED = "skipped"  # skipped this year: its pending mails are cancelled


STATE_LABELS = {
    State.TODO: "to do",
    State.DRAFTING: "drafting",
    State.APPROVED: "approved",
    State.PUBLISHED: "published",
    State.SKIPPED: "skipped this year",
}

desk_metadata = MetaData()
desk_state = Table(
    "desk_state",
    desk_metadata,
    Column("observance_id", String(200), nullable=False),
    Column("occurrence_date", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("owner", String(100)),
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    PrimaryKeyConstraint("observance_id", "occurrence_date", name="desk_state_key"),
)
desk_history = Table(
    "desk_history",
    desk_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("observance_id", String(200), nullable=False, index=True),
    Column("occurrence_date", Date, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("who", String(100), nullable=False),
    Column("what", Text, nullable=False),
)

Key = tuple[str, dt.date]


@dataclass(frozen=True, slots=True)
class Entry:
    state: State
    owner: str | None
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Change:
    at: dt.datetime
    who: str
    what: str


def _naive_utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}: the desk stores instants only")
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def _aware(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC)


class DeskStore:
    def __init__(self, url: str, *, busy_timeout_ms: int = 5000) -> None:
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":

            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
                cursor.close()

    def create(self) -> None:
        try:
            desk_metadata.create_all(self.engine)
        except OperationalError:  # another process created them between check and CREATE
            desk_metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def entries(self, first: dt.date, last: dt.date) -> dict[Key, Entry]:
        c = desk_state.c
        query = select(desk_state).where(c.occurrence_date >= first, c.occurrence_date <= last)
        with self.engine.connect() as conn:
            return {
                (r.observance_id, r.occurrence_date): Entry(
                    State(r.state), r.owner, r.updated_by, _aware(r.updated_at)
                )
                for r in conn.execute(query)
            }

    def entry(self, key: Key) -> Entry:
        return self.entries(key[1], key[1]).get(key, Entry(State.TODO, None))

    def history(self, key: Key) -> list[Change]:
        c = desk_history.c
        query = (
            select(desk_history)
            .where(c.observance_id == key[0], c.occurrence_date == key[1])
            .order_by(c.id.desc())
        )
        with self.engine.connect() as conn:
            return [Change(_aware(r.at), r.who, r.what) for r in conn.execute(query)]

    def change(
        self,
        key: Key,
        who: str,
        now: dt.datetime,
        what: str,
        *,
        state: State | None = None,
        owner: str | None = None,
        set_owner: bool = False,
    ) -> None:
        """Set the state and/or the owner and record `what` in the history, in one
        transaction: a change is never stored without its record, nor the reverse."""
        at = _naive_utc(now)
        values: dict[str, Any] = {"updated_by": who, "updated_at": at}
        if state is not None:
            values["state"] = state.value
        if set_owner:
            values["owner"] = owner
        c = desk_state.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(desk_state)
                .where(c.observance_id == key[0], c.occurrence_date == key[1])
                .values(**values)
            ).rowcount
            if not done:
                row = {"observance_id": key[0], "occurrence_date": key[1], "owner": None}
                row |= {"state": State.TODO.value} | values
                try:
                    with conn.begin_nested():
                        conn.execute(insert(desk_state), row)
                except IntegrityError:  # created meanwhile by another request: update it
                    conn.execute(
                        update(desk_state)
                        .where(c.observance_id == key[0], c.occurrence_date == key[1])
                        .values(**values)
                    )
            conn.execute(
                insert(desk_history),
                {
                    "observance_id": key[0],
                    "occurrence_date": key[1],
                    "at": at,
                    "who": who,
                    "what": what,
                },
            )

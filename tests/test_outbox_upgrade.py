"""An outbox written before `language` joined the key (schema version 1) is brought up to date
by `observances db upgrade` (the migrations): its rows keep their keys and Message-IDs, and a
Spanish send of the same day can then be planned beside the English one."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from service_kit import registry

from observances import migrations
from observances.delivery.outbox import SCHEMA_VERSION, Outbox, Status, message_id
from observances.delivery.planner import PlannedSend, SendKey
from observances.migrations import SchemaError
from observances.occurrences import occurrences_in_year

V1 = """
CREATE TABLE outbox_schema (version INTEGER NOT NULL PRIMARY KEY);
INSERT INTO outbox_schema VALUES (1);
CREATE TABLE outbox (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    observance_id VARCHAR(200) NOT NULL, occurrence_date DATE NOT NULL,
    lead_days INTEGER NOT NULL, send_at DATETIME NOT NULL, status VARCHAR(20) NOT NULL,
    attempts INTEGER NOT NULL, next_attempt_at DATETIME NOT NULL, last_error TEXT,
    message_id VARCHAR(100) NOT NULL, claimed_at DATETIME, sent_at DATETIME, refused TEXT,
    created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    CONSTRAINT outbox_key UNIQUE (observance_id, occurrence_date, lead_days)
);
CREATE INDEX ix_outbox_status ON outbox (status);
CREATE INDEX ix_outbox_next_attempt_at ON outbox (next_attempt_at);
INSERT INTO outbox VALUES (1, 'south-south-cooperation', '2027-09-12', 7,
    '2027-09-05 09:00:00.000000', 'sent', 1, '2027-09-05 09:00:00.000000', NULL,
    '<obs.1@example.org>', NULL, '2027-09-05 09:00:01.000000', NULL,
    '2027-09-01 00:00:00.000000', '2027-09-05 09:00:01.000000');
"""


def test_a_version_1_outbox_gains_the_language_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1)
    outbox = Outbox(f"sqlite:///{path}", domain="example.org")
    with pytest.raises(SchemaError, match="observances db upgrade"):
        outbox.create()  # an older layout: the service refuses to start on it
    migrations.upgrade(outbox.engine)
    outbox.create()
    assert outbox.schema_version() == SCHEMA_VERSION == 4
    key = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)
    row = outbox.get(key)
    assert row is not None
    assert (row.status, row.message_id, row.key.language) == (
        Status.SENT,
        "<obs.1@example.org>",
        "",
    )
    occurrence = occurrences_in_year(registry().get(key.observance_id), 2027)[0]
    spanish = SendKey(key.observance_id, key.occurrence_date, 7, "es")
    at = dt.datetime(2027, 9, 5, 9, tzinfo=dt.UTC)
    result = outbox.sync(
        [PlannedSend(key, at, occurrence), PlannedSend(spanish, at, occurrence)],
        dt.date(2027, 9, 1),
        at,
    )
    assert result.inserted == 1
    added = outbox.get(spanish)
    assert added is not None
    assert added.message_id == message_id(spanish, "example.org") != row.message_id
    outbox.create()  # a second start changes nothing
    assert len(outbox.rows()) == 2
    outbox.close()

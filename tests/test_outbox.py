"""The outbox on a real SQLite file: unique keys, conditional claims, backoff, recovery."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest
from service_kit import at, profile, registry
from sqlalchemy import update

from observances.delivery.outbox import (
    SCHEMA_VERSION,
    Outbox,
    OutboxVersionError,
    Status,
    message_id,
    retry_delay,
)
from observances.delivery.planner import PlannedSend, SendKey, plan
from observances.delivery.schema import outbox_table, schema_table

UTC = dt.UTC
NOW = at("2027-08-01T00:00:00")


def sends(lead_days: tuple[int, ...] = (21, 7, 1), **by_id: tuple[int, ...]) -> list[PlannedSend]:
    return plan(
        registry(),
        profile(lead_days, **by_id),
        zone=UTC,
        send_time=dt.time(9, 0),
        first_day=dt.date(2027, 9, 1),
        last_day=dt.date(2027, 9, 30),
    )


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    box = Outbox(f"sqlite:///{tmp_path / 'outbox.sqlite3'}", domain="example.org")
    box.create()
    return box


KEY = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)


def test_sync_inserts_each_key_once_however_often_it_runs(outbox: Outbox) -> None:
    first = outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    again = outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    assert (first.inserted, again.inserted) == (9, 0)
    assert outbox.counts()[Status.PENDING] == 9


def test_two_outboxes_on_one_file_plan_each_key_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    one, two = Outbox(url), Outbox(url)
    one.create()
    two.create()
    one.sync(sends(), dt.date(2027, 9, 1), NOW)
    two.sync(sends(), dt.date(2027, 9, 1), NOW)
    assert len(two.rows()) == 9


def test_the_database_refuses_a_duplicate_key(outbox: Outbox, tmp_path: Path) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO outbox (observance_id, occurrence_date, lead_days, send_at, status,"
            " attempts, next_attempt_at, message_id, created_at, updated_at)"
            " SELECT observance_id, occurrence_date, lead_days, send_at, status, attempts,"
            " next_attempt_at, message_id, created_at, updated_at FROM outbox LIMIT 1"
        )


def test_message_id_is_derived_from_the_key_and_short() -> None:
    mid = message_id(KEY, "example.org")
    assert mid == message_id(KEY, "example.org")
    assert mid != message_id(SendKey(KEY.observance_id, KEY.occurrence_date, 1), "example.org")
    assert mid.startswith("<obs.")
    assert mid.endswith("@example.org>")
    assert len(mid) < 50


def test_a_row_is_due_at_its_send_time_and_claimed_once(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    send_at = at("2027-09-05T09:00:00")
    assert KEY not in {r.key for r in outbox.due(send_at - dt.timedelta(seconds=1))}
    row = next(r for r in outbox.due(send_at) if r.key == KEY)
    claimed = outbox.claim(row.id, send_at)
    assert claimed is not None
    assert (claimed.status, claimed.attempts, claimed.claimed_at) == (Status.SENDING, 1, send_at)
    assert outbox.claim(row.id, send_at) is None


def test_a_row_is_not_claimed_before_it_is_due(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    row = outbox.get(KEY)
    assert row is not None
    assert outbox.claim(row.id, at("2027-09-05T08:59:59")) is None


def test_racing_claims_from_two_connections_give_one_winner(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    boxes = [Outbox(url) for _ in range(4)]
    boxes[0].create()
    boxes[0].sync(sends(), dt.date(2027, 9, 1), NOW)
    row = boxes[0].get(KEY)
    assert row is not None
    wins: list[bool] = []
    barrier = threading.Barrier(len(boxes))

    def race(box: Outbox) -> None:
        barrier.wait()
        wins.append(box.claim(row.id, at("2027-09-06T00:00:00")) is not None)

    threads = [threading.Thread(target=race, args=(box,)) for box in boxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(wins) == [False, False, False, True]


def test_backoff_doubles_up_to_the_cap_with_deterministic_jitter() -> None:
    delays = [retry_delay(KEY, n, 60, 1800).total_seconds() for n in range(1, 9)]
    assert delays == [retry_delay(KEY, n, 60, 1800).total_seconds() for n in range(1, 9)]
    for n, delay in enumerate(delays[:5], start=1):
        assert 0.8 * 60 * 2 ** (n - 1) <= delay <= 60 * 2 ** (n - 1)
    assert all(1440 <= d <= 1800 for d in delays[5:])
    other = SendKey(KEY.observance_id, KEY.occurrence_date, 1)
    assert retry_delay(other, 3, 60, 1800) != retry_delay(KEY, 3, 60, 1800)


def test_retry_sent_and_failed_are_recorded(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    t = at("2027-09-05T09:00:00")
    row = outbox.claim(outbox.get(KEY).id, t)  # type: ignore[union-attr]
    assert row is not None
    again = outbox.mark_retry(row, t, "451 try later")
    assert t + dt.timedelta(seconds=48) <= again <= t + dt.timedelta(seconds=60)
    retried = outbox.get(KEY)
    assert retried is not None
    assert (retried.status, retried.last_error) == (Status.RETRY, "451 try later")
    row = outbox.claim(retried.id, again)
    assert row is not None
    assert row.attempts == 2
    outbox.mark_sent(row, again, {"b@example.org": (550, "no such user")})
    sent = outbox.get(KEY)
    assert sent is not None
    assert (sent.status, sent.sent_at) == (Status.SENT, again)
    assert sent.refused == {"b@example.org": (550, "no such user")}
    assert [p.key for p in outbox.problems()] == [KEY]


def test_a_mark_applies_only_to_a_row_still_sending(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    t = at("2027-09-05T09:00:00")
    row = outbox.claim(outbox.get(KEY).id, t)  # type: ignore[union-attr]
    assert row is not None
    outbox.mark_sent(row, t)
    outbox.mark_failed(row, t, "late news")  # a stale second mark changes nothing
    assert outbox.get(KEY).status == Status.SENT  # type: ignore[union-attr]


def test_rows_stuck_in_sending_are_recovered_with_their_message_id(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    t = at("2027-09-05T09:00:00")
    row = outbox.claim(outbox.get(KEY).id, t)  # type: ignore[union-attr]
    assert row is not None
    # a claim newer than the cut-off is left alone (another process may still be sending)
    assert outbox.recover_stuck(t, claimed_before=t) == []
    recovered = outbox.recover_stuck(t + dt.timedelta(hours=1), claimed_before=t + dt.timedelta(1))
    assert [r.key for r in recovered] == [KEY]
    after = outbox.get(KEY)
    assert after is not None
    assert (after.status, after.message_id) == (Status.RETRY, row.message_id)
    assert after.id in {r.id for r in outbox.due(t + dt.timedelta(hours=1))}


def test_rows_whose_date_passed_are_skipped_late_and_sent_rows_are_not(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    t = at("2027-09-05T09:00:00")
    row = outbox.claim(outbox.get(KEY).id, t)  # type: ignore[union-attr]
    assert row is not None
    outbox.mark_sent(row, t)
    late = outbox.mark_late(dt.date(2027, 9, 13), t)
    assert late == 2  # the 21-day and 1-day rows of 12 September
    assert outbox.get(KEY).status == Status.SENT  # type: ignore[union-attr]
    # the occurrence day itself is not late: a draft can still be used that day
    assert outbox.mark_late(dt.date(2027, 9, 15), t) == 0
    assert outbox.mark_late(dt.date(2027, 9, 16), t) == 3


def test_lead_time_edit_cancels_open_rows_and_never_touches_sent_ones(outbox: Outbox) -> None:
    outbox.sync(sends((21, 7, 1)), dt.date(2027, 9, 1), NOW)
    t = at("2027-09-05T09:00:00")
    row = outbox.claim(outbox.get(KEY).id, t)  # type: ignore[union-attr]
    assert row is not None
    outbox.mark_sent(row, t)
    result = outbox.sync(sends((14, 3)), dt.date(2027, 9, 1), t)
    # 14 and 3 days in for three dates; 21, 7 and 1 out, less the 7-day row already sent
    assert (result.inserted, result.cancelled) == (6, 8)
    assert outbox.get(KEY).status == Status.SENT  # type: ignore[union-attr]
    # undoing the edit revives the cancelled rows instead of adding new ones
    result = outbox.sync(sends((21, 7, 1)), dt.date(2027, 9, 1), t)
    assert (result.inserted, result.revived, result.cancelled) == (0, 8, 6)


def test_rows_before_the_window_are_left_to_mark_late(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    result = outbox.sync([], dt.date(2027, 9, 16), NOW)
    assert result.cancelled == 3  # only the 21 September rows were in the window


def test_a_changed_send_time_moves_pending_rows(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    moved = [PlannedSend(s.key, s.send_at + dt.timedelta(hours=2), s.occurrence) for s in sends()]
    assert outbox.sync(moved, dt.date(2027, 9, 1), NOW).rescheduled == 9
    assert outbox.get(KEY).send_at == at("2027-09-05T11:00:00")  # type: ignore[union-attr]


def test_dry_run_rows_come_back_when_dry_run_is_off(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW, dry_run=True)
    t = at("2027-09-05T09:00:00")
    row = outbox.claim(outbox.get(KEY).id, t)  # type: ignore[union-attr]
    assert row is not None
    outbox.mark_dry_run(row, t)
    assert outbox.sync(sends(), dt.date(2027, 9, 1), t, dry_run=True).revived == 0
    assert outbox.sync(sends(), dt.date(2027, 9, 1), t).revived == 1
    assert outbox.get(KEY).status == Status.PENDING  # type: ignore[union-attr]


def test_report_counts_problems_and_next_send(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    report = outbox.report(NOW)
    assert report.counts == {s: (9 if s == Status.PENDING else 0) for s in Status}
    assert report.next_send is not None
    assert report.next_send.send_at == dt.datetime(2027, 8, 22, 9, tzinfo=UTC)
    assert report.oldest_due_age_seconds is None
    # as JSON (`status --json`, /status): statuses by name, instants in ISO 8601
    as_json = report.as_json()
    assert list(as_json) == [
        "counts",
        "problems",
        "retrying",
        "next_send",
        "oldest_due_age_seconds",
    ]
    assert as_json["counts"] == {s.value: (9 if s == Status.PENDING else 0) for s in Status}
    assert as_json["next_send"] == report.next_send.as_json()
    assert report.next_send.as_json()["send_at"] == "2027-08-22T09:00:00+00:00"
    assert (as_json["problems"], as_json["retrying"]) == ([], [])


def test_instants_round_trip_as_utc_and_naive_ones_are_refused(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    row = outbox.get(KEY)
    assert row is not None
    assert row.send_at.tzinfo == UTC
    with pytest.raises(Exception, match="naive"):
        outbox.claim(row.id, dt.datetime(2027, 9, 6))


# --- the schema version -------------------------------------------------------------------------


def test_a_new_outbox_records_its_schema_version(outbox: Outbox) -> None:
    assert outbox.schema_version() == SCHEMA_VERSION
    outbox.create()  # again: still one version, the same
    assert outbox.schema_version() == SCHEMA_VERSION


def test_an_outbox_from_before_versions_keeps_its_rows_and_records_version_1(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = Outbox(url)
    outbox_table.create(old.engine)  # what `create` made before the version table existed
    old.sync(sends(), dt.date(2027, 9, 1), NOW)
    assert old.schema_version() is None
    old.create()
    assert old.schema_version() == 1
    assert old.counts()[Status.PENDING] == 9


def test_an_outbox_of_a_newer_version_is_refused_and_left_untouched(outbox: Outbox) -> None:
    outbox.sync(sends(), dt.date(2027, 9, 1), NOW)
    with outbox.engine.begin() as conn:
        conn.execute(update(schema_table).values(version=SCHEMA_VERSION + 1))
    newer = Outbox(outbox.url)
    with pytest.raises(OutboxVersionError, match=r"schema version 2.*version 1 at most") as raised:
        newer.create()
    assert raised.value.exit_code == 1
    assert "OBSERVANCES_DATABASE_URL" in str(raised.value)  # what to do about it
    with pytest.raises(OutboxVersionError):
        newer.check_version()
    assert newer.counts()[Status.PENDING] == 9

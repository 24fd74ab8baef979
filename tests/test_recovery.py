"""Recovery by owner, not by wall clock (issue 17.1, issue 13.3): a `sending` row goes back to
retry only when the worker that claimed it is gone: on SQLite under the file lock, any claim
not the lock holder's; on PostgreSQL, a claim whose lease expired AND whose worker's heartbeat
is stale, both by the database server's clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from service_kit import SmtpServer, at, profile, registry, smtp_server
from test_service_subprocess import NOW, Setup, wait_for

from observances.delivery.outbox import Outbox, Row, Status, Worker
from observances.delivery.planner import SendKey, plan

KEY = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)
T0 = at("2027-09-05T09:00:30")


def worker(name: str) -> Worker:
    return Worker(f"test:{name}", "test", 1, "0")


def claimed_outbox(url: str, by: Worker, lease_seconds: float) -> tuple[Outbox, Row]:
    outbox = Outbox(url)
    outbox.create()
    sends = plan(
        registry(),
        profile((7,)),
        zone=dt.UTC,
        send_time=dt.time(9, 0),
        first_day=dt.date(2027, 9, 1),
        last_day=dt.date(2027, 9, 30),
    )
    outbox.sync(sends, dt.date(2027, 9, 5), T0)
    outbox.register(by, T0)
    [row] = [r for r in outbox.claim_next(T0, worker=by, lease_seconds=lease_seconds) if r]
    assert row.key == KEY
    assert row.claimed_by == by.id
    return outbox, row


def test_under_the_file_lock_every_claim_not_the_holders_is_recovered(tmp_path: Path) -> None:
    dead, alive = worker("dead"), worker("alive")
    outbox, row = claimed_outbox(f"sqlite:///{tmp_path / 'o.sqlite3'}", dead, 3600)
    try:
        # the holder's own claim stays, however the clocks go
        assert outbox.recover(T0 - dt.timedelta(days=3), lock_holder=dead.id) == []
        # the new holder (a restarted process, its clock stepped back a day) takes it back
        [back] = outbox.recover(T0 - dt.timedelta(days=1), lock_holder=alive.id)
        assert (back.key, back.status, back.message_id) == (KEY, Status.RETRY, row.message_id)
        assert back.next_attempt_at == T0 - dt.timedelta(days=1)  # due at once, by its clock
    finally:
        outbox.close()


def test_on_postgresql_a_claim_returns_only_when_lease_and_heartbeat_are_both_stale(
    pg_url: str,
) -> None:
    owner = worker("owner")
    outbox, _ = claimed_outbox(pg_url, owner, lease_seconds=3600)
    engine = sa.create_engine(pg_url)

    def age(table: str, column: str, seconds: int) -> None:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = timezone('UTC', now()) "  # noqa: S608
                    f"- make_interval(secs => {seconds})"
                )
            )

    try:
        # the wall clock the caller passes plays no part: a year ahead changes nothing
        assert outbox.recover(T0 + dt.timedelta(days=365), stale_after_seconds=60) == []
        age("outbox", "lease_until", 10)  # lease expired, heartbeat fresh: a slow send
        assert outbox.recover(T0, stale_after_seconds=60) == []
        outbox.beat(owner, T0, lease_seconds=3600)  # the heartbeat renews the lease
        age("workers", "heartbeat_at", 120)  # heartbeat stale, lease still running
        assert outbox.recover(T0, stale_after_seconds=60) == []
        age("outbox", "lease_until", 10)  # both: the worker is gone
        [back] = outbox.recover(T0, stale_after_seconds=60)
        assert (back.key, back.status) == (KEY, Status.RETRY)
    finally:
        engine.dispose()
        outbox.close()


def test_claims_on_postgresql_skip_rows_another_transaction_holds(pg_url: str) -> None:
    one, two = worker("one"), worker("two")
    outbox, first = claimed_outbox(pg_url, one, 600)
    try:
        later = T0 + dt.timedelta(days=3)  # the 15 September draft is due too
        engine = sa.create_engine(pg_url)
        with engine.begin() as conn:
            # another instance is in the middle of claiming the next row: SKIP LOCKED passes it
            conn.execute(
                sa.text(
                    "SELECT id FROM outbox WHERE status = 'pending' "
                    "ORDER BY send_at LIMIT 1 FOR UPDATE"
                )
            )
            assert outbox.claim_next(later, worker=two, lease_seconds=600) == []
        [second] = outbox.claim_next(later, worker=two, lease_seconds=600)
        assert second.id != first.id
        assert second.claimed_by == two.id
        engine.dispose()
    finally:
        outbox.close()


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def test_a_send_interrupted_then_restarted_with_the_clock_stepped_back_goes_out(
    tmp_path: Path, server: SmtpServer
) -> None:
    setup = Setup(tmp_path, server)
    try:
        server.script.data_delays = [8.0]
        first = setup.start()
        assert server.handler.data_started.wait(20), first.output
        assert setup.due_status() == Status.SENDING
        first.proc.kill()
        first.proc.wait(5)
        # the host's clock is stepped back an hour before the restart: the claim is "in the
        # future", which a recovery by claim time would wait for until the date passed
        back = dt.datetime.fromisoformat(NOW) - dt.timedelta(hours=1)
        setup.env["OBSERVANCES_FAKE_NOW"] = back.isoformat()
        second = setup.start()
        assert wait_for(lambda: setup.due_status() == Status.SENT, timeout=20), second.output
        row = setup.due_row()
        assert row is not None
        seen = server.handler.seen
        assert len(seen) == 2  # the interrupted one and its one repeat
        assert {str(r.message["Message-ID"]) for r in seen} == {row.message_id}
        assert second.stop() == 0
    finally:
        setup.cleanup()


# --- version fencing (issue 13.4) ----------------------------------------------------------------


def test_an_instance_with_an_older_registry_sends_but_does_not_plan(pg_url: str) -> None:
    from service_kit import REGISTRY_YAML, FakeClock, Recorder, plain, settings_for

    from observances.delivery.sending import PassReport, Sender, send_due
    from observances.registry import loads
    from observances.registry.models import Registry
    from observances.wiring import mail_routing, schedule_for

    settings = settings_for(Path("unused"), database_url=pg_url)
    new = registry()  # revision 2026-11-28
    # an older revision that also lacks Democracy Day: planning from it would cancel its rows
    old_text = REGISTRY_YAML.replace("revision: 2026-11-28", "revision: 2026-01-01")
    start = old_text.index("  - id: democracy-day")
    old_text = old_text[:start] + old_text[old_text.index("  - id: peace-day") :]
    old = loads(old_text, "old-registry.yaml")
    outbox = Outbox(pg_url)
    outbox.create()
    clock = FakeClock(at("2027-09-04T10:00:00"))  # nothing due yet
    recorder = Recorder()

    def one_pass(reg: Registry, name: str) -> PassReport:
        return send_due(
            outbox=outbox,
            registry=reg,
            profile=profile((7,)),
            schedule=schedule_for(settings),
            routing=mail_routing(settings),
            renderer=plain,
            transport=recorder,
            clock=clock,
            sender=Sender(worker(name), lease_seconds=60, fencing=True),
        )

    try:
        first = one_pass(new, "new")
        assert first.planner is True
        assert first.skew is None
        democracy = SendKey("democracy-day", dt.date(2027, 9, 15), 7)
        assert outbox.get(democracy).status == Status.PENDING  # type: ignore[union-attr]

        clock.set("2027-09-05T09:00:30")  # the 12 September draft is due
        behind = one_pass(old, "old")
        assert behind.planner is False
        assert "older than the one the outbox was planned from" in (behind.skew or "")
        assert outbox.get(democracy).status == Status.PENDING  # type: ignore[union-attr]
        assert recorder.keys == [str(KEY)]  # it still sends what it can render

        caught_up = one_pass(new, "new")
        assert (caught_up.planner, caught_up.skew) == (True, None)
    finally:
        outbox.close()

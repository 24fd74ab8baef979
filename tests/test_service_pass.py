"""One pass of the service (dispatch.send_due) with the clock moved by the test: downtime,
retries, refusals, clock jumps, DST, edits, bad headers and renderer failures."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_kit import (
    REGISTRY_YAML,
    FakeClock,
    PlainDraft,
    Recorder,
    SmtpServer,
    plain,
    profile,
    registry,
    settings_for,
    smtp_server,
)

from observances.delivery.mail import DryRunTransport, SmtpTransport, Transport
from observances.delivery.outbox import Outbox, Status
from observances.delivery.planner import SendKey
from observances.delivery.sending import PassReport, Renderer, send_due
from observances.occurrences import Occurrence
from observances.profile import Profile
from observances.registry import loads
from observances.registry.models import Registry
from observances.settings import Settings
from observances.wiring import mail_routing, outbox_for, schedule_for

SSC = "south-south-cooperation"


class World:
    """An outbox on disk, a clock, settings, and one pass at a time."""

    def __init__(self, tmp_path: Path, start: str, **settings: Any) -> None:
        self.settings: Settings = settings_for(tmp_path, **settings)
        self.outbox: Outbox = outbox_for(self.settings)
        self.outbox.create()
        self.clock = FakeClock(dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC))
        self.registry: Registry = registry()
        self.profile: Profile = profile((7,))

    def run(self, transport: Transport, renderer: Renderer = plain) -> PassReport:
        return send_due(
            outbox=self.outbox,
            registry=self.registry,
            profile=self.profile,
            schedule=schedule_for(self.settings),
            routing=mail_routing(self.settings),
            renderer=renderer,
            transport=transport,
            clock=self.clock,
        )

    def status(self, observance_id: str, day: str, lead: int = 7) -> Status:
        row = self.outbox.get(SendKey(observance_id, dt.date.fromisoformat(day), lead))
        assert row is not None
        return row.status


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def smtp(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, security="none", timeout=5)


# §5.3 SMTP down for hours -----------------------------------------------------------------


def test_smtp_down_for_hours_backs_off_then_delivers_once(tmp_path: Path) -> None:
    world = World(tmp_path, "2027-09-05T09:00:00")
    down = SmtpServer()  # its port is reserved but nothing listens yet
    transport = smtp(down)
    attempts_at: list[dt.datetime] = []
    for _ in range(24):  # two hours in five-minute steps
        before = world.outbox.get(SendKey(SSC, dt.date(2027, 9, 12), 7))
        world.run(transport)
        after = world.outbox.get(SendKey(SSC, dt.date(2027, 9, 12), 7))
        assert after is not None
        if before is None or after.attempts != before.attempts:
            attempts_at.append(world.clock.now)
        assert after.status == Status.RETRY
        assert after.last_error is not None
        assert "cannot connect" in after.last_error
        world.clock.advance(minutes=5)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(attempts_at)]
    assert len(attempts_at) >= 5
    assert gaps == sorted(gaps)  # the wait grows
    assert gaps[-1] >= 1800 * 0.8 - 300  # and reaches the cap (within one step)
    report = world.outbox.report(world.clock.now)
    assert report.counts[Status.FAILED] == 0
    assert len(report.retrying) == 1
    down.start()
    try:
        for _ in range(12):  # one more hour: the next attempt finds the server
            world.run(transport)
            world.clock.advance(minutes=5)
        assert len(down.accepted) == 1
        assert world.status(SSC, "2027-09-12") == Status.SENT
    finally:
        down.stop()


# §5.4 transient then OK; permanent ----------------------------------------------------------


def test_transient_4xx_replies_are_retried_until_one_delivery(
    tmp_path: Path, server: SmtpServer
) -> None:
    world = World(tmp_path, "2027-09-05T09:00:00")
    server.script.rcpt["comms@example.org"] = ["451 4.3.0 Try later"]
    server.script.data = ["452 4.3.1 Insufficient storage"]
    reports = []
    for _ in range(10):
        reports.append(world.run(smtp(server)))
        world.clock.advance(minutes=2)
    assert [r.retried for r in reports if r.retried] == [1, 1]
    assert len(server.accepted) == 1
    assert world.status(SSC, "2027-09-12") == Status.SENT


def test_a_permanent_5xx_fails_that_row_and_the_others_go_out(
    tmp_path: Path, server: SmtpServer
) -> None:
    world = World(tmp_path, "2027-09-08T10:00:00")  # two due: 12 Sept (catch-up), 15 Sept
    server.script.data = ["554 5.6.0 Message rejected"]
    report = world.run(smtp(server))
    assert (report.failed, report.sent) == (1, 1)
    assert world.status(SSC, "2027-09-12") == Status.FAILED
    assert world.status("democracy-day", "2027-09-15") == Status.SENT
    problems = world.outbox.problems()
    assert [p.last_error for p in problems] == ["554 5.6.0 Message rejected"]
    world.clock.advance(hours=2)
    assert world.run(smtp(server)).failed == 0  # not retried
    assert len(server.accepted) == 1


# §5.5 partial refusal -------------------------------------------------------------------------


def test_a_refused_recipient_is_recorded_and_the_accepted_one_not_sent_again(
    tmp_path: Path, server: SmtpServer
) -> None:
    world = World(tmp_path, "2027-09-05T09:00:00", mail_to=("a@example.org", "b@example.org"))
    server.script.rcpt["b@example.org"] = ["550 5.1.1 No such user"]
    for _ in range(3):
        world.run(smtp(server))
        world.clock.advance(hours=1)
    assert [r.recipients for r in server.accepted] == [["a@example.org"]]
    row = world.outbox.get(SendKey(SSC, dt.date(2027, 9, 12), 7))
    assert row is not None
    assert row.status == Status.SENT
    assert row.refused == {"b@example.org": (550, "5.1.1 No such user")}


# §5.6 down across a send time; past the date -------------------------------------------------


def test_a_send_missed_while_down_goes_out_once_at_the_next_pass(tmp_path: Path) -> None:
    world = World(tmp_path, "2027-09-05T08:00:00")
    recorder = Recorder()
    assert world.run(recorder).sent == 0
    world.clock.set("2027-09-05T10:00:00")  # "down" from 08:00 to 10:00 across 09:00
    assert world.run(recorder).sent == 1
    assert world.run(recorder).sent == 0
    assert recorder.keys == [f"{SSC}/2027-09-12/7"]


def test_a_send_whose_date_passed_while_down_is_skipped_late(tmp_path: Path) -> None:
    world = World(tmp_path, "2027-09-04T10:00:00")
    recorder = Recorder()
    world.run(recorder)  # plans 12 September
    world.clock.set("2027-09-13T10:00:00")
    report = world.run(recorder)
    assert report.late == 1
    assert world.status(SSC, "2027-09-12") == Status.SKIPPED_LATE
    assert f"{SSC}/2027-09-12/7" not in recorder.keys


# §5.8 clock jumps -------------------------------------------------------------------------------


def test_clock_jumps_forward_send_due_rows_once_in_order_and_backward_resends_nothing(
    tmp_path: Path,
) -> None:
    world = World(tmp_path, "2027-09-06T10:00:00")
    world.profile = profile((7, 3))
    recorder = Recorder()
    world.run(recorder)
    assert recorder.keys == [f"{SSC}/2027-09-12/7"]
    world.clock.advance(days=3)
    world.run(recorder)
    assert recorder.keys[1:] == [
        "democracy-day/2027-09-15/7",  # due 8 September 09:00
        f"{SSC}/2027-09-12/3",  # due 9 September 09:00
    ]
    world.clock.advance(days=-1)
    world.run(recorder)
    world.clock.advance(days=1)
    world.run(recorder)
    assert len(recorder.keys) == 3


# §5.9 DST ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("send_time", "start", "observance_id", "day", "expected_utc"),
    [
        ("02:30", "2026-03-07T12:00:00", "spring-test-day", "2026-03-15", "2026-03-08T07:30"),
        ("01:30", "2026-10-31T12:00:00", "autumn-test-day", "2026-11-08", "2026-11-01T05:30"),
    ],
)
def test_dst_days_send_each_key_exactly_once_at_a_real_instant(
    tmp_path: Path, send_time: str, start: str, observance_id: str, day: str, expected_utc: str
) -> None:
    world = World(
        tmp_path, start, timezone="America/New_York", send_time=dt.time.fromisoformat(send_time)
    )
    recorder = Recorder()
    sent_at: list[dt.datetime] = []
    for _ in range(2 * 24 * 4):  # two days in 15-minute steps, across the change
        if world.run(recorder).sent:
            sent_at.append(world.clock.now)
        world.clock.advance(minutes=15)
    assert recorder.keys == [f"{observance_id}/{day}/7"]
    row = world.outbox.get(SendKey(observance_id, dt.date.fromisoformat(day), 7))
    assert row is not None
    assert row.send_at == dt.datetime.fromisoformat(expected_utc).replace(tzinfo=dt.UTC)
    assert sent_at[0] - row.send_at < dt.timedelta(minutes=15)


# §5.10 edits ------------------------------------------------------------------------------------


def test_lead_time_and_date_edits_add_rows_cancel_open_ones_and_keep_sent_ones(
    tmp_path: Path,
) -> None:
    world = World(tmp_path, "2027-09-05T10:00:00")
    world.profile = profile((21, 7, 1))
    recorder = Recorder()
    world.run(recorder)
    sent_before = set(recorder.keys)
    assert f"{SSC}/2027-09-12/7" in sent_before
    world.profile = profile((14, 3))
    world.registry = loads(REGISTRY_YAML.replace('"09-21"', '"09-22"'), "edited.yaml")
    report = world.run(recorder)
    assert report.synced.cancelled == 5  # 1-day rows of 12/15/21 Sept, 7-day of 15/21 Sept
    assert world.status(SSC, "2027-09-12", 7) == Status.SENT
    assert world.status(SSC, "2027-09-12", 1) == Status.CANCELLED
    assert world.status("peace-day", "2027-09-21", 21) == Status.SENT  # sent stays sent
    assert world.status("peace-day", "2027-09-22", 14) == Status.PENDING  # a new row
    assert world.status(SSC, "2027-09-12", 14) == Status.SENT  # new, and due: caught up
    assert not sent_before & set(recorder.keys[len(sent_before) :])  # nothing sent twice


# §5.11 a malformed header never reaches SMTP ------------------------------------------------


def test_line_breaks_in_registry_text_never_reach_smtp_as_headers(
    tmp_path: Path, server: SmtpServer
) -> None:
    world = World(tmp_path, "2027-09-05T10:00:00")
    world.registry = loads(
        REGISTRY_YAML.replace(
            "name: United Nations Day for South-South Cooperation",
            'name: "United Nations Day\\u2028Bcc: spy@example.com\\r\\nX-Evil: 1"',
        ),
        "evil.yaml",
    )

    def renderer(occurrence: Occurrence, lead_days: int) -> PlainDraft:
        return plain(occurrence, lead_days)  # its subject carries the name as it is

    assert world.run(smtp(server), renderer).sent == 1
    [received] = server.accepted
    assert received.recipients == ["comms@example.org"]
    assert received.message["Bcc"] is None
    assert received.message["X-Evil"] is None
    assert "\n" not in str(received.message["Subject"])


# §5.12 a renderer failure fails that row only -----------------------------------------------


def test_a_renderer_failure_fails_that_row_and_the_others_are_sent(tmp_path: Path) -> None:
    world = World(tmp_path, "2027-09-08T10:00:00")
    recorder = Recorder()

    def renderer(occurrence: Occurrence, lead_days: int) -> PlainDraft:
        if occurrence.id == SSC:
            raise KeyError("'signatory' is undefined")
        return plain(occurrence, lead_days)

    report = world.run(recorder, renderer)
    assert (report.failed, report.sent) == (1, 1)
    row = world.outbox.get(SendKey(SSC, dt.date(2027, 9, 12), 7))
    assert row is not None
    assert row.status == Status.FAILED
    assert row.last_error is not None
    assert "signatory" in row.last_error
    assert recorder.keys == ["democracy-day/2027-09-15/7"]


# §5.15 dry run -----------------------------------------------------------------------------------


def test_dry_run_marks_rows_and_sends_them_for_real_once_it_is_off(tmp_path: Path) -> None:
    world = World(tmp_path, "2027-09-05T10:00:00")
    assert world.run(DryRunTransport()).dry_run == 1
    assert world.run(DryRunTransport()).dry_run == 0  # logged once, not every tick
    assert world.status(SSC, "2027-09-12") == Status.DRY_RUN
    recorder = Recorder()
    assert world.run(recorder).sent == 1
    assert recorder.keys == [f"{SSC}/2027-09-12/7"]

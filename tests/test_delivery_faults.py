"""Delivery under faults (issue 17, items 1-3): a server that takes DATA and hangs up before its
final reply, an outbox that cannot be written after the server accepted a send, a Maildir whose
folders disappear, a transport that keeps failing. Real SMTP servers on 127.0.0.1, a real SQLite
outbox, the clock moved by the test."""

from __future__ import annotations

import datetime as dt
import mailbox
import shutil
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from service_kit import (
    FakeClock,
    Recorder,
    SmtpServer,
    plain,
    profile,
    registry,
    settings_for,
    smtp_server,
)
from sqlalchemy.exc import OperationalError

from observances.delivery.mail import MaildirTransport, SmtpTransport, Transport
from observances.delivery.outbox import Outbox, Row, Status
from observances.delivery.planner import SendKey
from observances.delivery.sending import (
    PassReport,
    PendingRecords,
    Sender,
    StateNotWritableError,
    TransportHealth,
    send_due,
)
from observances.web.app import HealthCheck
from observances.wiring import mail_routing, outbox_for, schedule_for, service_for

KEY = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)
DUE = "2027-09-05T09:00:30"  # the 7-day draft of 12 September fell due 30 s ago


class HangUpAfterData:
    """An SMTP server that reads the whole message after DATA and then closes the connection
    without its final reply (or, with `at="rcpt"`, hangs up at RCPT, before any DATA). Counts
    each message body it received, by X-Observance-Key."""

    def __init__(self, at: str = "data") -> None:
        self.at = at
        self.bodies: Counter[str] = Counter()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = int(self._sock.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                self._session(conn.makefile("rb"), conn)

    def _session(self, lines: Any, conn: socket.socket) -> None:
        conn.sendall(b"220 hangup.test ESMTP\r\n")
        for raw in lines:
            verb = raw[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 hangup.test\r\n")
            elif verb == b"MAIL":
                conn.sendall(b"250 OK\r\n")
            elif verb == b"RCPT":
                if self.at == "rcpt":
                    return  # hang up before any DATA: nothing was delivered
                conn.sendall(b"250 OK\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                body = b""
                for line in lines:
                    if line == b".\r\n":
                        break
                    body += line
                for header in body.split(b"\r\n"):
                    if header.lower().startswith(b"x-observance-key:"):
                        self.bodies[header.split(b":", 1)[1].strip().decode()] += 1
                return  # the whole message is here; close without the final reply
            else:
                conn.sendall(b"250 OK\r\n")

    def close(self) -> None:
        self._sock.close()


class World:
    def __init__(self, tmp_path: Path, **settings: Any) -> None:
        self.settings = settings_for(tmp_path, **settings)
        self.outbox: Outbox = outbox_for(self.settings)
        self.outbox.create()
        self.clock = FakeClock(dt.datetime.fromisoformat(DUE).replace(tzinfo=dt.UTC))
        self.sender = Sender()
        self.records: PendingRecords = self.sender.records
        self.health: TransportHealth = self.sender.health

    def run(self, transport: Transport) -> PassReport:
        return send_due(
            outbox=self.outbox,
            registry=registry(),
            profile=profile((7,)),
            schedule=schedule_for(self.settings),
            routing=mail_routing(self.settings),
            renderer=plain,
            transport=transport,
            clock=self.clock,
            sender=self.sender,
        )

    def row(self) -> Row:
        found = self.outbox.get(KEY)
        assert found is not None
        return found


# --- 17.2: DATA sent, no final reply ------------------------------------------------------------


@pytest.fixture
def hangup() -> Iterator[HangUpAfterData]:
    server = HangUpAfterData()
    yield server
    server.close()


def test_no_reply_after_data_gives_one_more_attempt_then_uncertain(
    tmp_path: Path,
    hangup: HangUpAfterData,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = World(tmp_path)
    smtp = SmtpTransport("127.0.0.1", hangup.port, security="none", timeout=5)

    first = world.run(smtp)
    assert first.retried == 1
    assert (world.row().status, world.row().ambiguous) == (Status.RETRY, 1)
    assert "no final reply" in (world.row().last_error or "")

    world.clock.advance(hours=2)  # past any backoff
    second = world.run(smtp)
    assert second.uncertain == 1
    assert (world.row().status, world.row().ambiguous) == (Status.UNCERTAIN, 2)

    for _ in range(3):  # never again: a person decides
        world.clock.advance(hours=2)
        assert world.run(smtp).uncertain == 0
    assert hangup.bodies[str(KEY)] == 2  # the first try and the one further attempt
    assert world.row().status == Status.UNCERTAIN

    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(tmp_path))
    code, out, _ = run_cli(capsys, "status")
    assert code == 0
    assert "uncertain: 1" in out
    assert "uncertain" in out.split("Problems", 1)[1]
    assert "check" in out


def test_a_hang_up_before_data_is_a_plain_retry_not_an_uncertain_one(tmp_path: Path) -> None:
    server = HangUpAfterData(at="rcpt")
    try:
        world = World(tmp_path)
        smtp = SmtpTransport("127.0.0.1", server.port, security="none", timeout=5)
        for _ in range(4):
            world.run(smtp)
            world.clock.advance(hours=2)
        assert server.bodies == Counter()
        assert (world.row().status, world.row().ambiguous) == (Status.RETRY, 0)
        assert world.row().attempts == 4
    finally:
        server.close()


# --- 17.1: the outcome cannot be recorded after the server accepted ----------------------------


class FullDisk(Outbox):
    """A real outbox whose writes of an outcome fail while `full` is set, as SQLite's do when
    the disk is full ("database or disk is full")."""

    full = False

    def _finish(self, row: Row, now: dt.datetime, **values: Any) -> None:
        if self.full:
            raise OperationalError("UPDATE outbox", {}, Exception("database or disk is full"))
        super()._finish(row, now, **values)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def test_an_accepted_send_that_cannot_be_recorded_is_recorded_later_never_resent(
    tmp_path: Path, server: SmtpServer
) -> None:
    settings = settings_for(tmp_path)
    outbox = FullDisk(settings.outbox_url, domain="example.org")
    outbox.create()
    world = World(tmp_path)
    world.outbox = outbox
    smtp = SmtpTransport("127.0.0.1", server.port, security="none", timeout=5)

    outbox.full = True
    with pytest.raises(StateNotWritableError, match="database or disk is full"):
        world.run(smtp)
    assert len(server.accepted) == 1
    assert outbox.get(KEY).status == Status.SENDING  # type: ignore[union-attr]
    assert len(world.records.waiting) == 1

    for _ in range(3):  # still full: nothing recorded, nothing claimed, nothing resent
        world.clock.advance(minutes=5)
        with pytest.raises(StateNotWritableError):
            world.run(smtp)
    assert len(server.accepted) == 1

    outbox.full = False
    world.clock.advance(minutes=5)
    world.run(smtp)
    assert world.records.waiting == {}
    assert outbox.get(KEY).status == Status.SENT  # type: ignore[union-attr]
    assert len(server.accepted) == 1


def test_health_is_degraded_while_the_outbox_cannot_be_written(
    tmp_path: Path, server: SmtpServer
) -> None:
    settings = settings_for(
        tmp_path, smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none"
    )
    outbox = FullDisk(settings.outbox_url, domain="example.org")
    clock = FakeClock(dt.datetime.fromisoformat(DUE).replace(tzinfo=dt.UTC))

    def provider() -> Any:
        return registry(), profile((7,))

    service = service_for(settings, provider, plain, outbox=outbox, now=clock)
    service.outbox.create()
    service.outbox.register(service.worker, clock())
    assert service.state_health().degraded is False
    outbox.full = True
    assert service.tick() is None  # the pass stops: the outcome waits to be recorded
    health = service.state_health()
    assert health.degraded
    assert "disk is full" in health.detail
    assert "1 accepted send(s) wait to be recorded" in health.detail
    outbox.full = False
    service.tick()
    assert service.state_health().degraded is False
    assert outbox.get(KEY).status == Status.SENT  # type: ignore[union-attr]
    assert len(server.accepted) == 1
    service.outbox.close()


def test_healthz_says_degraded_for_a_degraded_check(tmp_path: Path) -> None:
    from observances.web.app import health

    class Files:
        problems: tuple[()] = ()

        def current(self) -> Any:
            from types import SimpleNamespace

            return SimpleNamespace(
                registry=registry(), loaded_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
            )

    found = health(Files(), [lambda: HealthCheck("outbox", True, "disk full", degraded=True)])  # type: ignore[arg-type]
    assert found["status"] == "degraded"
    assert found["checks"][0]["degraded"] is True
    assert health(Files(), [lambda: HealthCheck("outbox", True)])["status"] == "ok"  # type: ignore[arg-type]


# --- 17.3: a Maildir that repairs itself; a transport that keeps failing ------------------------


def test_a_maildir_missing_its_folders_is_repaired_before_each_delivery(tmp_path: Path) -> None:
    world = World(tmp_path)  # at DUE the 7-day draft of 12 September is due
    folder = tmp_path / "maildir"
    transport = MaildirTransport(folder)
    (folder / "new").mkdir(parents=True)
    (folder / "cur").mkdir()  # no tmp/: what a racing `rm -rf` leaves
    assert world.run(transport).sent == 1
    shutil.rmtree(folder / "new")
    shutil.rmtree(folder / "tmp")
    world.clock.set("2027-09-08T09:00:30+00:00")  # the one of 15 September falls due
    report = world.run(transport)
    assert (report.sent, report.retried) == (1, 0)
    assert len(mailbox.Maildir(folder, create=False)) == 1  # the first went with new/
    assert not world.health.degraded


def test_a_transport_that_keeps_failing_degrades_health_with_the_reason(tmp_path: Path) -> None:
    blocked = tmp_path / "maildir"
    blocked.write_text("a file where the Maildir should be")
    settings = settings_for(tmp_path)
    clock = FakeClock(dt.datetime.fromisoformat(DUE).replace(tzinfo=dt.UTC))

    def provider() -> Any:
        return registry(), profile((7,))

    service = service_for(settings, provider, plain, transport=MaildirTransport(blocked), now=clock)
    service.outbox.create()
    for _ in range(3):
        service.tick()
        clock.advance(hours=1)
    check = service.transport_health_check()
    assert check.degraded
    assert "3 deliveries in a row failed" in check.detail
    assert str(blocked) in check.detail
    blocked.unlink()
    service.tick()
    assert not service.transport_health_check().degraded
    service.outbox.close()


def test_a_recorder_pass_still_sends_each_key_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.clock.set("2027-09-08T09:00:30+00:00")
    recorder = Recorder()
    world.run(recorder)
    world.run(recorder)
    assert len(recorder.keys) == len(set(recorder.keys)) == 2

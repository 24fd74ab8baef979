"""The service as a real process (`python -m observances run`): kill -9 in the middle of a
send, SIGTERM in the middle of a send, restarts, and a second instance on the same data.

Time inside the process starts at OBSERVANCES_FAKE_NOW (clock.py's testing aid), so nothing
here depends on today's date.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from service_kit import PROFILE_YAML, REGISTRY_YAML, SmtpServer, free_port, smtp_server

from observances.delivery.outbox import Outbox, Row, Status

NOW = "2027-09-05T09:00:30+00:00"  # the 7-day draft of 12 September fell due 30 s ago
SSC = "south-south-cooperation"

ROOT = Path(__file__).resolve().parent.parent


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Instance:
    """One `observances run` process with its output in files (no pipe can fill up)."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "observances", "run", *args],
            env=env,
            cwd=log.parent,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._out.close()
        return self.proc.returncode


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


class Setup:
    def __init__(self, tmp_path: Path, server: SmtpServer, lead_days: str = "[7]") -> None:
        self.tmp = tmp_path
        (tmp_path / "registry.yaml").write_text(REGISTRY_YAML, encoding="utf-8")
        (tmp_path / "profile.yaml").write_text(
            PROFILE_YAML.replace("[21, 7, 1]", lead_days), encoding="utf-8"
        )
        self.data = tmp_path / "data"
        self.env = {
            **os.environ,
            "OBSERVANCES_REGISTRY": str(tmp_path / "registry.yaml"),
            "OBSERVANCES_PROFILE": str(tmp_path / "profile.yaml"),
            "OBSERVANCES_DATA_DIR": str(self.data),
            "OBSERVANCES_SMTP_HOST": "127.0.0.1",
            "OBSERVANCES_SMTP_PORT": str(server.port),
            "OBSERVANCES_SMTP_SECURITY": "none",
            "OBSERVANCES_SMTP_TIMEOUT": "20",
            "OBSERVANCES_TICK_SECONDS": "1",
            "OBSERVANCES_MAIL_FROM": "drafts@example.org",
            "OBSERVANCES_MAIL_TO": "comms@example.org",
            "OBSERVANCES_FAKE_NOW": NOW,
            "OBSERVANCES_TEMPLATES_DIR": str(ROOT / "templates"),
            "OBSERVANCES_PORT": str(free_port()),
        }
        self.instances: list[Instance] = []

    def start(self, *args: str) -> Instance:
        instance = Instance(self.env, self.tmp / f"run-{len(self.instances)}.log", *args)
        self.instances.append(instance)
        return instance

    def rows(self) -> list[Row]:
        if not (self.data / "outbox.sqlite3").exists():
            return []
        outbox = Outbox(f"sqlite:///{self.data / 'outbox.sqlite3'}")
        try:
            return outbox.rows()
        except Exception:  # the table may not exist yet
            return []
        finally:
            outbox.close()

    def statuses(self) -> list[Status]:
        return [row.status for row in self.rows()]

    def due_row(self) -> Row | None:
        """The one row due at NOW with lead days [7]: 12 September (15 September waits)."""
        return next((r for r in self.rows() if r.key.observance_id == SSC), None)

    def due_status(self) -> Status | None:
        row = self.due_row()
        return row.status if row else None

    def cleanup(self) -> None:
        for instance in self.instances:
            instance.stop()


@pytest.fixture
def setup(tmp_path: Path, server: SmtpServer) -> Iterator[Setup]:
    made = Setup(tmp_path, server)
    try:
        yield made
    finally:
        made.cleanup()


def test_kill_9_in_the_middle_of_a_send_gives_at_most_one_resend_with_the_same_id(
    setup: Setup, server: SmtpServer
) -> None:
    server.script.data_delays = [8.0]  # the first DATA hangs; the process dies meanwhile
    first = setup.start()
    assert server.handler.data_started.wait(20), first.output
    assert setup.due_status() == Status.SENDING
    first.proc.kill()  # SIGKILL: no handler, no cleanup
    first.proc.wait(5)
    second = setup.start()
    assert wait_for(lambda: setup.due_status() == Status.SENT, timeout=45), second.output
    row = setup.due_row()
    assert row is not None
    assert row.attempts == 2
    seen = server.handler.seen
    assert len(seen) == 2
    assert {str(r.message["Message-ID"]) for r in seen} == {row.message_id}
    assert "interrupted mid-send" in second.output
    assert second.stop() == 0


def test_sigterm_in_the_middle_of_a_send_lets_it_finish_and_exits_0(
    setup: Setup, server: SmtpServer
) -> None:
    server.script.data_delays = [3.0]
    instance = setup.start()
    assert server.handler.data_started.wait(20), instance.output
    instance.proc.send_signal(signal.SIGTERM)
    assert instance.proc.wait(20) == 0, instance.output
    assert setup.due_status() == Status.SENT
    assert len(server.accepted) == 1
    assert "SIGTERM received" in instance.output
    # a restart finds nothing left to send
    again = setup.start()
    assert wait_for(lambda: "service started" in again.output), again.output
    time.sleep(2.5)
    assert again.stop() == 0
    assert len(server.handler.seen) == 1


def test_a_second_instance_exits_at_once_naming_the_lock_and_its_holder(
    setup: Setup, server: SmtpServer
) -> None:
    first = setup.start()
    assert wait_for(lambda: "service started" in first.output), first.output
    second = setup.start()
    assert second.proc.wait(15) == 1
    assert "observances.lock" in second.output
    assert f"PID {first.proc.pid}" in second.output
    assert first.proc.poll() is None


def test_without_the_lock_two_processes_still_send_each_key_once(
    tmp_path: Path, server: SmtpServer
) -> None:
    setup = Setup(tmp_path, server, lead_days="[21, 7, 1]")  # four drafts are due
    try:
        one = setup.start("--unsafe-no-lock")
        two = setup.start("--unsafe-no-lock")
        assert wait_for(
            lambda: len(setup.rows()) > 0 and sum(s == Status.SENT for s in setup.statuses()) == 4,
            timeout=30,
        ), one.output + two.output
        time.sleep(2)
        ids = [str(r.message["Message-ID"]) for r in server.accepted]
        assert len(ids) == 4
        assert len(set(ids)) == 4
    finally:
        setup.cleanup()

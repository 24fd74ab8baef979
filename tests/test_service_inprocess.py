"""The Service with its real APScheduler ticker, in this process: a locked database, a
failing tick and a dead ticker (the heartbeat /healthz will read), the default Maildir."""

from __future__ import annotations

import datetime as dt
import mailbox
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from service_kit import FakeClock, Recorder, at, plain, profile, registry, settings_for

from observances.delivery.outbox import Outbox, Status
from observances.delivery.planner import SendKey
from observances.delivery.ticker import AlreadyRunningError, InstanceLock
from observances.profile import Profile
from observances.registry.models import Registry
from observances.wiring import outbox_for, service_for

KEY = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def provider() -> tuple[Registry, Profile]:
    return registry(), profile((7,))


def test_a_locked_database_fails_ticks_until_released_and_loses_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tick_seconds=1)
    outbox = Outbox(settings.outbox_url, busy_timeout_ms=200)
    clock = FakeClock(at("2027-09-04T10:00:00"))  # nothing due yet
    recorder = Recorder()
    service = service_for(settings, provider, plain, transport=recorder, outbox=outbox, now=clock)
    service.start()
    raw = sqlite3.connect(tmp_path / "outbox.sqlite3", isolation_level=None)
    try:
        assert wait_for(lambda: service.last_tick_at is not None)
        rows_before = len(outbox.rows())
        raw.execute("BEGIN EXCLUSIVE")  # another writer holds the database
        clock.set("2027-09-05T10:00:00")  # the 7-day draft of 12 September is due
        assert wait_for(lambda: service.last_error is not None, timeout=5)
        assert "locked" in (service.last_error or "")
        assert recorder.sent == []
        raw.execute("COMMIT")  # the ticker lived on: the next tick sends
        assert wait_for(lambda: len(recorder.sent) == 1, timeout=5)
        assert wait_for(lambda: service.last_error is None, timeout=5)
        time.sleep(1.5)
        assert len(recorder.sent) == 1
        assert len(outbox.rows()) == rows_before
        assert outbox.get(KEY).status == Status.SENT  # type: ignore[union-attr]
    finally:
        raw.close()
        service.stop()


def test_a_failing_tick_lets_the_heartbeat_go_stale_and_recovers(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tick_seconds=1, smtp_timeout=0.5)
    broken = {"yes": True}

    def flaky() -> tuple[Registry, Profile]:
        if broken["yes"]:
            raise RuntimeError("registry exploded")
        return provider()

    clock = FakeClock(at("2027-09-04T10:00:00"))
    service = service_for(settings, flaky, plain, transport=Recorder(), now=clock)
    assert service.stale_after == 3.0
    service.start()
    try:
        assert wait_for(lambda: not service.healthy(), timeout=8)
        report = service.status_report()
        assert report["healthy"] is False
        assert "registry exploded" in str(report["last_error"])
        broken["yes"] = False
        assert wait_for(service.healthy, timeout=5)
        assert service.status_report()["last_error"] is None
    finally:
        service.stop()


def test_a_wedged_tick_is_reported_stale_and_recovers(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tick_seconds=1, smtp_timeout=0.5)
    clock = FakeClock(at("2027-09-04T10:00:00"))
    release = threading.Event()
    first = threading.Event()

    def stuck() -> tuple[Registry, Profile]:
        if first.is_set():
            release.wait(timeout=30)  # a tick that never returns, as a wedged render would
        first.set()
        return provider()

    service = service_for(settings, stuck, plain, transport=Recorder(), now=clock)
    service.start()
    try:
        assert wait_for(lambda: service.last_tick_at is not None)
        assert service.healthy()
        assert wait_for(lambda: not service.healthy(), timeout=8)
        assert service.heartbeat_age() >= service.stale_after
        release.set()
        assert wait_for(service.healthy, timeout=8)
    finally:
        release.set()
        service.stop()


def test_without_an_smtp_host_drafts_land_in_the_maildir(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tick_seconds=1)
    clock = FakeClock(at("2027-09-05T10:00:00"))
    service = service_for(settings, provider, plain, now=clock)
    assert service.transport.name == "maildir"
    service.start()
    try:
        outbox = outbox_for(settings)
        assert wait_for(lambda: (row := outbox.get(KEY)) is not None and row.sent_at is not None)
    finally:
        service.stop()
    box = mailbox.Maildir(tmp_path / "maildir", create=False)
    [message] = list(box)
    assert message["X-Observance-Key"] == str(KEY)
    status = service.status_report()
    assert status["transport"] == f"MaildirTransport({tmp_path / 'maildir'})"


def test_the_lock_names_the_process_that_holds_it(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "observances.lock")
    first.acquire()
    try:
        with pytest.raises(AlreadyRunningError, match=r"PID \d+.*observances\.lock"):
            InstanceLock(tmp_path / "observances.lock").acquire()
    finally:
        first.release()
    again = InstanceLock(tmp_path / "observances.lock")
    again.acquire()  # released: free again
    again.release()


def test_a_bad_registry_edit_keeps_the_last_good_one(tmp_path: Path) -> None:
    from service_kit import PROFILE_YAML, REGISTRY_YAML

    from observances.web.state import live_files

    (tmp_path / "r.yaml").write_text(REGISTRY_YAML, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    files = live_files(tmp_path / "r.yaml", tmp_path / "p.yaml", now=FakeClock(at("2027-09-04")))
    good = files.current().registry
    (tmp_path / "r.yaml").write_text(REGISTRY_YAML + "  - id: [broken\n", encoding="utf-8")
    files.refresh()
    assert files.current().registry is good
    assert files.problems
    (tmp_path / "r.yaml").write_text(REGISTRY_YAML.replace('"09-21"', '"09-22"'), encoding="utf-8")
    files.refresh()
    assert files.current().registry is not good
    assert not files.problems


def test_run_once_is_one_pass_under_the_lock_and_lets_go(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    recorder = Recorder()
    clock = FakeClock(at("2027-09-05T10:00:00"))  # the 7-day draft of 12 September is due
    service = service_for(settings, provider, plain, transport=recorder, now=clock)
    assert service.run_once().sent == 1
    assert recorder.keys == [str(KEY)]
    lock = InstanceLock(tmp_path / "observances.lock")
    lock.acquire()  # released after the pass
    lock.release()
    assert service.run_once().sent == 0  # sent once, never again
    assert not service.healthy()  # no ticker was started: nothing beats


def test_run_once_raises_what_a_tick_would_log_and_still_lets_go(tmp_path: Path) -> None:
    def broken() -> tuple[Registry, Profile]:
        raise RuntimeError("registry exploded")

    clock = FakeClock(at("2027-09-05T10:00:00"))
    service = service_for(settings_for(tmp_path), broken, plain, transport=Recorder(), now=clock)
    with pytest.raises(RuntimeError, match="registry exploded"):
        service.run_once()
    lock = InstanceLock(tmp_path / "observances.lock")
    lock.acquire()
    lock.release()

"""The HTTP port against hostile clients, on the real server: secrets stay out of its log, and
a flood of connections that never finish their headers neither locks out a real client nor
floods the log."""

from __future__ import annotations

import json
import logging
import resource
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_process import ServerProcess, wait_for

from observances.web.server import HEADER_SECONDS, RedactSecrets, redact

TOKEN = "s3cret-Feed-Token-4711"
PASSWORD = "smtp-Pass-Word-0815"
FILES_LIMIT = 1024  # the common default of `ulimit -n`
IDLE_CONNECTIONS = 1100  # more than the server can hold open


def test_a_private_feed_token_and_a_password_never_reach_the_log(tmp_path: Path) -> None:
    feeds = [{"name": "private", "tags": ["human-rights"], "token": TOKEN}]
    server = ServerProcess(
        tmp_path,
        env={"OBSERVANCES_FEEDS": json.dumps(feeds), "OBSERVANCES_SMTP_PASSWORD": PASSWORD},
    )
    try:
        served = server.get(f"/feeds/private.ics?token={TOKEN}")
        assert served is not None
        assert served[0] == 200
        refused = server.get(f"/feeds/private.ics?x=1&token={TOKEN}-wrong")
        assert refused is not None
        assert refused[0] == 404
    finally:
        server.stop()
    log = server.output
    assert '"GET /feeds/private.ics?token=[redacted] HTTP/1.1" 200' in log, log
    assert '"GET /feeds/private.ics?x=1&token=[redacted] HTTP/1.1" 404' in log, log
    assert TOKEN not in log
    assert PASSWORD not in log


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /feeds/a.ics?token=abc&x=1", "GET /feeds/a.ics?token=[redacted]&x=1"),
        ("postgresql://app:hunter2@db/outbox", "postgresql://app:[redacted]@db/outbox"),
        ("login failed: password=hunter2", "login failed: password=[redacted]"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", (text, 7), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == f"{expected} 7"


@pytest.fixture
def many_files() -> Iterator[None]:
    """This process opens more connections than the server may: raise its own limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = IDLE_CONNECTIONS + 200
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise AssertionError(f"the test needs `ulimit -Hn` >= {needed}, it is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, needed), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def common_files_limit() -> None:
    """In the server process, before exec: the open-files limit many systems start with, as
    a hard limit, so that the server cannot raise it."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILES_LIMIT, FILES_LIMIT))


def test_idle_connections_cannot_lock_out_a_real_client(tmp_path: Path, many_files: None) -> None:
    server = ServerProcess(tmp_path, preexec=common_files_limit)
    idle: list[socket.socket] = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
            idle.append(sock)
        started = time.monotonic()
        answer = server.get("/healthz", timeout=10)
        waited = time.monotonic() - started
        assert answer is not None, server.output[-3000:]
        assert answer[0] == 200
        assert waited < 2, waited  # served at once, not after the idle ones time out

        # every idle connection is closed by the server once its header time is up
        def closed(sock: socket.socket) -> bool:
            sock.settimeout(HEADER_SECONDS + 5)
            try:
                return sock.recv(1) == b""
            except ConnectionResetError:
                return True
            except TimeoutError:
                return False

        assert all(closed(sock) for sock in idle)
        assert wait_for(lambda: server.get("/healthz") is not None)
    finally:
        for sock in idle:
            sock.close()
        server.stop()
    log = server.output
    # one line per interval for each kind of event, not one per connection
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert len(warnings) <= 6, warnings
    assert len(log) < 20_000, len(log)
    assert "Too many open files" not in log  # the connections stayed within the limit

"""uvicorn's server for a port that may face the internet: a hook that runs as soon as a stop
signal arrives, one that runs once it listens (to print the address only when it answers),
limits on slow and numerous clients, and logs without secrets or floods."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import resource
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)


class Server(uvicorn.Server):
    """Calls `on_exit` when SIGTERM or SIGINT arrives, before the HTTP side has finished its
    requests: the service in the same process stops claiming drafts at once."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_exit: Callable[[], None] = lambda: None,
        announce: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(config)
        self._on_exit = on_exit
        self._announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._announce()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        log.info("%s received: finishing the send in flight", signal.Signals(sig).name)
        self._on_exit()
        super().handle_exit(sig, frame)


# --- limits on clients: slow headers, too many connections ------------------------------------

HEADER_SECONDS = 5.0
"""A client must send a request's headers within this many seconds of connecting (or of
starting the request, on a kept-alive connection); any calendar client does in milliseconds."""
KEEP_ALIVE_SECONDS = 5
"""An idle kept-alive connection is closed after this many seconds (uvicorn's default)."""
FD_RESERVE = 128
"""File descriptors kept for everything but client connections: the outbox database, the
Maildir, the registry and templates being reloaded, the log."""
BACKLOG = 128
"""The listen backlog, which is also how many connections asyncio accepts in one go before any
of them reaches the protocol (uvicorn's 2,048 would open that many descriptors at once)."""
IN_FLIGHT = 4 * BACKLOG
"""Descriptors that may be open beyond the counted connections: accepted sockets wait a few
loop turns before the protocol counts them, and closed ones a turn before they are released.
With 1,100 idle connections under a hard limit of 1,024 (so 384 connections), no accept()
failed (tests/test_hostile_clients.py)."""
LOG_INTERVAL = 10.0
"""The same warning is logged at most once per this many seconds, with a count of the rest."""


MOST_CONNECTIONS = 4096


def raise_files_limit() -> None:
    """Raise the soft open-files limit to the hard one (as Go's runtime does): 1,024 is a
    default from another era, and the hard limit is the administrator's real bound."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MOST_CONNECTIONS + FD_RESERVE + IN_FLIGHT
    target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def max_connections() -> int:
    """Client connections allowed at once: what the open-files limit leaves after the reserve
    and the sockets in flight. Past the limit accept() fails, and no one is served."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MOST_CONNECTIONS
    return max(16, min(MOST_CONNECTIONS, soft - FD_RESERVE - IN_FLIGHT))


_guard_log = logging.getLogger("observances.web.connections")


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with two guards it lacks. A connection that has not sent a
    whole request head within HEADER_SECONDS is closed (uvicorn waits for ever). And when the
    connections reach `max_connections()`, the one that has waited longest for its headers is
    closed to make room: a flood of idle connections then delays a real client by at most one
    round trip, and the process never runs out of file descriptors."""

    limit = MOST_CONNECTIONS  # set by server_config() once the files limit is known

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self.waiting_since: float | None = None
        self._expect_headers()
        if len(self.connections) > self.limit:
            self._make_room()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._expect_headers()  # a new request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._headers_arrived()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def _expect_headers(self) -> None:
        self.waiting_since = self.loop.time()
        self._header_timer = self.loop.call_later(HEADER_SECONDS, self._too_slow)

    def _headers_arrived(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self.waiting_since = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            _guard_log.warning(
                "closed a connection that sent no request headers within %g s", HEADER_SECONDS
            )
            self.transport.close()

    def _make_room(self) -> None:
        waiting = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11Protocol) and c is not self and c.waiting_since is not None
        ]
        victim = min(waiting, key=lambda c: c.waiting_since or 0.0, default=self)
        _guard_log.warning(
            "%d connections, the limit: closed the one waiting longest for its headers",
            self.limit,
        )
        # no longer a candidate: its connection_lost comes a loop turn later, and the other
        # connections accepted in this turn must each pick a victim of their own
        victim._headers_arrived()
        victim.transport.close()


# --- logs: no secrets, and no flood ---------------------------------------------------------

_SECRETS = (
    # ?token=..., &password=..., and the same in any text we log
    (
        re.compile(r"(?i)\b(token|access_token|password|passwd|secret|api_key)=[^&\s\"']+"),
        r"\1=[redacted]",
    ),
    # user:password@ in a URL (a database or SMTP URL)
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+@"), r"\1[redacted]@"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Removes tokens and passwords from a record before any handler writes it. uvicorn's
    access formatter reads the request path from the record's arguments, so each argument
    is redacted in place rather than the message rebuilt."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


class OncePerInterval(logging.Filter):
    """A warning or error with the same logger and message template is written at most once
    per LOG_INTERVAL; the next one written says how many were left out."""

    def __init__(self, interval: float = LOG_INTERVAL) -> None:
        super().__init__()
        self.interval = interval
        self._last: dict[tuple[str, int, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True  # the access log and progress lines are each worth their line
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        with self._lock:
            last, skipped = self._last.get(key, (-self.interval, 0))
            if now - last < self.interval:
                self._last[key] = (last, skipped + 1)
                return False
            self._last[key] = (now, 0)
        if skipped:
            record.msg = (
                f"{record.msg} (and {skipped} more like this in the last {self.interval:g} s)"
            )
        return True


_FILTERS = (RedactSecrets(), OncePerInterval())


def guard_logs() -> None:
    """Put the filters on every handler there is: ours (the root logger's) and uvicorn's. A
    filter on a handler sees every record it writes, whichever logger it came from."""
    loggers = [
        logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    ]
    for handler in {h for each in loggers for h in each.handlers}:
        for log_filter in _FILTERS:
            if log_filter not in handler.filters:
                handler.addFilter(log_filter)


def server_config(app: ASGIApp) -> uvicorn.Config:
    """uvicorn's settings for a port that may face the internet: one worker, the guarded
    protocol, bounded connections, short keep-alive, and logs without secrets or floods."""
    raise_files_limit()
    GuardedH11Protocol.limit = max_connections()
    config = uvicorn.Config(
        app,  # the socket is bound by web.listen.bind and passed to Server.run
        workers=1,
        log_level="info",
        http=GuardedH11Protocol,
        # past it uvicorn answers 503; connections may pass the limit by those in flight
        limit_concurrency=GuardedH11Protocol.limit + IN_FLIGHT,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        backlog=BACKLOG,
        server_header=False,
    )
    guard_logs()  # uvicorn.Config has just configured its loggers
    return config

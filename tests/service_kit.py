"""Shared parts of the service tests: a small registry and profile, a scriptable SMTP server
on 127.0.0.1 (aiosmtpd), and settings pointing at a temporary data directory."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.policy
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller

from observances.delivery.mail import Refused
from observances.occurrences import Occurrence
from observances.profile import LeadTimes, Marks, Profile
from observances.registry import loads
from observances.registry.models import Registry
from observances.settings import Settings
from observances.words import for_language

UTC = dt.UTC


@dataclass(frozen=True)
class PlainDraft:
    """Draft content made by hand, so that delivery tests do not depend on the templates
    (the real renderer is exercised by the subprocess tests and test_app.py)."""

    subject: str
    markdown: str
    text: str
    html: str
    placeholders: tuple[str, ...]
    dates: str


REGISTRY_YAML = """\
revision: 2026-11-28
tags:
  development: development
  human-rights: human rights
  health: health
observances:
  - id: south-south-cooperation
    name: United Nations Day for South-South Cooperation
    kind: day
    body: General Assembly
    tags: [development]
    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}
    citations:
      - symbol: decision 66/550
    dates:
      - since: 2012
        rule: {date: "09-12"}
        cite: decision 66/550
  - id: democracy-day
    name: International Day of Democracy
    kind: day
    body: General Assembly
    tags: [human-rights]
    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}
    citations:
      - symbol: A/RES/62/7
    dates:
      - since: 2008
        rule: {date: "09-15"}
        cite: A/RES/62/7
  - id: peace-day
    name: International Day of Peace
    kind: day
    body: General Assembly
    tags: [human-rights]
    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}
    citations:
      - symbol: A/RES/55/282
    dates:
      - since: 2002
        rule: {date: "09-21"}
        cite: A/RES/55/282
  - id: spring-test-day
    name: Spring Test Day
    kind: day
    body: General Assembly
    tags: [human-rights]
    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}
    citations:
      - symbol: A/RES/1
    dates:
      - since: 2020
        rule: {date: "03-15"}
        cite: A/RES/1
  - id: autumn-test-day
    name: Autumn Test Day
    kind: day
    body: General Assembly
    tags: [human-rights]
    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}
    citations:
      - symbol: A/RES/2
    dates:
      - since: 2020
        rule: {date: "11-08"}
        cite: A/RES/2
  - id: health-day
    name: World Health Day
    kind: day
    body: World Health Assembly
    tags: [health]
    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}
    citations:
      - symbol: WHA A.2/Res.35
    dates:
      - since: 1950
        rule: {date: "04-07"}
        cite: WHA A.2/Res.35
"""

PROFILE_YAML = """\
name: Test Institute
short_name: AIPR
marks:
  tags: [human-rights]
  ids: [south-south-cooperation]
lead_days:
  default: [21, 7, 1]
"""


def registry() -> Registry:
    return loads(REGISTRY_YAML, "test-registry.yaml")


def profile(lead_days: tuple[int, ...] = (21, 7, 1), **by_id: tuple[int, ...]) -> Profile:
    return Profile(
        name="Test Institute",
        short_name="AIPR",
        marks=Marks(tags=("human-rights",), ids=("south-south-cooperation",)),
        lead_days=LeadTimes(default=lead_days, by_id=dict(by_id) or None),
    )


def at(text: str) -> dt.datetime:
    """An aware instant from ISO text; naive text is UTC."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class FakeClock:
    """A clock the test moves; every reading is the same until moved."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = at(text)

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def plain(occurrence: Occurrence, lead_days: int) -> PlainDraft:
    subject = f"AIPR marks the {occurrence.name}"
    return PlainDraft(
        subject=subject,
        markdown=f"# {subject}\n\nText. [QUOTE]\n",
        text=f"{subject}\n\nText. [QUOTE]\n",
        html=f"<html><body><h1>{subject}</h1><p>Text. [QUOTE]</p></body></html>",
        placeholders=("[QUOTE]",),
        dates=for_language("en").date_range(occurrence.start, occurrence.end),
    )


class Recorder:
    """An in-memory transport: what would have left, in order."""

    name = "recorder"
    records: Literal["sent"] = "sent"

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> Refused:
        self.sent.append(message)
        return {}

    @property
    def keys(self) -> list[str]:
        return [str(m["X-Observance-Key"]) for m in self.sent]


def settings_for(data_dir: Path, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "data_dir": data_dir,
        "timezone": "UTC",
        "mail_from": "drafts@example.org",
        "mail_to": ("comms@example.org",),
        "retry_initial_seconds": 60.0,
        "retry_max_seconds": 1800.0,
    }
    base.update(values)
    return Settings(**base)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a scriptable SMTP server ---------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Script:
    """What the server answers. Each list is consumed one entry per command; when empty the
    answer is 250. `data_delays` holds seconds to wait inside DATA before answering."""

    rcpt: dict[str, list[str]] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)
    data_delays: list[float] = field(default_factory=list)


class Handler:
    def __init__(self) -> None:
        self.script = Script()
        self.seen: list[Received] = []  # every DATA that began, accepted or not
        self.accepted: list[Received] = []
        self.data_started = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        with self._lock:
            queue = self.script.rcpt.get(address, [])
            reply = queue.pop(0) if queue else "250 OK"
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), message)
        with self._lock:
            self.seen.append(received)
            delay = self.script.data_delays.pop(0) if self.script.data_delays else 0.0
            reply = self.script.data.pop(0) if self.script.data else "250 Message accepted"
        self.data_started.set()
        if delay:
            await asyncio.sleep(delay)
        if reply.startswith("250"):
            with self._lock:
                self.accepted.append(received)
        return reply


class SmtpServer:
    """aiosmtpd on 127.0.0.1 that the test can stop and start again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = Handler()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def accepted(self) -> list[Received]:
        return self.handler.accepted

    @property
    def script(self) -> Script:
        return self.handler.script


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

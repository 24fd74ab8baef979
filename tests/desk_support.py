"""A desk over the full registry and the AIPR profile, with a real outbox in a temporary data
directory, an account, and a clock the test sets: shared by the desk and browser tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from observances import wiring
from observances.delivery.mail import MaildirTransport
from observances.delivery.ticker import Service
from observances.drafts.templates import TemplateSet
from observances.reloading import Live
from observances.settings import Settings
from observances.web.auth import hash_password
from observances.web.desk import DeskConfig
from observances.web.state import Loaded
from observances.wiring import OutboxDesk

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "ana", "correct horse battery"
STATUS_TOKEN = "a-status-token-for-scripts"
TODAY = dt.date(2026, 11, 29)
SKIPPED = ("human-rights-day", dt.date(2026, 12, 10))  # marked by AIPR (human-rights)
# Sending address and recipient: the privacy tests look for these on every public page
MAIL_FROM, MAIL_TO = "desk-sender@example.org", "comms-team@example.org"


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Desk:
    app: Starlette
    settings: Settings
    live: Live[Loaded]
    clock: Clock
    backend: OutboxDesk

    def service(self) -> Service:
        """The sending service over the same outbox, ticked by the test (Maildir transport)."""
        templates = TemplateSet.load(self.settings.templates_dir)
        live = self.live
        return wiring.service_for(
            self.settings,
            lambda: (live.current().registry, live.current().profile),
            wiring.draft_renderer(
                lambda: live.current().profile,
                lambda: templates,
                wiring.local_today(self.settings, self.clock),
            ),
            transport=MaildirTransport(self.settings.data_dir / "maildir"),
            now=self.clock,
            use_lock=False,
        )


def make_desk(tmp_path: Path, *, login_delay: float = 0.0) -> Desk:
    settings = Settings(
        registry=ROOT / "observances.yaml",
        profile=ROOT / "profiles" / "aipr.yaml",
        templates_dir=ROOT / "templates",
        data_dir=tmp_path / "data",
        users={USER: hash_password(PASSWORD)},
        status_token=STATUS_TOKEN,
        login_delay_seconds=login_delay,
        mail_from=MAIL_FROM,
        mail_to=(MAIL_TO,),
    )
    clock = Clock(dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC))
    live = wiring.live_files(settings, clock)
    templates = TemplateSet.load(settings.templates_dir)
    app = wiring.web_app(settings, live, now=clock, poll_seconds=0, templates=lambda: templates)
    config = app.state.desk
    assert isinstance(config, DeskConfig)
    backend = config.backend
    assert isinstance(backend, OutboxDesk)
    return Desk(app, settings, live, clock, backend)

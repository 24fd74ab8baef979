"""The whole `observances run` process: the files people edit (kept at their last good
version), the service that sends drafts, and the HTTP app that serves the feeds, together.

uvicorn runs the app in the main thread; the service's BackgroundScheduler ticks in its own
threads. On SIGTERM or SIGINT the service stops claiming drafts at once, uvicorn finishes its
requests, the send in flight completes, and the process exits 0.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn

from observances import clock
from observances.delivery.sending import Renderer
from observances.delivery.ticker import PartHealth, Service
from observances.drafts.render import Draft, render
from observances.drafts.templates import TemplateSet
from observances.occurrences import Occurrence
from observances.profile import Profile
from observances.registry.models import Registry
from observances.reloading import Live, LiveState
from observances.settings import Settings
from observances.web.app import HealthCheck, create_app

log = logging.getLogger(__name__)


def live_templates(directory: Path) -> Live[TemplateSet]:
    """The templates, reloaded when any file below `directory` changes; a template with a
    syntax error fails the reload and the last good set stays in use."""
    return Live((directory,), lambda _generation: TemplateSet.load(directory))


def draft_renderer(
    profile: Callable[[], Profile], templates: Callable[[], TemplateSet], settings: Settings
) -> Renderer:
    """The service's renderer: the statement draft, in the profile's language, as of today
    in the configured time zone. `profile` and `templates` are read at each call, so that
    an edit is picked up by the next draft."""

    def renderer(occurrence: Occurrence, lead_days: int) -> Draft:
        today = clock.now().astimezone(settings.zone).date()
        return render(occurrence, profile(), templates(), today=today)

    return renderer


def run(settings: Settings, *, use_lock: bool = True) -> None:
    """Serve the feeds and send the drafts until SIGTERM or SIGINT; then exit cleanly."""
    files = LiveState(settings.registry, settings.profile, settings.feeds)
    templates = live_templates(settings.templates_dir)

    def provider() -> tuple[Registry, Profile]:
        # each tick looks for edits; the web app polls the same state between ticks
        files.refresh()
        templates.refresh()
        loaded = files.current()
        return loaded.registry, loaded.profile

    service = Service(
        settings,
        provider,
        draft_renderer(lambda: files.current().profile, templates.current, settings),
        use_lock=use_lock,
    )

    def scheduler_health() -> HealthCheck:
        age = service.heartbeat_age()
        return HealthCheck("scheduler", service.healthy(), f"heartbeat {age:.0f} s ago")

    def templates_health() -> HealthCheck:
        # a bad template edit degrades, it does not stop: the last good set is in use
        problems = templates.problems
        return HealthCheck("templates", True, problems[-1].message if problems else "")

    def part(check: Callable[[], PartHealth]) -> Callable[[], HealthCheck]:
        def read() -> HealthCheck:
            found = check()
            return HealthCheck(found.name, found.ok, found.detail, degraded=found.degraded)

        return read

    app = create_app(
        files,
        settings,
        health_checks=(
            scheduler_health,
            templates_health,
            part(service.state_health),
            part(service.transport_health_check),
        ),
        status=service.status_report,
    )
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, workers=1, log_level="info"
    )
    server = _Server(config, on_exit=service.request_stop)
    service.start()  # the lock first: a second instance exits before it binds the port
    # uvicorn re-raises the signal it caught once it has shut down; handlers of our own
    # take it, so that the process can stop the service and exit 0
    previous = {s: signal.signal(s, _ignore) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run()
    finally:
        service.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Takes the signal uvicorn re-raises after its shutdown; the stop is already under way."""


class _Server(uvicorn.Server):
    """uvicorn's server, telling the service to stop claiming drafts as soon as a stop
    signal arrives, before the HTTP side has finished its requests."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        log.info("%s received: finishing the send in flight", signal.Signals(sig).name)
        self._on_exit()
        super().handle_exit(sig, frame)

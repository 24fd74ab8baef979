"""The HTTP app: feeds with ETag/304, the public pages, /healthz, and the team's workspace
behind a sign-in (desk.py), which holds /status (Starlette).

Feeds are generated in memory from the registry; nothing here reads a file named by a request,
so no path can reach outside the feed set. A feed's bytes are built once per registry version
and window (`FeedCache`), not per request: a cached GET only copies prepared bytes and headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observances.calendar.feedset import Feed, FeedOptions, OverBudget
from observances.calendar.stamps import StampBook
from observances.reloading import Live
from observances.web import views
from observances.web.auth import Accounts, Sessions
from observances.web.desk import DeskConfig, current_session, desk_routes
from observances.web.pages import Filters, PublicPages, asset, render_page
from observances.web.state import Loaded
from observances.words import LANGUAGES

log = logging.getLogger(__name__)

MAX_QUERY = 2048  # a token is 20-100 characters; anything this long is not a subscriber
MAX_PATH = 1024


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """One part's health, provided by whoever runs that part (the scheduler's heartbeat)."""

    name: str
    ok: bool
    detail: str = ""
    degraded: bool = False
    """Working below par (the last good templates, a full disk, a failing transport): /healthz
    says degraded, not down (no 503)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A feed's bytes and the headers that go with them, prepared once."""

    body: bytes
    etag: str
    last_modified: str
    headers: dict[str, str]


ARCHIVE_KEEP = 32
"""Archive feeds kept built at once; a crawler walking every past year must not fill memory."""


class FeedCache:
    """Rendered feeds by feed, window and registry generation, and when each feed's bytes were
    first served.

    Last-Modified is the time this server first produced the bytes it serves (a digest history
    per feed), not a date taken from the inputs: the bytes also change with the profile, the
    feed settings, the language and the window's shift on 1 January, which no input's date
    says. When the digest changes, Last-Modified moves to now, and at least one second past
    the previous value, so `If-Modified-Since` can only answer 304 for bytes the client has
    seen. A restart starts the history anew: every feed is then "modified" at start-up, which
    costs each client one full download and never a stale calendar."""

    def __init__(
        self,
        options: FeedOptions,
        now: Callable[[], dt.datetime],
        stamps_path: Path | None = None,
    ) -> None:
        self._options = options
        self._now = now
        # events' SEQUENCE and LAST-MODIFIED by content (calendar/stamps.py), kept in a file
        # when there is one, so that a restart does not send a SEQUENCE back down
        self._stamps_path = stamps_path
        self._stamps = StampBook()
        if stamps_path is not None and stamps_path.exists():
            self._stamps = StampBook.from_json(stamps_path.read_text(encoding="utf-8"))
        self._feeds: dict[tuple[str, tuple[int, int]], tuple[int, Rendered]] = {}
        self._seen: dict[str, tuple[str, dt.datetime]] = {}  # key -> (etag, first served)
        self._lock = threading.Lock()
        self.builds = 0  # how many feeds were built: tests check a 304 builds nothing

    def get(self, loaded: Loaded, key: str, years: tuple[int, int]) -> Rendered | None:
        hit = self._feeds.get((key, years))
        if hit is None or hit[0] != loaded.generation:
            return None
        return hit[1]

    def render(
        self, loaded: Loaded, key: str, years: tuple[int, int], feed: Feed, language: str = "en"
    ) -> Rendered:
        """Build the feed `key` ("all", "all.fr", "all/2019" for an archive, "all/2019.fr")
        in `language`; raises OverBudget."""
        with self._lock:  # concurrent misses build once
            hit = self.get(loaded, key, years)
            if hit is not None:
                return hit
            options = self._options
            stamper = self._stamps.for_feed(key, self._now().astimezone(dt.UTC))
            body = feed.build(
                loaded.registry,
                loaded.profile,
                years,
                options.alarms(feed),
                language,
                budget=options.budget,
                stamper=stamper,
                send_at=options.send_at,
            )
            self.builds += 1
            self._save_stamps()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # strong: from the bytes
            modified = format_datetime(self._first_served(key, etag), usegmt=True)
            headers = {
                "content-type": "text/calendar; charset=utf-8",
                "content-disposition": f'inline; filename="{key.replace("/", "-")}.ics"',
                "etag": etag,
                "last-modified": modified,
                # private feeds must not sit in shared caches; an hour matches no client's poll
                "cache-control": ("private" if feed.private else "public") + ", max-age=3600",
            }
            rendered = Rendered(body, etag, modified, headers)
            kept = {
                k: v
                for k, v in self._feeds.items()
                if v[0] == loaded.generation and k != (key, years)
            }
            if len(kept) >= ARCHIVE_KEEP + len(loaded.feeds):
                oldest = next((k for k in kept if "/" in k[0]), None)  # the oldest archive
                kept.pop(oldest, None)  # type: ignore[arg-type]
            kept[(key, years)] = (loaded.generation, rendered)
            self._feeds = kept
            return rendered

    def _save_stamps(self) -> None:
        if self._stamps_path is None or not self._stamps.changed:
            return
        partial = self._stamps_path.with_suffix(".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(self._stamps.to_json(), encoding="utf-8")
        partial.replace(self._stamps_path)  # atomic: a crash leaves the old file whole

    def _first_served(self, key: str, etag: str) -> dt.datetime:
        now = self._now().astimezone(dt.UTC).replace(microsecond=0)
        seen = self._seen.get(key)
        if seen is not None and seen[0] == etag:
            return seen[1]
        if seen is not None and now <= seen[1]:
            now = seen[1] + dt.timedelta(seconds=1)  # changed within a second, or clock behind
        self._seen[key] = (etag, now)
        return now


def not_modified(request: Request, rendered: Rendered) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match wins; an If-Modified-Since that is not a valid
    date is ignored."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or rendered.etag in tags  # weak comparison, as the RFC says
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return parsedate_to_datetime(rendered.last_modified) <= when


class PageHeaders:
    """Headers every HTML page gets: no framing (the desk's buttons cannot be clicked through
    another site's page), no type sniffing, no address sent to other sites."""

    HEADERS = (
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", b"frame-ancestors 'none'"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.extend(self.HEADERS)
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class LimitRequestLine:
    """Answers 414 to an overlong path or query before any routing or parsing happens."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            len(scope.get("query_string", b"")) > MAX_QUERY
            or len(scope.get("raw_path") or scope["path"].encode()) > MAX_PATH
        ):
            response = PlainTextResponse("URI too long\n", status_code=414)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(  # noqa: PLR0915 - one closure per route, as before the public pages came
    live: Live[Loaded],
    options: FeedOptions,
    *,
    today: Callable[[], dt.date],
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    stamps_path: Path | None = None,
    base_url: str | None = None,
    health_checks: Sequence[Callable[[], HealthCheck]] = (),
    status: Callable[[], dict[str, Any]] | None = None,
    poll_seconds: float = 2.0,
    desk: DeskConfig | None = None,
) -> Starlette:
    """The app. `live` is polled every `poll_seconds` while the app runs (0: never; tests call
    `live.refresh()` themselves). `today` places the feed window and the index page's next
    days; `base_url` is the public address for subscribe links (default: the request's). The
    service adds its heartbeat through `health_checks` and its outbox through `status`;
    `desk` is the team's workspace (none: the workspace and /status refuse everybody)."""
    cache = FeedCache(options, now, stamps_path)
    pages = PublicPages()
    if desk is None:
        desk = DeskConfig(
            Accounts({}), Sessions(secrets.token_bytes(32), clock=time.time), None, None
        )
    sessions = desk.sessions

    def user_of(request: Request) -> str | None:
        session = current_session(request, sessions)
        return session.user if session else None

    def window(name: str | None = None) -> tuple[int, int]:
        return options.years(today(), name)

    def not_found() -> Response:
        # the same answer for an unknown feed and a wrong token: existence does not leak
        return PlainTextResponse("No such feed. The feeds are listed at /\n", status_code=404)

    async def feed(request: Request) -> Response:
        loaded = live.current()
        found = loaded.feeds.get(request.path_params["name"])
        if found is None or not found.allows(request.query_params.get("token")):
            return not_found()
        where = _feed_key(loaded, found, request.path_params, today(), options)
        if where is None:
            return not_found()
        key, years, language = where
        rendered = cache.get(loaded, key, years)
        if rendered is None:  # first request after a change: build off the event loop
            try:
                rendered = await run_in_threadpool(
                    cache.render, loaded, key, years, found, language
                )
            except OverBudget as exc:
                # a client keeps its last copy on a 5xx; a partial calendar it would not
                log.error("%s", exc)
                return PlainTextResponse(f"{exc}\n", status_code=503)
        if not_modified(request, rendered):
            headers = {k: v for k, v in rendered.headers.items() if k != "content-type"}
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            length = {"content-length": str(len(rendered.body))}
            return Response(b"", headers=rendered.headers | length)
        return Response(rendered.body, headers=rendered.headers)

    async def index(request: Request) -> Response:
        loaded = live.current()
        base = (base_url or str(request.base_url)).rstrip("/")
        params = request.query_params
        filters = Filters(
            q=params.get("q", "")[:200],
            theme=params.get("theme", ""),
            marked_only=params.get("marked") == "1",
        )
        html = pages.index(loaded, base, today(), filters, user_of(request))
        return HTMLResponse(html)

    async def observance(request: Request) -> Response:
        loaded = live.current()
        html = pages.observance(loaded, request.path_params["id"], today(), user_of(request))
        if html is None:
            message = "The registry has no observance with this id. All of them are listed at /."
            page = render_page("error.html", heading="Not found", message=message)
            return HTMLResponse(page, status_code=404)
        return HTMLResponse(html)

    async def data(request: Request) -> Response:
        loaded = live.current()
        if request.path_params["fmt"] not in ("json", "csv"):
            return PlainTextResponse("No such file. The data is in .json and .csv\n", 404)
        if request.path_params["fmt"] == "json":
            body, media = views.data_json(loaded.registry, today()), "application/json"
        else:
            body, media = views.data_csv(loaded.registry, today()), "text/csv; charset=utf-8"
        return Response(body, media_type=media, headers={"cache-control": "public, max-age=3600"})

    async def assets(request: Request) -> Response:
        name = request.path_params["name"]
        media = {"site.css": "text/css; charset=utf-8", "site.js": "text/javascript"}.get(name)
        if media is None:
            return PlainTextResponse("Not found\n", status_code=404)
        return Response(asset(name), media_type=media, headers={"cache-control": "max-age=300"})

    async def healthz(request: Request) -> Response:  # noqa: ARG001 - an endpoint
        # the status word only: what failed, and why, is for the signed-in /status
        state = health(live, health_checks)["status"]
        return JSONResponse({"status": state}, status_code=503 if state == "unhealthy" else 200)

    def status_body() -> dict[str, Any]:
        loaded = live.current()
        body = health(live, health_checks)
        body["feeds"] = [f.name for f in loaded.feeds.values() if not f.private]
        body["feed_window"] = list(window())
        body["feed_windows"] = {
            f.name: list(window(f.name)) for f in loaded.feeds.values() if not f.private
        }
        body["feed_builds"] = cache.builds
        # without a service in this process (`serve`), the outbox as the desk reads it
        report = status or (desk.backend.report if desk.backend is not None else None)
        if report is not None:
            body["service"] = report()
        return body

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:  # noqa: ARG001 - Starlette
        task = asyncio.create_task(_poll(live, poll_seconds)) if poll_seconds > 0 else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        # before "{name}.ics", which would take "all.fr" for a name
        Route("/feeds/{name}.{lang}.ics", feed, methods=["GET", "HEAD"]),
        Route("/feeds/{name}.ics", feed, methods=["GET", "HEAD"]),
        Route("/feeds/{name}/{year:int}.{lang}.ics", feed, methods=["GET", "HEAD"]),
        Route("/feeds/{name}/{year:int}.ics", feed, methods=["GET", "HEAD"]),
        Route("/observances/{id}", observance, methods=["GET", "HEAD"]),
        Route("/data/observances.{fmt:str}", data, methods=["GET", "HEAD"]),
        Route("/assets/{name}", assets, methods=["GET", "HEAD"]),
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        *desk_routes(live, desk, today),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.status_body = status_body
    app.state.desk = desk
    app.add_middleware(PageHeaders)
    app.add_middleware(LimitRequestLine)
    app.state.feed_cache = cache
    return app


def health(live: Live[Loaded], checks: Sequence[Callable[[], HealthCheck]]) -> dict[str, Any]:
    """ok; degraded while a reload has failed (the last good version is served, so this is
    no reason to answer 503); unhealthy when a check provided by the service fails."""
    results = [check() for check in checks]
    state = "degraded" if live.problems or any(r.degraded for r in results) else "ok"
    if not all(result.ok for result in results):
        state = "unhealthy"
    loaded = live.current()
    return {
        "status": state,
        "registry_revision": loaded.registry.revision.isoformat(),
        "observances": len(loaded.registry.observances),
        "loaded_at": loaded.loaded_at.isoformat(timespec="seconds"),
        "problems": [p.as_json() for p in live.problems],
        "checks": [
            {"name": r.name, "ok": r.ok, "detail": r.detail}
            | ({"degraded": True} if r.degraded else {})
            for r in results
        ],
    }


def _feed_key(
    loaded: Loaded,
    feed: Feed,
    params: Mapping[str, Any],
    today: dt.date,
    options: FeedOptions,
) -> tuple[str, tuple[int, int], str] | None:
    """The cache key, years and language of a feed request (None: no such feed). The years
    are the feed's window, or for an archive (`/feeds/<name>/<year>.ics`) one past year from
    the registry's first year on; `/feeds/<name>.<lang>.ics` is in one of the UN languages."""
    language = params.get("lang", "en")
    if language not in LANGUAGES:
        return None
    suffix = "" if language == "en" else f".{language}"
    year = params.get("year")
    if year is None:
        return f"{feed.name}{suffix}", options.years(today, feed.name), language
    if not earliest_year(loaded) <= year < today.year:
        return None
    return f"{feed.name}/{year}{suffix}", (year, year), language


def earliest_year(loaded: Loaded) -> int:
    """The first year any observance was held: archives start there."""
    return min(
        (span.since for obs in loaded.registry.observances for span in obs.dates),
        default=dt.MINYEAR,
    )


async def _poll(live: Live[Loaded], seconds: float) -> None:
    """Look for edits every `seconds`; loading runs in a thread, off the event loop."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await run_in_threadpool(live.refresh)
        except Exception:  # never the end of reloading: the next edit is tried again
            log.exception("looking for edits failed")

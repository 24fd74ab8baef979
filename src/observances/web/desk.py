"""The team's workspace behind a sign-in: the desk, one occurrence's drafts and decisions, the
plan and the log, and /status.

The web never imports the delivery package: what the desk needs from the outbox is the small
`DeskBackend` protocol below, which `wiring.py` implements over the outbox and the planner.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from observances.occurrences import Occurrence, occurrences
from observances.reloading import Live
from observances.web.auth import COOKIE, Accounts, Session, Sessions, Throttle
from observances.web.desk_store import STATE_LABELS, Change, DeskStore, Entry, State
from observances.web.pages import render_page
from observances.web.state import Loaded
from observances.words import for_language

DESK_DAYS = 90
LOG_DAYS = 30
_WORDS = for_language("en")


# --- what the desk needs from the delivery side -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mail:
    """One planned or recorded email of an occurrence."""

    observance_id: str
    occurrence_date: dt.date
    lead_days: int
    send_at: dt.datetime
    status: str  # the outbox's status, or "planned" when not in the outbox yet
    attempts: int = 0
    sent_at: dt.datetime | None = None
    reason: str | None = None


class DraftText(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def markdown(self) -> str: ...
    @property
    def html(self) -> str: ...
    def docx(self) -> bytes:
        """The draft as a Word document, for teams that edit in Word or Google Docs."""
        ...


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DeskBackend(Protocol):
    def mails(self, first: dt.date, last: dt.date) -> list[Mail]:
        """Planned and recorded mails of the occurrences from `first` to `last`."""

    def skip(self, observance_id: str, day: dt.date, now: dt.datetime) -> int:
        """Cancel the occurrence's pending mails for good; how many were cancelled."""

    def unskip(self, observance_id: str, day: dt.date, now: dt.datetime) -> int:
        """Undo `skip`: its mails are planned again at the service's next tick."""

    def send_again(self, observance_id: str, day: dt.date, now: dt.datetime) -> bool:
        """Send the occurrence's latest mail again at the next tick; False if none."""

    def draft(self, occurrence: Occurrence, language: str) -> DraftText:
        """The statement draft of `occurrence` in `language`."""

    def report(self) -> dict[str, Any]:
        """The service and its outbox, for /status."""


@dataclass
class DeskConfig:
    """Everything the workspace needs, built by wiring.py from the settings."""

    accounts: Accounts
    sessions: Sessions
    store: DeskStore | None
    backend: DeskBackend | None
    status_token: str | None = None
    throttle: Throttle = field(default_factory=Throttle)
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    zone: dt.tzinfo = dt.UTC


# --- helpers -------------------------------------------------------------------------------


def current_session(request: Request, sessions: Sessions) -> Session | None:
    return sessions.load(request.cookies.get(COOKIE))


def set_session(response: Response, request: Request, sessions: Sessions, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        sessions.dump(session),
        max_age=sessions.max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


MAX_FORM_BYTES = 16_384


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form, at most MAX_FORM_BYTES (the desk's forms are a few fields; no
    multipart parser needed). Repeated fields keep their first value."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def languages(loaded: Loaded) -> list[str]:
    """The organization's languages: its own first, then its programs'."""
    found = [loaded.profile.language]
    for program in loaded.profile.programs:
        if program.language not in found:
            found.append(program.language)
    return found


def _local(when: dt.datetime | None, zone: dt.tzinfo) -> str:
    if when is None:
        return ""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class DeskRow:
    occurrence: Occurrence
    entry: Entry
    state_label: str
    next_mail: str
    sent: str


def lead(days: int) -> str:
    return {0: "on the day", 1: "1 day ahead"}.get(days, f"{days} days ahead")


def mail_summary(mails: list[Mail], now: dt.datetime, zone: dt.tzinfo) -> tuple[str, str]:
    """The next email and what was sent. Of mails whose time has passed, the one nearest the
    day is what goes at the next tick; otherwise the earliest one ahead."""
    waiting = [m for m in mails if m.status in ("pending", "retry", "planned")]
    overdue = [m for m in waiting if m.send_at <= now]
    if overdue:
        due = max(overdue, key=lambda m: m.send_at)
        next_text = f"{lead(due.lead_days)}: due now"
    elif waiting:
        nxt = min(waiting, key=lambda m: m.send_at)
        next_text = f"{lead(nxt.lead_days)}, {_local(nxt.send_at, zone)}"
    else:
        next_text = "none"
    sent = [m for m in mails if m.status == "sent"]
    sent_text = ", ".join(f"{lead(m.lead_days)} ({_local(m.sent_at, zone)})" for m in sent)
    return next_text, sent_text or "nothing yet"


# --- the routes ----------------------------------------------------------------------------


def desk_routes(  # noqa: PLR0915 - one closure per route keeps each handler next to its helpers
    live: Live[Loaded], config: DeskConfig, today: Callable[[], dt.date]
) -> list[Route]:
    sessions = config.sessions
    marked_cache: dict[str, Any] = {}

    def user_of(request: Request) -> Session | None:
        session = current_session(request, sessions)
        return session if session is not None and session.user else None

    def page(name: str, session: Session, **context: Any) -> HTMLResponse:
        html = render_page(name, user=session.user, csrf=sessions.csrf_token(session), **context)
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    def to_login(request: Request) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    def refused(
        message: str = "The form expired or came from elsewhere; reload the page.",
    ) -> Response:
        return HTMLResponse(
            render_page("error.html", heading="Refused", message=message), status_code=403
        )

    async def login_form(request: Request, error: str = "", status_code: int = 200) -> Response:
        session = current_session(request, sessions) or sessions.new()
        target = request.query_params.get("next", "/desk")
        html = render_page(
            "login.html",
            csrf=sessions.csrf_token(session),
            error=error,
            next=target if target.startswith("/") and not target.startswith("//") else "/desk",
            configured=bool(config.accounts),
        )
        response = HTMLResponse(
            html, status_code=status_code, headers={"cache-control": "no-store"}
        )
        set_session(response, request, sessions, session)
        return response

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return await login_form(request)
        session = current_session(request, sessions)
        form = await read_form(request)
        if not sessions.csrf_ok(session, str(form.get("csrf", ""))):
            return refused()
        name = str(form.get("username", ""))[:100]
        password = str(form.get("password", ""))[:1000]
        address = request.client.host if request.client else "unknown"
        keys = (f"user:{name}", f"address:{address}")
        delay = config.throttle.delay(*keys)
        if delay:
            await asyncio.sleep(delay)
        if not await run_in_threadpool(config.accounts.check, name, password):
            config.throttle.failed(*keys)
            return await login_form(request, "Wrong user name or password.", 401)
        config.throttle.succeeded(*keys)
        target = str(form.get("next", "/desk"))
        if not target.startswith("/") or target.startswith("//"):
            target = "/desk"
        response = RedirectResponse(target, status_code=303)
        set_session(response, request, sessions, sessions.new(name))  # a new sid: no fixation
        return response

    async def logout(request: Request) -> Response:
        session = current_session(request, sessions)
        form = await read_form(request)
        if not sessions.csrf_ok(session, str(form.get("csrf", ""))):
            return refused()
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    def occurrence_of(loaded: Loaded, observance_id: str, day: str) -> Occurrence | None:
        obs = loaded.registry.by_id.get(observance_id)
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            return None
        if obs is None or not loaded.profile.marks_observance(obs):
            return None
        found = [o for o in occurrences((obs,), date, date) if o.start == date]
        return found[0] if found else None

    async def desk(request: Request) -> Response:
        session = user_of(request)
        if session is None:
            return to_login(request)
        loaded = live.current()
        first = today()
        last = first + dt.timedelta(days=DESK_DAYS - 1)
        key = (loaded.generation, first)
        if marked_cache.get("key") != key:  # the same list all day, until a reload
            marked_cache["key"] = key
            marked_cache["value"] = occurrences(loaded.profile.marked(loaded.registry), first, last)
        marked: list[Occurrence] = marked_cache["value"]
        entries = config.store.entries(first, last) if config.store else {}
        mails = config.backend.mails(first, last) if config.backend else []
        by_key: dict[tuple[str, dt.date], list[Mail]] = {}
        for mail in mails:
            by_key.setdefault((mail.observance_id, mail.occurrence_date), []).append(mail)
        rows = []
        for occ in marked:
            entry = entries.get((occ.id, occ.start), Entry(State.TODO, None))
            found = by_key.get((occ.id, occ.start), [])
            next_text, sent_text = mail_summary(found, config.now(), config.zone)
            rows.append(DeskRow(occ, entry, STATE_LABELS[entry.state], next_text, sent_text))
        return page(
            "desk.html",
            session,
            rows=rows,
            days=DESK_DAYS,
            words=_WORDS,
            org=loaded.profile.short_name,
        )

    async def occurrence_page(request: Request) -> Response:
        session = user_of(request)
        if session is None:
            return to_login(request)
        loaded = live.current()
        occ = occurrence_of(loaded, request.path_params["id"], request.path_params["date"])
        if occ is None:
            return not_found()
        key = (occ.id, occ.start)
        if request.method == "POST":
            form = await read_form(request)
            if not sessions.csrf_ok(session, str(form.get("csrf", ""))):
                return refused()
            message = act(key, str(form.get("action", "")), form, session.user or "")
            if message is None:
                return refused("Unknown action.")
            return RedirectResponse(request.url.path + "#history", status_code=303)
        drafts: list[tuple[str, DraftText | None, str | None]] = []
        if config.backend is not None:
            for language in languages(loaded):
                try:
                    drafts.append((language, config.backend.draft(occ, language), None))
                except Exception as exc:  # a broken template: say so on the page
                    drafts.append((language, None, f"{type(exc).__name__}: {exc}"))
        entry = config.store.entry(key) if config.store else Entry(State.TODO, None)
        history = config.store.history(key) if config.store else []
        mails = (
            [m for m in config.backend.mails(occ.start, occ.start) if m.observance_id == occ.id]
            if config.backend
            else []
        )
        return page(
            "desk_occurrence.html",
            session,
            lead=lead,
            occ=occ,
            dates=_WORDS.date_range(occ.start, occ.end),
            entry=entry,
            state_label=STATE_LABELS[entry.state],
            states=[(s.value, STATE_LABELS[s]) for s in State if s != State.SKIPPED],
            drafts=drafts,
            history=[(_local(c.at, config.zone), c.who, c.what) for c in history],
            mails=[
                (m, _local(m.send_at, config.zone), _local(m.sent_at, config.zone)) for m in mails
            ],
            base=request.url.path,
        )

    def act(  # noqa: PLR0911 - one return per action reads as the list of actions
        key: tuple[str, dt.date], action: str, form: dict[str, str], who: str
    ) -> str | None:
        now = config.now()
        store, backend = config.store, config.backend
        if store is None:
            return None
        if action == "owner":
            owner = str(form.get("owner", "")).strip()[:100] or None
            what = f"owner set to {owner}" if owner else "owner cleared"
            store.change(key, who, now, what, owner=owner, set_owner=True)
            return what
        if action == "state":
            try:
                state = State(str(form.get("state", "")))
            except ValueError:
                return None
            if state == State.SKIPPED:
                return None
            entry = store.entry(key)
            what = f"state set to {STATE_LABELS[state]}"
            if entry.state == State.SKIPPED and backend is not None:
                count = backend.unskip(*key, now)
                what += f"; no longer skipped, {count} mail(s) planned again"
            store.change(key, who, now, what, state=state)
            return what
        if action == "skip":
            count = backend.skip(*key, now) if backend else 0
            what = f"skipped this year; {count} pending mail(s) cancelled"
            store.change(key, who, now, what, state=State.SKIPPED)
            return what
        if action == "send-again":
            queued = backend.send_again(*key, now) if backend else False
            what = "sent again now" if queued else "send again asked, but no mail was sent yet"
            store.change(key, who, now, what)
            return what
        return None

    async def download(request: Request) -> Response:
        session = user_of(request)
        if session is None:
            return to_login(request)
        loaded = live.current()
        occ = occurrence_of(loaded, request.path_params["id"], request.path_params["date"])
        language, fmt = request.path_params["lang"], request.path_params["fmt"]
        if occ is None or config.backend is None or language not in languages(loaded):
            return not_found()
        draft = config.backend.draft(occ, language)
        name = f"{occ.start.isoformat()}-{occ.id}.{language}"
        if fmt == "md":
            body = f"# {draft.subject}\n\n{draft.markdown}".encode()
            media = "text/markdown; charset=utf-8"
        elif fmt == "html":
            body = render_page("draft_document.html", draft=draft, language=language).encode()
            media = "text/html; charset=utf-8"
        elif fmt == "docx":
            body, media = draft.docx(), DOCX
        else:
            return not_found()
        return Response(
            body,
            media_type=media,
            headers={
                "content-disposition": f'attachment; filename="{name}.{fmt}"',
                "cache-control": "no-store",
            },
        )

    async def mail_log(request: Request) -> Response:
        session = user_of(request)
        if session is None:
            return to_login(request)
        first = today() - dt.timedelta(days=LOG_DAYS)
        last = today() + dt.timedelta(days=DESK_DAYS)
        mails = config.backend.mails(first, last) if config.backend else []
        names = live.current().registry.by_id
        rows = [
            (
                m,
                names[m.observance_id].name if m.observance_id in names else m.observance_id,
                _local(m.send_at, config.zone),
                _local(m.sent_at, config.zone),
            )
            for m in sorted(mails, key=lambda m: (m.send_at, m.observance_id))
        ]
        return page("desk_mail.html", session, rows=rows, log_days=LOG_DAYS)

    async def status(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        by_token = bool(config.status_token) and _same(token, config.status_token or "")
        session = user_of(request)
        if not by_token and session is None:
            if "json" in request.headers.get("accept", "") or token:
                return JSONResponse({"error": "sign in, or send the status token"}, 401)
            return to_login(request)
        body = request.app.state.status_body()
        if by_token or request.query_params.get("format") == "json":
            return JSONResponse(body, headers={"cache-control": "no-store"})
        if session is None:  # by_token answered above; this keeps mypy and the reader sure
            return to_login(request)
        return page("status.html", session, body=json.dumps(body, indent=2, default=str))

    def not_found() -> Response:
        return HTMLResponse(
            render_page("error.html", heading="Not found", message="No such page."),
            status_code=404,
        )

    return [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/desk", desk, methods=["GET"]),
        Route("/desk/mail", mail_log, methods=["GET"]),
        Route("/desk/{id}/{date}", occurrence_page, methods=["GET", "POST"]),
        Route("/desk/{id}/{date}/draft.{lang}.{fmt}", download, methods=["GET"]),
        Route("/status", status, methods=["GET"]),
    ]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


__all__ = ["Change", "DeskBackend", "DeskConfig", "Mail", "PlainTextResponse", "desk_routes"]

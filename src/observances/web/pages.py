"""The public pages, rendered from the templates in `web/templates/` (Jinja2, autoescaped).

The core of each page works without JavaScript: the subscribe buttons are links, the filters a
GET form the server applies (rows that do not match are rendered `hidden`, so the page's small
script can show them again as one types). Pages are cached per registry generation, `today`
and base URL: a request for an unchanged page only copies bytes.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from observances.registry.models import Registry
from observances.web import views
from observances.web.state import Loaded

UPCOMING_DAYS = views.UPCOMING_DAYS
MAX_CACHED_PAGES = 2000


@cache
def environment() -> Environment:
    """One Jinja environment for the web: autoescape on for every template (a name from the
    registry or a form cannot become markup), StrictUndefined (a typo fails, not blanks)."""
    folder = resources.files("observances.web") / "templates"
    return Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(name: str, **context: Any) -> str:
    context.setdefault("user", None)
    context.setdefault("csrf", "")
    context.setdefault("static", False)
    return environment().get_template(name).render(**context)


@cache
def asset(name: str) -> bytes:
    """The stylesheet and the script, read once from the package."""
    return (resources.files("observances.web") / "assets" / name).read_bytes()


@dataclass(frozen=True, slots=True)
class Filters:
    q: str = ""
    theme: str = ""
    marked_only: bool = False


def themes(registry: Registry) -> list[tuple[str, str]]:
    return [(tag, about[:1].upper() + about[1:]) for tag, about in sorted(registry.tags.items())]


class PublicPages:
    """The index and the observance pages for the loaded registry, cached by generation."""

    def __init__(self, *, static: bool = False) -> None:
        """`static`: pages for `observances publish`, with no link to the workspace."""
        self.static = static
        self._lock = threading.Lock()
        self._key: tuple[int, dt.date] | None = None
        self._rows: list[views.Row] = []
        self._pages: dict[tuple[str, ...], str] = {}

    def _fresh(self, loaded: Loaded, today: dt.date) -> None:
        key = (loaded.generation, today)
        if self._key != key:
            with self._lock:
                if self._key != key:
                    self._rows = views.upcoming(loaded.registry, loaded.profile, today)
                    self._pages = {}
                    self._key = key

    def _keep(self, key: tuple[str, ...], html: str) -> None:
        # bounded: without a configured base URL the index is keyed by the request's Host
        # header, which a client chooses
        if len(self._pages) < MAX_CACHED_PAGES:
            self._pages[key] = html

    def index(
        self, loaded: Loaded, base: str, today: dt.date, filters: Filters, user: str | None
    ) -> str:
        self._fresh(loaded, today)
        cacheable = filters == Filters() and user is None
        key = ("index", base)
        if cacheable and key in self._pages:
            return self._pages[key]
        registry, profile = loaded.registry, loaded.profile
        theme = filters.theme if filters.theme in registry.tags else ""
        filters = replace(filters, theme=theme)
        rows = [
            (row, views.matches(row, filters.q, filters.theme, filters.marked_only))
            for row in self._rows
        ]
        html = render_page(
            "index.html",
            static=self.static,
            user=user,
            revision=registry.revision.isoformat(),
            count=len(registry.observances),
            feeds=views.feed_views(loaded.feeds, registry, base),
            days=UPCOMING_DAYS,
            themes=themes(registry),
            q=filters.q,
            theme=filters.theme,
            marked_only=filters.marked_only,
            org=profile.short_name,
            rows=rows,
            shown=sum(shown for _, shown in rows),
        )
        if cacheable:
            self._keep(key, html)
        return html

    def observance(
        self, loaded: Loaded, observance_id: str, today: dt.date, user: str | None
    ) -> str | None:
        """The page of one observance; None when the registry has no such id."""
        self._fresh(loaded, today)
        obs = loaded.registry.by_id.get(observance_id)
        if obs is None:
            return None
        key = ("observance", observance_id)
        if user is None and key in self._pages:
            return self._pages[key]
        view = views.observance_view(obs, loaded.profile, today, loaded.registry.tags)
        html = render_page(
            "observance.html",
            static=self.static,
            user=user,
            o=view,
            org=loaded.profile.short_name,
        )
        if user is None:
            self._keep(key, html)
        return html

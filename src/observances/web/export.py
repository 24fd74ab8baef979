"""The public part of the site as static files: the public feeds, the index, one page per
observance, the data files and the assets (`observances publish DIR`).

Pure: the loaded registry, profile and feeds, the feed window, the base URL and `today` in;
a mapping of relative paths to bytes out, the same bytes for the same inputs (no clock, no
randomness, pages rendered as the server renders them). Private (token) feeds stay on the
app. Pages go to `<path>/index.html`, so that `/observances/<id>` is served by any static
server (nginx: `try_files $uri $uri/index.html`).
"""

from __future__ import annotations

import datetime as dt

from observances.calendar.feedset import FeedOptions
from observances.web import views
from observances.web.pages import Filters, PublicPages, asset
from observances.web.state import Loaded
from observances.words import LANGUAGES


def export_site(
    loaded: Loaded, options: FeedOptions, base: str, today: dt.date
) -> dict[str, bytes]:
    """Every public file, by path relative to the export's root. `base` is the address the
    export will be served at (no trailing slash), for the subscribe links."""
    pages = PublicPages(static=True)
    files: dict[str, bytes] = {}
    for feed in loaded.feeds.values():
        if feed.private:
            continue
        years = options.years(today, feed.name)
        for language in LANGUAGES:  # /feeds/<name>.ics, and .<lang>.ics for the others
            # DTSTAMP from the registry's dates (the default stamper): the same bytes each run
            body = feed.build(
                loaded.registry,
                loaded.profile,
                years,
                options.alarms(feed),
                language,
                budget=options.budget,
                send_at=options.send_at,
            )
            files[f"feeds/{feed.filename_in(language)}"] = body
    files["index.html"] = pages.index(loaded, base, today, Filters(), None).encode()
    for obs in loaded.registry.observances:
        html = pages.observance(loaded, obs.id, today, None)
        if html is not None:  # always: the id comes from the registry itself
            files[f"observances/{obs.id}/index.html"] = html.encode()
    files["data/observances.json"] = views.data_json(loaded.registry, today)
    files["data/observances.csv"] = views.data_csv(loaded.registry, today)
    for name in ("site.css", "site.js"):
        files[f"assets/{name}"] = asset(name)
    return dict(sorted(files.items()))

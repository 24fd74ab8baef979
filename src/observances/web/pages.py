"""The index page: the feeds with their subscribe links, how to subscribe, the next 30 days.

Plain HTML with no script, so it works in any browser and in a mail client's preview. Every
value from the registry or the profile goes through `html.escape`.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from babel import Locale

from observances.occurrences import occurrences
from observances.web.state import Loaded
from observances.words import LANGUAGES, for_language

UPCOMING_DAYS = 30
_WORDS = for_language("en")

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1b1b1b; }
code { background: #f2f2f2; padding: 0 .25rem; word-break: break-all; }
li { margin-bottom: .5rem; }
table { border-collapse: collapse; } td { padding: .15rem .75rem .15rem 0; vertical-align: top; }
"""

_HOWTO = """
<h2>How to subscribe</h2>
<p>Subscribing keeps your calendar in step with the registry: when a date or a name changes,
your calendar picks it up at its next refresh. Downloading the file instead gives a copy that
never changes.</p>
<dl>
<dt><strong>Google Calendar</strong> (on the web)</dt>
<dd>Copy a feed's <em>https</em> link. In Google Calendar, next to <em>Other calendars</em>
choose <em>+</em>, then <em>From URL</em>, paste the link and choose <em>Add calendar</em>.
Google refreshes subscribed calendars on its own schedule, often only every 12 to 24 hours.</dd>
<dt><strong>Outlook</strong></dt>
<dd>Outlook on the web or the new Outlook: <em>Add calendar</em>, <em>Subscribe from web</em>,
paste the <em>https</em> link, give it a name and import. Classic Outlook for Windows:
<em>Add calendar</em>, <em>From Internet</em>, paste the link.</dd>
<dt><strong>Apple Calendar</strong> (macOS, iPhone, iPad)</dt>
<dd>Select the <em>webcal</em> link and Calendar offers to subscribe. Or, on a Mac,
<em>File</em>, <em>New Calendar Subscription</em>, and paste the link; on an iPhone,
<em>Settings</em>, <em>Calendar</em>, <em>Accounts</em>, <em>Add Account</em>, <em>Other</em>,
<em>Add Subscribed Calendar</em>.</dd>
<dt><strong>Thunderbird</strong></dt>
<dd>In the calendar, <em>New Calendar</em>, <em>On the Network</em>, paste the <em>https</em>
link as the location, then choose <em>Subscribe</em>. Leave <em>Offline support</em> on to see
the calendar without a connection.</dd>
</dl>
"""


def _links(base: str, name: str) -> tuple[str, str]:
    https = f"{base}/feeds/{name}.ics"
    webcal = "webcal://" + https.split("://", 1)[-1]
    return https, webcal


def _in_languages(base: str, name: str) -> str:
    """Links to the feed with names and descriptions in the other UN languages, each labelled
    in its own language (Babel's names), with `lang` and `hreflang` for screen readers."""
    links = [
        f'<a href="{escape(f"{base}/feeds/{name}.{lang}.ics")}" hreflang="{lang}" lang="{lang}">'
        f"{escape(Locale.parse(lang).display_name or lang)}</a>"
        for lang in LANGUAGES
        if lang != "en"
    ]
    return "Names in: " + " &middot; ".join(links)


def index_html(loaded: Loaded, base: str, today: dt.date) -> str:
    """The page for `loaded`, with links under `base` (no trailing slash)."""
    registry = loaded.registry
    items = []
    for feed in loaded.feeds.values():
        if feed.private:
            continue  # a private feed's URL is given out with its token, never listed
        https, webcal = _links(base, feed.name)
        items.append(
            f"<li><strong>{escape(feed.title)}</strong>: {escape(feed.description)}<br>"
            f'<a href="{escape(https)}">{escape(https)}</a> &middot; '
            f'<a href="{escape(webcal)}">subscribe (webcal)</a><br>'
            f"{_in_languages(base, feed.name)}</li>"
        )
    last = today + dt.timedelta(days=UPCOMING_DAYS - 1)
    rows = [
        f"<tr><td>{escape(_WORDS.short_range(occ.start, occ.end))}</td>"
        f"<td>{escape(occ.name)}</td></tr>"
        for occ in occurrences(registry.observances, today, last)
    ]
    upcoming = (
        f"<table>{''.join(rows)}</table>" if rows else "<p>No observances in the next 30 days.</p>"
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>United Nations observances: calendar feeds</title><style>{_STYLE}</style></head>
<body>
<h1>United Nations observances</h1>
<p>Calendar feeds of the international days, weeks, years and decades proclaimed by the United
Nations, from a reviewed registry (revision {registry.revision.isoformat()},
{len(registry.observances)} observances). Each observance shows on its day as an all-day event;
international years and decades show on their first day.</p>
<h2>Feeds</h2>
<ul>{"".join(items)}</ul>
{_HOWTO}
<h2>The next {UPCOMING_DAYS} days</h2>
{upcoming}
</body>
</html>
"""

"""HTTP semantics of the feed server, through Starlette's TestClient."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from pydantic import SecretStr
from starlette.testclient import TestClient
from web_support import STATUS_AUTH, make_app, workspace

from observances.settings import FeedSpec
from observances.web.app import FeedCache, HealthCheck

SECRET = "s3cret-Token_with.length-42"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    registry, profile = workspace(tmp_path)
    private = FeedSpec(
        name="board", title="Board", ids=("world-habitat-day",), token=SecretStr(SECRET)
    )
    # a public feed whose title has <, > and quotes, which the index page must escape
    odd = FeedSpec(name="odd", title='Peace <&> "Rights"', ids=("world-habitat-day",))
    app, _ = make_app(registry, profile, feeds=(private, odd))
    with TestClient(app) as test_client:
        yield test_client


def test_feed_headers(client: TestClient) -> None:
    response = client.get("/feeds/all.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="all.ics"'
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"])
    # when this server first served these bytes (the app's clock), not a date in the registry
    assert response.headers["last-modified"] == "Fri, 15 Jun 2018 12:00:00 GMT"
    assert "content-encoding" not in response.headers  # Outlook has failed on gzip
    years = {e.decoded("DTSTART").year for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert years == {2018, 2019}  # today 2018: `all` keeps to this year and the next
    tagged = Calendar.from_ical(client.get("/feeds/human-rights.ics").content)
    assert {e.decoded("DTSTART").year for e in tagged.walk("VEVENT")} == {2017, 2018, 2019, 2020}


def test_no_accept_header_still_gets_the_calendar(client: TestClient) -> None:
    # Google's fetcher sends no Accept header; a browser asks for HTML: both get the calendar
    for accept in (None, "text/html,application/xhtml+xml"):
        headers = {"user-agent": "Google-Calendar-Importer"}
        if accept:
            headers["accept"] = accept
        response = client.get("/feeds/human-rights.ics", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"


def test_etag_is_the_hash_of_the_bytes_and_answers_304(client: TestClient) -> None:
    import hashlib

    first = client.get("/feeds/all.ics")
    assert first.headers["etag"] == f'"{hashlib.sha256(first.content).hexdigest()[:32]}"'
    cache: FeedCache = client.app.state.feed_cache  # type: ignore[attr-defined]
    builds = cache.builds
    for header in (first.headers["etag"], f'"x", {first.headers["etag"]}', "*"):
        again = client.get("/feeds/all.ics", headers={"if-none-match": header})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]
    assert cache.builds == builds  # a 304 rebuilds nothing
    assert client.get("/feeds/all.ics", headers={"if-none-match": '"other"'}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: TestClient) -> None:
    modified = client.get("/feeds/all.ics").headers["last-modified"]
    both = {"if-none-match": '"stale"', "if-modified-since": modified}
    assert client.get("/feeds/all.ics", headers=both).status_code == 200


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("Fri, 15 Jun 2018 12:00:00 GMT", 304),
        ("Mon, 01 Jul 2019 10:00:00 GMT", 304),
        ("Fri, 15 Jun 2018 11:59:59 GMT", 200),
        ("yesterday", 200),  # not a date: ignored
        ("Sun, 99 Jun 2019 00:00:00 GMT", 200),
        ("", 200),
    ],
)
def test_if_modified_since(client: TestClient, since: str, status: int) -> None:
    response = client.get("/feeds/all.ics", headers={"if-modified-since": since})
    assert response.status_code == status


def test_head_has_the_headers_and_no_body(client: TestClient) -> None:
    get = client.get("/feeds/marked.ics")
    head = client.head("/feeds/marked.ics")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-disposition", "etag", "last-modified"):
        assert head.headers[name] == get.headers[name]
    assert head.headers["content-length"] == str(len(get.content))


def test_marked_and_tag_feeds(client: TestClient) -> None:
    marked = Calendar.from_ical(client.get("/feeds/marked.ics").content)
    ids = {str(e["UID"]).rsplit("-", 1)[0] for e in marked.walk("VEVENT")}
    assert "world-habitat-day" not in {i.split("-20")[0] for i in ids}
    assert marked["X-WR-CALNAME"] == "Observances TO marks"
    tagged = Calendar.from_ical(client.get("/feeds/environment.ics").content)
    assert {str(e["SUMMARY"]) for e in tagged.walk("VEVENT")} == {"World Migratory Bird Day"}


def test_private_feed_needs_its_token(client: TestClient) -> None:
    assert client.get(f"/feeds/board.ics?token={SECRET}").status_code == 200
    unknown = client.get("/feeds/no-such-feed.ics")
    for url in (
        "/feeds/board.ics",
        "/feeds/board.ics?token=wrong",
        f"/feeds/board.ics?token={SECRET}x",
    ):
        response = client.get(url)
        # the same answer as for a feed that does not exist: existence does not leak
        assert (response.status_code, response.text) == (404, unknown.text)


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/nope.ics",
        "/feeds/all",
        "/feeds/all.ICS",
        "/feeds/../pyproject.toml",
        "/feeds/..%2f..%2fpyproject.toml",
        "/feeds/%2e%2e/%2e%2e/etc/passwd",
        "/feeds/..%2F..%2Fetc%2Fpasswd.ics",
        "/feeds/%2e%2e%2fobservances.yaml.ics",
        "/feeds/all.ics/../../etc/passwd",
        "/observances.yaml",
        "/feeds/",
        "/feeds/%00.ics",
    ],
)
def test_unknown_and_traversal_paths_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"revision" not in response.content
    assert b"root:" not in response.content


def test_huge_query_string_is_414(client: TestClient) -> None:
    response = client.get("/feeds/all.ics?token=" + "a" * 10_000)
    assert response.status_code == 414


def test_other_methods_are_405(client: TestClient) -> None:
    assert client.post("/feeds/all.ics").status_code == 405


def test_index_lists_public_feeds_and_escapes_text(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    outlook = "https://outlook.office.com/calendar/0/addfromweb?url="
    assert f'href="{outlook}http%3A%2F%2Ftestserver%2Ffeeds%2Fall.ics"' in text
    assert 'href="webcal://testserver/feeds/human-rights.ics"' in text
    assert "board.ics" not in text
    assert SECRET not in text
    for app_name in ("Google", "Outlook", "Apple Calendar", "Thunderbird"):
        assert app_name in text
    # a feed's title has <, > and quotes: escaped wherever it appears
    assert "<&>" not in text
    assert "Peace &lt;&amp;&gt; &#34;Rights&#34;" in text


def test_index_shows_the_next_60_days(tmp_path: Path) -> None:
    import datetime as dt

    registry, profile = workspace(tmp_path)
    app, _ = make_app(registry, profile, today=dt.date(2018, 9, 20))
    with TestClient(app) as test_client:
        text = test_client.get("/").text
    assert "World Habitat Day" in text  # 1 October 2018
    assert "World Migratory Bird Day" in text  # 13 October 2018
    assert "Science and Peace" in text  # 5 November: 46 days on
    assert "Human Rights Day" not in text  # 10 December: more than 60 days on


def test_healthz_and_status(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}  # the status word only, on the public port
    assert client.get("/status", headers={"accept": "application/json"}).status_code == 401
    status = client.get("/status", headers=STATUS_AUTH).json()
    assert status["registry_revision"] == "2019-06-30"
    assert status["service"] == {"outbox": {"pending": 0}}
    assert "board" not in status["feeds"]
    assert "all" in status["feeds"]


def test_a_failing_service_check_makes_healthz_503(tmp_path: Path) -> None:
    registry, profile = workspace(tmp_path)
    app, _ = make_app(registry, profile, checks=(HealthCheck("scheduler", False, "no tick"),))
    with TestClient(app) as test_client:
        response = test_client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "unhealthy"}
        status = test_client.get("/status", headers=STATUS_AUTH).json()
    assert status["checks"] == [{"name": "scheduler", "ok": False, "detail": "no tick"}]

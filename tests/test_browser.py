"""The pages in a real browser: Debian's chromium driven by Playwright (no browser download),
the app served by uvicorn on a free port. axe-core (npm, tests/clients/axe) checks every page;
screenshots at 1280 and 390 px go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import uvicorn
from desk_support import PASSWORD, SKIPPED, USER, Desk, make_desk
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "clients" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESK_URL = f"/desk/{SKIPPED[0]}/{SKIPPED[1].isoformat()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Desk]]:
    desk = make_desk(tmp_path_factory.mktemp("browser"))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(desk.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", desk
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "chromium is missing: apt-get install chromium (see .ci/run)"
    assert AXE.is_file(), "axe-core is missing: npm ci --prefix tests/clients/axe"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations of the page as loaded."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check_page(page: Page, name: str) -> None:
    """axe on the page, then screenshots at 1280 and 390 px; nothing may run off a phone's
    screen."""
    assert axe_violations(page) == [], name
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width} px wide on a 390 px screen"
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in(page: Page, base: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", USER)
    page.fill("#password", password)
    page.click("button[type=submit].primary")


def test_subscribe_buttons_have_the_exact_links(served: tuple[str, Desk], page: Page) -> None:
    base, _ = served
    page.goto(base + "/")
    feed = page.locator("#feed-human-rights")
    https = f"{base}/feeds/human-rights.ics"
    webcal = "webcal://" + https.removeprefix("http://")
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    outlook = "https://outlook.office.com/calendar/0/addfromweb?url=" + quote(https, safe="")
    assert feed.locator("[data-client=google]").get_attribute("href") == google
    assert feed.locator("[data-client=outlook]").get_attribute("href") == outlook
    assert feed.locator("[data-client=apple]").get_attribute("href") == webcal
    assert google.endswith(
        "cid=webcal%3A%2F%2F127.0.0.1%3A" + base.rsplit(":", 1)[1] + "%2Ffeeds%2Fhuman-rights.ics"
    )
    copy = feed.locator("button[data-copy]")
    assert copy.is_visible()  # the script shows it; without a script the URL is on the page
    assert copy.get_attribute("data-copy") == https
    assert feed.locator("h3").inner_text() == "UN observances: human rights"  # not the slug
    check_page(page, "index")


def test_search_and_filters(served: tuple[str, Desk], page: Page) -> None:
    base, _ = served
    page.goto(base + "/")
    rows = page.locator("#upcoming tbody tr:not(.group)")
    everything = rows.count()
    visible = page.locator("#upcoming tbody tr:not(.group):visible")
    assert visible.count() == everything > 10
    page.fill("input[name=q]", "human rights")
    assert [t.strip() for t in visible.locator("td:nth-child(2) a").all_inner_texts()] == [
        "Human Rights Day"
    ]
    page.fill("input[name=q]", "")
    page.check("input[name=marked]")
    marked = visible.count()
    assert 0 < marked < everything
    assert visible.evaluate_all("rows => rows.every(r => r.classList.contains('marked'))")
    page.select_option("select[name=theme]", "environment")
    assert visible.evaluate_all("rows => rows.every(r => r.dataset.tags.includes('environment'))")
    assert page.locator("#filter-status").inner_text().endswith("shown")
    # without the script, the same form filters on the server
    page.goto(base + "/?q=human+rights&theme=&marked=1")
    assert visible.count() == 1


def test_an_observance_page(served: tuple[str, Desk], page: Page) -> None:
    base, desk = served
    page.goto(base + "/")
    page.click("#upcoming a:text-is('Human Rights Day')")
    assert page.url == f"{base}/observances/human-rights-day"
    assert page.locator("h1").inner_text() == "Human Rights Day"
    assert page.locator("text=AIPR marks it").count() == 1
    facts = page.locator("ul.facts-list > li")
    assert facts.count() >= 3  # the name, the first year, the act, the rule
    primary = page.locator("ul.facts-list .badge:text-is('primary')")
    assert primary.count() >= 1
    assert (
        page.locator("h2:text-is('Next dates') + ul li")
        .first.inner_text()
        .startswith("10 December 2026")
    )
    check_page(page, "observance")
    # an entry with an unconfirmed fact says so, at the top and next to the fact
    registry = desk.live.current().registry
    doubtful = next(obs for obs in registry.observances if not obs.verified)
    page.goto(f"{base}/observances/{doubtful.id}")
    assert page.locator(".notice", has_text="Not confirmed by a source").count() >= 1
    assert page.locator("ul.facts-list > li[data-verified='0'] .badge.warn").count() >= 1
    check_page(page, "observance-unconfirmed")
    page.goto(base + "/observances/no-such-day")
    assert page.locator("h1").inner_text() == "Not found"


def test_sign_in_wrong_password_and_csrf(served: tuple[str, Desk], page: Page) -> None:
    base, _ = served
    page.goto(base + "/desk")
    assert page.url.startswith(base + "/login")
    check_page(page, "login")
    sign_in(page, base, "not the password")
    assert page.locator("[role=alert]").inner_text() == "Wrong user name or password."
    sign_in(page, base)
    assert page.url == base + "/desk"
    assert page.locator("h1").inner_text().startswith("Desk")
    check_page(page, "desk")
    # a form posted from elsewhere carries no token: refused, nothing changes
    response = page.request.post(base + DESK_URL, form={"action": "skip"})
    assert response.status == 403
    page.goto(base + DESK_URL)
    assert page.locator("#state").get_attribute("data-state") == "todo"


def test_preview_download_and_skip(served: tuple[str, Desk], page: Page) -> None:
    base, desk = served
    sign_in(page, base)
    page.goto(base + DESK_URL)
    assert page.locator("#draft-body-en strong").first.inner_text()
    assert page.locator("#draft-body-es").count() == 1  # the Latin American program's language
    with page.expect_download() as info:
        page.click("a:text-is('Download Markdown') >> nth=0")
    download = info.value
    assert download.suggested_filename == "2026-12-10-human-rights-day.en.md"
    assert "Human Rights Day" in Path(download.path()).read_text(encoding="utf-8")
    check_page(page, "draft")
    page.click("button:text-is('Skip this year')")
    assert page.locator("#state").get_attribute("data-state") == "skipped"
    assert "ana: skipped this year" in page.locator("#history-list").inner_text()
    page.goto(base + "/desk/mail")
    statuses = page.locator("tr[data-id=human-rights-day] .mail-status").all_inner_texts()
    assert statuses == ["skipped", "skipped", "skipped"]
    check_page(page, "plan")
    page.goto(base + "/desk")
    row = page.locator("tr", has=page.locator("a:text-is('Human Rights Day')"))
    assert row.locator("[data-state]").inner_text() == "skipped this year"
    # the service, ticking on the last send day, sends the others and not this one
    service = desk.service()
    service.outbox.create()
    import datetime as dt

    desk.clock.now = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)
    report = service.tick()
    assert report is not None
    assert report.sent > 0
    sent = {r.key.observance_id for r in service.outbox.rows() if r.status.value == "sent"}
    assert SKIPPED[0] not in sent
    page.goto(base + "/status?format=json")
    assert json.loads(page.locator("body").inner_text())["status"] in ("ok", "degraded")

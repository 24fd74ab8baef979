"""`observances run` as a user starts it: one process that serves the feeds and writes each
due draft, rendered from the real templates, to the Maildir outbox when no SMTP server is set."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_kit import free_port

from observances.wiring import live_templates

ROOT = Path(__file__).resolve().parent.parent
# 7 days before South-South Cooperation 2027 (12 September), after the 09:00 UTC send time
NOW = "2027-09-05T10:00:00+00:00"
STATUS_TOKEN = "status-token-of-the-test"
AUTH = {"authorization": f"Bearer {STATUS_TOKEN}"}


class Running:
    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.data = tmp_path / "data"
        self.log = tmp_path / "run.log"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("OBSERVANCES_")},
            "OBSERVANCES_DATA_DIR": str(self.data),
            "OBSERVANCES_PORT": str(self.port),
            "OBSERVANCES_TICK_SECONDS": "1",
            "OBSERVANCES_FAKE_NOW": NOW,
            "OBSERVANCES_CACHE_DIR": str(tmp_path / "cache"),
            "OBSERVANCES_STATUS_TOKEN": STATUS_TOKEN,
        }
        with self.log.open("wb") as out:  # the repository's defaults: run from its root
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "observances", "run"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        url = f"http://127.0.0.1:{self.port}{path}"
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def wait_for_http(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(self.log.read_text())

    def drafts(self) -> list[email.message.EmailMessage]:
        box = self.data / "maildir"
        if not (box / "new").exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted((box / "new").iterdir())
        ]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    process = Running(tmp_path)
    try:
        yield process
    finally:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait(10)


def test_run_serves_the_feeds_and_writes_due_drafts_to_the_maildir(running: Running) -> None:
    running.wait_for_http()
    deadline = time.monotonic() + 30
    subject = "[Draft, in 7 days] AIPR marks the Day for South-South Cooperation, 12 September 2027"
    while time.monotonic() < deadline:
        if subject in [str(m["Subject"]).strip() for m in running.drafts()]:
            break
        time.sleep(0.3)
    else:
        raise AssertionError(running.log.read_text())

    (draft,) = [m for m in running.drafts() if str(m["Subject"]).strip() == subject]
    text = draft.get_body(("plain",))
    html = draft.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "[[TODO:" in text.get_content().split("\n\n")[0]  # what to write comes first
    assert "the 24th Day for South-South Cooperation" in text.get_content()  # the short name
    (word, attachment) = list(draft.iter_attachments())
    assert word.get_filename() == "2027-09-12-south-south-cooperation.docx"
    assert attachment.get_filename() == "2027-09-12-south-south-cooperation.md"
    assert attachment.get_content().startswith("# AIPR marks the United Nations Day")

    code, headers, body = running.get("/feeds/marked.ics")
    assert code == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"SUMMARY:United Nations Day for South-South Cooperation" in body

    code, _, body = running.get("/healthz")
    assert (code, json.loads(body)) == (200, {"status": "ok"})
    assert running.get("/status", {"accept": "application/json"})[0] == 401  # no token

    code, _, body = running.get("/status", AUTH)
    status = json.loads(body)
    assert code == 200
    assert {c["name"]: c["ok"] for c in status["checks"]} == {
        "scheduler": True,
        "templates": True,
        "outbox": True,
        "transport": True,
        "plan": True,
    }
    assert status["service"]["outbox"]["counts"]["sent"] >= 1
    assert "password" not in body.decode().lower()

    running.proc.send_signal(signal.SIGTERM)
    assert running.proc.wait(30) == 0, running.log.read_text()
    subjects = [str(m["Subject"]).strip() for m in running.drafts()]
    # the 21-day draft fell due while the service was not running, together with the 7-day
    # one: only the nearer one went out (no burst)
    assert [s for s in subjects if "South-South" in s] == [subject]


def test_a_bad_template_edit_keeps_the_last_good_set(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    subprocess.run(["cp", "-r", str(ROOT / "templates"), str(templates)], check=True)
    live = live_templates(templates)
    good = live.current()
    statement = templates / "statement.md.j2"
    statement.write_text(statement.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    live.refresh()
    assert live.current() is good
    assert "statement.md.j2" in live.problems[-1].message
    statement.write_text("Subject: fixed\n\nBody\n", encoding="utf-8")
    live.refresh()
    assert live.current() is not good
    assert not live.problems

"""A template that computes without end fails its own draft, with the reason, while the other
drafts go out, HTTP answers and SIGTERM stops the service: the process is never wedged."""

from __future__ import annotations

import mailbox
import shutil
import threading
import time
from pathlib import Path

from server_process import ROOT, ServerProcess, wait_for
from service_kit import PROFILE_YAML, REGISTRY_YAML

from observances.delivery.outbox import Outbox
from observances.drafts.templates import RENDER_SECONDS, TemplateError, TemplateSet

HUGE_POWER = "Subject: {{ org.short_name }}\n\n{{ 2 ** 99999999 }}\n"
NESTED_LOOPS = (
    "Subject: x\n\n"
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
)


def test_a_huge_power_fails_its_own_draft_and_the_service_goes_on(tmp_path: Path) -> None:
    """At 2027-09-05 09:00 with lead days 10 and 7: South-South Cooperation (12 September) is
    due twice, Democracy Day (15 September) once, and Democracy Day's template is hostile."""
    registry = tmp_path / "service-registry.yaml"
    registry.write_text(REGISTRY_YAML, encoding="utf-8")
    profile = tmp_path / "service-profile.yaml"
    profile.write_text(PROFILE_YAML.replace("[21, 7, 1]", "[10, 7]"), encoding="utf-8")
    templates = tmp_path / "service-templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "observances" / "democracy-day.md.j2").write_text(HUGE_POWER, encoding="utf-8")
    server = ServerProcess(
        tmp_path,
        env={
            "OBSERVANCES_REGISTRY": str(registry),
            "OBSERVANCES_PROFILE": str(profile),
            "OBSERVANCES_TEMPLATES_DIR": str(templates),
            "OBSERVANCES_FAKE_NOW": "2027-09-05T09:00:30+00:00",
        },
    )
    outbox = Outbox(f"sqlite:///{tmp_path / 'data' / 'outbox.sqlite3'}")
    try:

        def settled() -> bool:
            try:
                rows = outbox.rows()
            except Exception:  # the service has not created the table yet
                return False
            done = [r for r in rows if r.status.value in ("sent", "failed")]
            return len(done) == 3  # the rest are planned for later days

        assert wait_for(settled), server.output
        by_key = {(r.key.observance_id, r.key.lead_days): r for r in outbox.rows()}
        failed = by_key[("democracy-day", 10)]
        assert failed.status.value == "failed"
        assert failed.last_error is not None
        assert "democracy-day.md.j2:3: 2 ** 99999999 is too large a number" in failed.last_error
        assert by_key[("south-south-cooperation", 10)].status.value == "sent"
        assert by_key[("south-south-cooperation", 7)].status.value == "sent"
        assert len(mailbox.Maildir(tmp_path / "data" / "maildir")) == 2
        answer = server.get("/healthz")
        assert answer is not None
        assert answer[0] == 200
    finally:
        outbox.close()
        started = time.monotonic()
        assert server.stop() == 0, server.output
    assert time.monotonic() - started < 10


def test_the_time_budget_stops_a_render_in_a_worker_thread(tmp_path: Path) -> None:
    """The service renders in its scheduler's threads: the budget must stop a render there,
    and other threads must run meanwhile (a C-level loop would hold them all)."""
    (tmp_path / "statement.md.j2").write_text(NESTED_LOOPS, encoding="utf-8")
    templates = TemplateSet.load(tmp_path)
    outcome: list[BaseException | str] = []

    def worker() -> None:
        try:
            outcome.append(templates.render("statement.md.j2", {}))
        except TemplateError as exc:
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=worker)
    thread.start()
    ticks = 0
    while thread.is_alive() and time.monotonic() - started < RENDER_SECONDS + 5:
        time.sleep(0.05)
        ticks += 1
    thread.join(1)
    elapsed = time.monotonic() - started
    assert not thread.is_alive()
    assert RENDER_SECONDS <= elapsed < RENDER_SECONDS + 3
    assert ticks > RENDER_SECONDS / 0.05 / 3  # this thread ran meanwhile (sharing the GIL)
    assert len(outcome) == 1
    assert isinstance(outcome[0], TemplateError)
    assert str(outcome[0]) == (
        f"{tmp_path / 'statement.md.j2'}:3: rendering took longer than 5 s and was stopped; "
        "look for loops inside loops"
    )


def test_a_render_that_ends_in_time_is_never_interrupted_later() -> None:
    """The interruption is raised only while its render runs: many quick renders, then a
    wait past the budget, and nothing strikes this thread."""
    templates = TemplateSet.load(ROOT / "tests" / "data" / "templates" / "no_subject")
    name = templates.names[0]
    for _ in range(200):
        templates.render(name, {"org": {"short_name": "X"}})
    deadline = time.monotonic() + RENDER_SECONDS + 0.5
    while time.monotonic() < deadline:
        time.sleep(0.05)

"""The service's commands: plan, status and send-due, through the CLI's one error handler."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli as run
from service_kit import PROFILE_YAML, REGISTRY_YAML

from observances.delivery.ticker import InstanceLock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "registry.yaml").write_text(REGISTRY_YAML, encoding="utf-8")
    (tmp_path / "profile.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OBSERVANCES_REGISTRY", str(tmp_path / "registry.yaml"))
    monkeypatch.setenv("OBSERVANCES_PROFILE", str(tmp_path / "profile.yaml"))
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBSERVANCES_TEMPLATES_DIR", str(ROOT / "templates"))
    monkeypatch.setenv("OBSERVANCES_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("OBSERVANCES_SMTP_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("OBSERVANCES_FAKE_NOW", "2027-09-05T10:00:00+00:00")
    return tmp_path


def test_plan_lists_the_sends_to_come_in_the_configured_zone(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "plan", "--json")
    assert code == 0
    rows = json.loads(out)
    first = rows[0]
    # without --from, the catch-up of 22 August (its date is still ahead) comes first
    assert first == {
        "id": "south-south-cooperation",
        "occurrence_date": "2027-09-12",
        "lead_days": 21,
        "send_at": "2027-08-22T09:00+02:00",
        "status": "not in outbox",
    }
    code, out, _ = run(capsys, "plan", "--from", "2027-09-08", "--days", "1")
    # human dates, as in the other tables; the time is local to the configured zone
    assert out.splitlines()[1].split() == [
        *("Wed", "8", "Sep", "2027", "09:00"),
        "7d",
        *("Wed", "15", "Sep", "2027"),
        "democracy-day",
        "not",
        "in",
        "outbox",
    ]


def test_send_due_then_status_and_plan_show_the_outbox_without_secrets(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "status")
    assert (code, out.strip()) == (
        0,
        f"No outbox yet in {env / 'data'}; `observances run` creates it.",
    )
    code, out, err = run(capsys, "send-due")
    assert code == 0
    assert out.strip() == "sent 4, deferred 0, failed 0, dry run 0, skipped late 0"
    assert len(list((env / "data" / "maildir" / "new").iterdir())) == 4
    code, out, err = run(capsys, "status", "--json")
    report = json.loads(out)
    assert report["counts"]["sent"] == 4
    assert report["next_send"]["id"] == "democracy-day"
    code, text, _ = run(capsys, "status")
    assert "sent: 4" in text
    assert "hunter2" not in out + text + err
    code, out, _ = run(capsys, "plan", "--json")
    assert {r["status"] for r in json.loads(out)} == {"sent", "pending"}


def test_send_due_dry_run_logs_and_marks_without_writing_mail(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "send-due", "--dry-run")
    assert code == 0
    assert "dry run 4" in out
    assert not (env / "data" / "maildir").exists()


def test_send_due_refuses_to_run_beside_a_running_service(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = InstanceLock(env / "data" / "observances.lock")
    lock.acquire()
    try:
        code, _, err = run(capsys, "send-due")
    finally:
        lock.release()
    assert code == 1
    assert "observances.lock" in err


def test_status_lists_the_problems_and_why(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = env / "templates"
    templates.mkdir()
    (templates / "statement.md.j2").write_text("Subject: {{ nope }}\n\nBody\n", encoding="utf-8")
    code, out, _ = run(capsys, "send-due", "--templates", str(templates))
    assert (code, out.strip()) == (0, "sent 0, deferred 0, failed 4, dry run 0, skipped late 0")
    code, out, _ = run(capsys, "status")
    assert code == 0
    assert out.splitlines()[0] == "pending: 5  failed: 4"
    assert out.splitlines()[1] == "next: democracy-day Wed 15 Sep 2027 (7d) at Wed 8 Sep 2027 09:00"
    assert "Problems" in out
    assert re.search(r"^south-south-cooperation +Sun 12 Sep 2027 +21d +failed ", out, re.M)
    assert "could not prepare the draft" in out


def test_an_outbox_of_a_newer_version_stops_each_command_with_exit_1(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    assert run(capsys, "send-due")[0] == 0
    with sqlite3.connect(env / "data" / "outbox.sqlite3") as db:
        db.execute("UPDATE outbox_schema SET version = version + 1")
    db.close()
    for command in ("status", "plan", "send-due"):
        code, _, err = run(capsys, command)
        assert code == 1, command
        assert "has schema version 2" in err
        assert "OBSERVANCES_DATABASE_URL" in err

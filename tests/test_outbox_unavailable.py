"""A data directory that cannot be made, a read-only outbox, a corrupt outbox (issue 17.9):
each command says what is wrong, where, and what to do, and exits 1; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from service_kit import PROFILE_YAML, REGISTRY_YAML

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "registry.yaml").write_text(REGISTRY_YAML, encoding="utf-8")
    (tmp_path / "profile.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    monkeypatch.setenv("OBSERVANCES_REGISTRY", str(tmp_path / "registry.yaml"))
    monkeypatch.setenv("OBSERVANCES_PROFILE", str(tmp_path / "profile.yaml"))
    monkeypatch.setenv("OBSERVANCES_TEMPLATES_DIR", str(ROOT / "templates"))
    monkeypatch.setenv("OBSERVANCES_FAKE_NOW", "2027-09-05T09:00:30+00:00")
    return tmp_path


def no_traceback(code: int, err: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1


def test_a_data_directory_that_cannot_be_made(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (files / "blocker").write_text("a file where a directory should be")
    data = files / "blocker" / "data"
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(data))
    for command in (("send-due",), ("db", "upgrade")):
        code, _, err = run_cli(capsys, *command)
        no_traceback(code, err)
        assert str(files / "blocker") in err, command
        assert "OBSERVANCES_DATA_DIR" in err


def test_a_corrupt_outbox(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = files / "data"
    data.mkdir()
    (data / "outbox.sqlite3").write_bytes(b"\x00garbage, not a database\n" * 200)
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(data))
    for command in (("status",), ("plan",), ("send-due",), ("db", "current"), ("db", "upgrade")):
        code, _, err = run_cli(capsys, *command)
        no_traceback(code, err)
        assert "outbox.sqlite3" in err, command
        assert "not a database" in err
        assert "move the file aside" in err


def test_a_read_only_outbox(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = files / "data"
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(data))
    assert run_cli(capsys, "db", "upgrade")[0] == 0
    # SQLite's own read-only mode: every write fails as on a read-only file system
    url = f"sqlite:///file:{data / 'outbox.sqlite3'}?mode=ro&uri=true"
    monkeypatch.setenv("OBSERVANCES_DATABASE_URL", url)
    assert run_cli(capsys, "status")[0] == 0  # reading still works
    code, _, err = run_cli(capsys, "send-due")
    no_traceback(code, err)
    assert "readonly" in err
    assert "writable" in err

"""A data directory that is missing and cannot be created, or that cannot be written: one
message that says what, where and what to do, exit 1, and no traceback."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from test_hostile_input import observances

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    "--registry",
    str(ROOT / "observances.yaml"),
    "--profile",
    str(ROOT / "profiles" / "aipr.yaml"),
    "--templates",
    str(ROOT / "templates"),
)
WHAT = "(the outbox, the Maildir and the instance lock)"
FIX = "or set OBSERVANCES_DATA_DIR (data_dir) to one that user can write"
UNWRITABLE = Path("/sys/kernel")
"""A directory no one may create files in, root included (sysfs): a read-only data directory
that needs no mount or second user to set up."""


@pytest.mark.parametrize("command", [("send-due",), ("run", "--port", "1")])
def test_a_data_directory_that_cannot_be_created(
    command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a directory\n", encoding="utf-8")
    data = tmp_path / "a-file" / "data"
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(data))
    code, out, err = observances(*command, *FILES)
    assert (code, out) == (1, "")
    assert err == (
        f"error: data directory {data} {WHAT}: cannot create it (Not a directory); "
        f"create it for user {getpass.getuser()}, {FIX}\n"
    )


@pytest.mark.parametrize("command", [("send-due",), ("run", "--port", "1")])
def test_a_data_directory_that_cannot_be_written(
    command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert UNWRITABLE.is_dir()
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(UNWRITABLE))
    code, out, err = observances(*command, *FILES)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: data directory {UNWRITABLE} {WHAT}: cannot write in it (")
    assert err.endswith(f"); make it writable by user {getpass.getuser()}, {FIX}\n")


def test_a_missing_data_directory_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "new" / "data"
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(data))
    monkeypatch.setenv("OBSERVANCES_DRY_RUN", "true")
    code, _, err = observances("send-due", *FILES)
    assert code == 0, err
    assert data.is_dir()

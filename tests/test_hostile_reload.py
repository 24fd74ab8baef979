"""The running server and bad edits: each shows on /healthz with its problem, the last good
version is served meanwhile, and reloading goes on, so that the next good edit is picked up."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_process import ServerProcess, wait_for

from observances.reloading import Live

HOSTILE = Path(__file__).parent / "data" / "hostile"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = ServerProcess(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def shows(server: ServerProcess, expected: str) -> bool:
    return expected in problems(server)


def problems(server: ServerProcess) -> str:
    health = server.health()
    found = [p["message"] for p in health["problems"]]
    found += [c["detail"] for c in health["checks"] if c["name"] == "templates"]
    return "\n".join(found) if health["status"] == "degraded" else ""


HOSTILE_EDITS = [
    ("registries/recursive_alias.yaml", "a recursive alias"),
    ("registries/alias_bomb.yaml", "an alias bomb"),
    ("registries/nul_byte.yaml", "a NUL byte"),
    ("registries/long_number.yaml", "5,000 digits"),
    ("registries/binary.yaml", "not UTF-8"),
]


def test_hostile_registry_edits_show_and_a_later_good_edit_is_picked_up(
    server: ServerProcess,
) -> None:
    good = server.registry.read_text(encoding="utf-8")
    feed = server.get("/feeds/all.ics")
    assert feed is not None
    assert feed[0] == 200
    assert server.health()["status"] == "ok"

    for fixture, expected in HOSTILE_EDITS:
        server.registry.write_bytes((HOSTILE / fixture).read_bytes())
        assert wait_for(functools.partial(shows, server, expected)), server.output
        assert server.get("/feeds/all.ics") == feed  # the last good version meanwhile

    server.registry.write_text(
        good.replace("name: World Habitat Day", "name: World Habitat Day (edited)"),
        encoding="utf-8",
    )
    assert wait_for(lambda: server.health()["status"] == "ok"), (server.health(), server.output)
    edited = server.get("/feeds/all.ics")
    assert edited is not None
    assert b"SUMMARY:World Habitat Day (edited)" in edited[1]
    assert "Traceback" not in server.output


def test_a_template_that_does_not_compile_makes_health_degraded(server: ServerProcess) -> None:
    statement = server.templates / "statement.md.j2"
    good = statement.read_text(encoding="utf-8")
    statement.write_text(good + "\n{% if %}\n", encoding="utf-8")
    assert wait_for(lambda: "statement.md.j2" in problems(server)), server.health()
    assert server.health()["status"] == "degraded"

    statement.write_text(good, encoding="utf-8")
    assert wait_for(lambda: server.health()["status"] == "ok"), server.health()


def test_a_loader_that_fails_unexpectedly_does_not_end_reloading(tmp_path: Path) -> None:
    """A bug in a loader (here a RecursionError) is a failed reload like any other: it is
    reported, and the next edit is loaded."""
    watched = tmp_path / "value.txt"
    watched.write_text("1", encoding="utf-8")

    def load(generation: int) -> int:
        text = watched.read_text(encoding="utf-8")
        if text == "boom":
            raise RecursionError("maximum recursion depth exceeded")
        return int(text)

    live = Live((watched,), load, now=lambda: dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    watched.write_text("boom", encoding="utf-8")
    assert live.refresh() is False
    assert [p.message for p in live.problems] == [
        "unexpected error while loading: RecursionError: maximum recursion depth exceeded"
    ]
    assert live.current() == 1
    watched.write_text("22", encoding="utf-8")
    assert live.refresh() is True
    assert (live.current(), live.problems) == (22, ())

"""`observances feed`: the window, the filters and the output file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from icalendar import Calendar
from starlette.testclient import TestClient
from web_support import workspace

from observances import wiring
from observances.cli import cli
from observances.settings import Settings

SMALL = str(Path(__file__).resolve().parent / "data" / "registries" / "feed-small.yaml")
GOLDEN = Path(__file__).resolve().parent / "golden" / "feed-small.ics"


def run(*args: str) -> bytes:
    result = CliRunner().invoke(cli, ["feed", "--registry", SMALL, *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def starts(feed: bytes) -> list[dt.date]:
    return [e.decoded("DTSTART") for e in Calendar.from_ical(feed).walk("VEVENT")]


@time_machine.travel(dt.datetime(2018, 7, 1, 12, tzinfo=dt.UTC), tick=False)
def test_default_window_is_the_feeds_own() -> None:
    # `all` keeps to this year and the next (feed_windows), a tag's feed to the default window
    # of one year back and two on: both as the server serves them
    found = starts(run())
    assert (min(found).year, max(found).year) == (2018, 2019)
    tagged = starts(run("--tag", "human-rights"))
    assert (min(tagged).year, max(tagged).year) == (2017, 2020)


def test_years_and_filters() -> None:
    feed = run("--from", "2018-01-01", "--to", "2018-12-31", "--tag", "human-rights")
    cal = Calendar.from_ical(feed)
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {
        "rwanda-genocide-reflection-2018@observances",
        "persons-with-disabilities-2018@observances",
    }
    assert starts(
        run("--from", "2019-01-01", "--to", "2019-12-31", "--id", "world-habitat-day")
    ) == [dt.date(2019, 10, 7)]


def test_marked_uses_the_profile(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "name: Test Org\nshort_name: TO\nmarks:\n  ids: [world-habitat-day]\n", encoding="utf-8"
    )
    feed = run("--from", "2019-01-01", "--to", "2019-12-31", "--marked", "--profile", str(profile))
    assert starts(feed) == [dt.date(2019, 10, 7)]
    assert b"X-WR-CALNAME:Observances TO marks" in feed


@time_machine.travel(dt.datetime(2018, 6, 15, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("args", "name"),
    [((), "all"), (("--marked",), "marked"), (("--tag", "human-rights"), "human-rights")],
)
def test_the_file_has_the_bytes_the_server_serves(
    tmp_path: Path, args: tuple[str, ...], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, profile = workspace(tmp_path)
    # the events' stamps live in the data directory: the test's own, not the checkout's
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(tmp_path / "data"))
    written = run(*args, "--registry", str(registry), "--profile", str(profile))
    settings = Settings(registry=registry, profile=profile, data_dir=tmp_path / "data")
    app = wiring.web_app(settings, wiring.live_files(settings), poll_seconds=0)
    with TestClient(app) as client:
        served = client.get(f"/feeds/{name}.ics")
    assert served.status_code == 200
    assert written == served.content


def test_other_filters_make_a_feed_titled_after_them() -> None:
    feed = run(
        "--from",
        "2018-01-01",
        "--to",
        "2018-12-31",
        "--tag",
        "human-rights",
        "--id",
        "world-habitat-day",
    )
    calendar = Calendar.from_ical(feed)
    # named after the filter, in words: the theme's name and the observance's
    assert calendar.calendar_name == "UN observances: human rights + World Habitat Day"
    assert calendar.description == "United Nations observances: human rights + World Habitat Day."


def test_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "feed.ics"
    run("--from", "2017-01-01", "--to", "2019-12-31", "-o", str(out))
    assert len(starts(out.read_bytes())) == 25


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2019-01-01", "--to", "2018-12-31"], "before --from"),
        (["--tag", "nope"], "unknown tag"),
    ],
)
def test_bad_input_exits_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from observances.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["feed", "--registry", SMALL, *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_upcoming_does_not_import_the_calendar_or_web_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from observances.cli import main\n"
        "try: main(['upcoming', '--from', '2019-01-01', '--days', '3'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('icalendar', 'starlette', 'uvicorn') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=GOLDEN.parents[2],
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"

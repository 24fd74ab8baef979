"""`observances publish DIR`: the public site as static files, byte-identical for the same
inputs, served by a real nginx with deploy/nginx.conf as the live app serves it."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import recurring_ical_events
from conftest import run_cli
from icalendar import Calendar
from starlette.testclient import TestClient

from observances import wiring
from observances.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-29T10:00:00+00:00"


def tree(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    monkeypatch.setenv("OBSERVANCES_FAKE_NOW", NOW)
    monkeypatch.chdir(ROOT)  # the repository's registry and profile, as `make run` uses them
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = tmp_path / "site"
    code, out, err = run_cli(capsys, "publish", str(site), "--base-url", base)
    assert (code, err) == (0, "")
    assert out.endswith(f"files in {site}\n")
    return site, base


def test_two_runs_give_the_same_bytes(
    exported: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, base = exported
    again = tmp_path / "again"
    assert run_cli(capsys, "publish", str(again), "--base-url", base)[0] == 0
    first = tree(site)
    assert first == tree(again)
    assert "index.html" in first
    assert "observances/human-rights-day/index.html" in first
    assert {"data/observances.json", "data/observances.csv", "feeds/all.ics"} <= set(first)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "/login" not in index  # the export links to no workspace
    assert f"{base}/feeds/all.ics" in index


@pytest.fixture
def nginx(exported: tuple[Path, str], tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """deploy/nginx.conf's server block, with the export as root and the test's port."""
    site, base = exported
    executable = shutil.which("nginx")
    assert executable, "nginx is missing: apt-get install nginx (see .ci/run)"
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{base.rsplit(':', 1)[1]};")
    server = server.replace("root /srv/observances/site;", f"root {site};")
    run = tmp_path / "nginx"
    run.mkdir()
    config = run / "nginx.conf"
    config.write_text(
        f"daemon off;\nuser root;\npid {run}/nginx.pid;\nerror_log {run}/error.log;\n"
        f"events {{}}\nhttp {{\naccess_log off;\nclient_body_temp_path {run};\n"
        f"proxy_temp_path {run};\nfastcgi_temp_path {run};\nuwsgi_temp_path {run};\n"
        f"scgi_temp_path {run};\ngzip on;\ngzip_types *;\ngzip_min_length 1;\n{server}\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([executable, "-p", str(run), "-c", str(config)])
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield site, base
    finally:
        proc.terminate()
        proc.wait(10)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_nginx_serves_the_export_as_the_app_does(nginx: tuple[Path, str], tmp_path: Path) -> None:
    site, base = nginx
    code, headers, body = get(base + "/feeds/all.ics", {"accept-encoding": "gzip"})
    assert code == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-encoding" not in headers  # never compressed, even when asked
    # the same events as the live app on the same day
    settings = Settings(
        registry=ROOT / "observances.yaml",
        profile=ROOT / "profiles" / "aipr.yaml",
        data_dir=tmp_path / "data",
    )
    now = dt.datetime.fromisoformat(NOW)
    app = wiring.web_app(settings, wiring.live_files(settings, lambda: now), now=lambda: now)
    with TestClient(app, base_url=base) as client:
        live = client.get("/feeds/all.ics").content
    window = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))

    def events(ics: bytes) -> list[tuple[str, str, str]]:
        found = recurring_ical_events.of(Calendar.from_ical(ics)).between(*window)
        return sorted((str(e["UID"]), str(e["DTSTART"].dt), str(e["SUMMARY"])) for e in found)

    # the same events (DTSTAMP differs: the app stamps when it first served a version)
    assert events(body) == events(live)
    assert len(events(body)) > 300

    code, headers, body = get(base + "/observances/human-rights-day")
    assert code == 200
    assert headers["content-type"].startswith("text/html")
    assert b"<h1>Human Rights Day</h1>" in body
    code, headers, body = get(base + "/assets/site.css", {"accept-encoding": "gzip"})
    assert headers["content-type"].startswith("text/css")
    if headers.get("content-encoding") == "gzip":  # pages may be compressed; feeds not
        body = gzip.decompress(body)
    assert body == (site / "assets" / "site.css").read_bytes()
    code, headers, _ = get(base + "/data/observances.csv")
    assert headers["content-type"] == "text/csv; charset=utf-8"

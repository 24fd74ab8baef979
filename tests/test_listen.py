"""`serve` and `run` as real processes: the address is printed once something listens on
it, and a port in use is a runtime failure (exit 1) that names the port and the way out."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVANCES_")}
    env["OBSERVANCES_CACHE_DIR"] = str(tmp_path / "cache")
    env["OBSERVANCES_DATA_DIR"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    return env


@pytest.mark.parametrize("command", ["serve", "run"])
def test_a_port_in_use_is_exit_1_naming_the_port(tmp_path: Path, command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "observances", command, "--port", str(port)],
            capture_output=True,
            text=True,
            env=_env(tmp_path),
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1, done.stderr
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr
    assert "--port N" in done.stderr
    assert "Serving" not in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_announces_the_address_once_it_answers(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "observances", "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "Serving the feeds at" not in line:
            line = process.stderr.readline()
        assert line.strip() == f"Serving the feeds at http://127.0.0.1:{port}/"
        # at the moment of the announcement the server answers: no retry loop here
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
            assert reply.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

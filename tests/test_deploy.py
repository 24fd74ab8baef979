"""The deployment files: the systemd unit passes `systemd-analyze verify` and keeps a low
exposure score, its settings are the ones the program reads, and `make run` takes HOST and
PORT. systemd is a test dependency (.ci/run installs it), so nothing here skips."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "observances.service"
INSTALLED = "/opt/observances/bin/observances"


def _unit_here(tmp_path: Path, text: str | None = None) -> Path:
    """The unit with its ExecStart pointed at this checkout's command: `verify` checks that
    the program exists and is executable."""
    command = Path(sys.executable).parent / "observances"
    unit = tmp_path / "observances.service"
    unit.write_text((text or UNIT.read_text()).replace(INSTALLED, str(command)), "utf-8")
    return unit


def test_the_unit_verifies_without_a_warning(tmp_path: Path) -> None:
    done = subprocess.run(
        ["systemd-analyze", "verify", str(_unit_here(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "")


def test_verify_catches_a_misspelled_directive(tmp_path: Path) -> None:
    """The check above can fail: a typo in a hardening option is a warning we would see."""
    bad = UNIT.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(_unit_here(tmp_path, bad))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Unknown key 'ProtectSystm'" in done.stderr


def test_the_unit_is_hardened(tmp_path: Path) -> None:
    text = UNIT.read_text()
    for directive in (
        "DynamicUser=yes",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "StateDirectory=observances",
        "CapabilityBoundingSet=\n",
    ):
        assert directive in text
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(_unit_here(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Overall exposure level for observances.service: ([0-9.]+)", done.stdout)
    assert found, done.stdout + done.stderr
    assert float(found.group(1)) <= 2.0  # systemd calls up to 2.0 "OK"; the default is 9.6


def test_the_units_settings_are_the_ones_the_program_reads(tmp_path: Path) -> None:
    """Environment= lines name real settings, and `--config` in ExecStart reads a file
    written by `observances init`."""
    text = UNIT.read_text()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVANCES_")}
    env.update(re.findall(r"^Environment=(OBSERVANCES_[A-Z_]+)=(.*)$", text, re.MULTILINE))
    env["OBSERVANCES_CACHE_DIR"] = str(tmp_path / "cache")  # the unit's is not writable here
    exec_start = re.search(r"^ExecStart=(.*)$", text, re.MULTILINE)
    assert exec_start
    args = exec_start.group(1).split()
    assert args[:3] == [INSTALLED, "--config", "/etc/observances/observances.toml"]
    assert args[3:] == ["run"]
    command = [sys.executable, "-m", "observances"]
    subprocess.run([*command, "init", str(tmp_path / "etc")], check=True, capture_output=True)
    done = subprocess.run(
        [*command, "--config", str(tmp_path / "etc" / "observances.toml"), "config", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    settings = {row["setting"]: row for row in json.loads(done.stdout)["settings"]}
    assert settings["data_dir"]["value"] == "/var/lib/observances"
    assert settings["data_dir"]["source"] == "environment OBSERVANCES_DATA_DIR"


def test_make_run_takes_host_and_port(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVANCES_")}
    env["OBSERVANCES_DATA_DIR"] = str(tmp_path / "data")  # not the checkout's data/
    env["OBSERVANCES_CACHE_DIR"] = str(tmp_path / "cache")
    env["VENV"] = str(Path(sys.executable).parent.parent)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make and its child stop together
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 90
        lines = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Serving the feeds and sending drafts at" in line or not line:
                break
        assert f"at http://127.0.0.1:{port}/" in lines[-1], "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
            assert reply.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)

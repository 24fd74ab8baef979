"""Three `observances run` processes on one real PostgreSQL database and one real SMTP server
that counts each accepted DATA by draft key: a burst of 300 due drafts, `kill -9` of sending
instances over and over (the elected planner among them), each restarted at once. Every key
must arrive; a key may arrive twice only inside the documented window (a process killed
between the server's acceptance and the row's update), so at most once per kill. The test
prints the figures (`pytest -s` shows them)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from service_kit import free_port, smtp_server

from observances.delivery.outbox import Outbox, Status

ROOT = Path(__file__).resolve().parent.parent
NOW = "2027-09-05T09:00:30+00:00"
STATUS_TOKEN = "multi-instance-status-token"
OBSERVANCES = 300  # one lead time each: 300 drafts, all due at NOW (catch-ups: the date is
# ahead). One lead per day, since several leads of one day due together send only the nearest.


def burst_registry(count: int) -> str:
    entries = "".join(
        f"""  - id: burst-{n:03d}
    name: Burst Test Day {n:03d}
    kind: day
    body: General Assembly
    tags: [burst]
    first_year: {{basis: stated, sources: ["https://undocs.org/A/RES/{n + 1}"]}}
    citations:
      - symbol: A/RES/{n + 1}
    dates:
      - since: 2020
        rule: {{date: "09-12"}}
        cite: A/RES/{n + 1}
"""
        for n in range(count)
    )
    return f"revision: 2026-11-28\ntags:\n  burst: burst\nobservances:\n{entries}"


PROFILE = """\
name: Test Institute
short_name: AIPR
marks:
  tags: [burst]
lead_days:
  default: [7]
"""


class Instance:
    def __init__(self, env: dict[str, str], log: Path, port: int) -> None:
        self.port = port
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "observances", "run"],
            env={**env, "OBSERVANCES_PORT": str(port)},
            cwd=log.parent,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def is_planner(self) -> bool:
        """What the instance's /status says: whether it holds the planner's advisory lock."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/status",
            headers={"Authorization": f"Bearer {STATUS_TOKEN}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                return json.load(r)["service"]["planner"] is True
        except (OSError, KeyError, ValueError):
            return False

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._out.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._out.close()
        return self.proc.returncode


class Fleet:
    """Three instances, each with its own data directory (its file lock), one database."""

    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.env = env
        self.tmp = tmp_path
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.starts = 0
        self.slots = [self.start(slot) for slot in range(3)]

    def start(self, slot: int) -> Instance:
        self.starts += 1
        return Instance(
            {**self.env, "OBSERVANCES_DATA_DIR": str(self.tmp / f"data-{slot}")},
            self.logs / f"instance-{slot}-{self.starts}.log",
            free_port(),
        )

    def planner(self) -> int | None:
        return next((i for i, s in enumerate(self.slots) if s.is_planner()), None)

    def kill_and_restart(self, slot: int) -> None:
        self.slots[slot].kill()
        self.slots[slot] = self.start(slot)

    def stop(self) -> None:
        for instance in self.slots:
            instance.stop()

    def log_tails(self) -> str:
        return "".join(p.read_text(errors="replace")[-2000:] for p in self.logs.iterdir())


def environment(tmp_path: Path, pg_url: str, smtp_port: int) -> dict[str, str]:
    (tmp_path / "registry.yaml").write_text(burst_registry(OBSERVANCES), encoding="utf-8")
    (tmp_path / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    return {
        **os.environ,
        "OBSERVANCES_DATABASE_URL": pg_url,
        "OBSERVANCES_REGISTRY": str(tmp_path / "registry.yaml"),
        "OBSERVANCES_PROFILE": str(tmp_path / "profile.yaml"),
        "OBSERVANCES_TEMPLATES_DIR": str(ROOT / "templates"),
        "OBSERVANCES_SMTP_HOST": "127.0.0.1",
        "OBSERVANCES_SMTP_PORT": str(smtp_port),
        "OBSERVANCES_SMTP_SECURITY": "none",
        "OBSERVANCES_SMTP_TIMEOUT": "2",
        "OBSERVANCES_TICK_SECONDS": "1",
        "OBSERVANCES_MAIL_FROM": "drafts@example.org",
        "OBSERVANCES_MAIL_TO": "comms@example.org",
        "OBSERVANCES_FAKE_NOW": NOW,
        # 300 days a year: a window of this year and the next keeps each feed in its budget
        "OBSERVANCES_FEED_YEARS_BACK": "0",
        "OBSERVANCES_FEED_YEARS_AHEAD": "1",
        "OBSERVANCES_STATUS_TOKEN": STATUS_TOKEN,  # /status answers scripts that carry it
    }


def test_three_instances_killed_over_and_over_send_every_key_effectively_once(
    tmp_path: Path, pg_url: str
) -> None:
    with smtp_server() as sink:
        env = environment(tmp_path, pg_url, sink.port)
        upgraded = subprocess.run(
            [sys.executable, "-m", "observances", "db", "upgrade"],
            env={**env, "OBSERVANCES_DATA_DIR": str(tmp_path / "admin")},
            capture_output=True,
            text=True,
            check=False,
        )
        assert upgraded.returncode == 0, upgraded.stderr

        outbox = Outbox(pg_url)

        def sent() -> int:
            try:
                return outbox.counts()[Status.SENT]
            except Exception:  # the tables may not be there yet
                return 0

        rng = random.Random(13)  # noqa: S311 (which instance to kill, not a secret)
        kills = planner_kills = 0
        began = time.monotonic()
        fleet = Fleet(env, tmp_path)
        try:
            # kill -9 one instance every ~0.5 s while the burst goes out (the planner first),
            # and restart it at once, as a supervisor would
            while sent() < OBSERVANCES and time.monotonic() - began < 90:
                time.sleep(0.5)
                if sent() < 20 or kills >= 15:
                    continue
                planner = fleet.planner() if planner_kills < 2 else None
                victim = planner if planner is not None else rng.randrange(3)
                planner_kills += victim == planner
                fleet.kill_and_restart(victim)
                kills += 1
            deadline = time.monotonic() + 60
            while sent() < OBSERVANCES and time.monotonic() < deadline:
                time.sleep(0.5)
            elapsed = time.monotonic() - began
            time.sleep(2)  # anything still in flight lands in the count
            counts = Counter(str(r.message["X-Observance-Key"]) for r in sink.accepted)
            statuses = outbox.counts()
        finally:
            outbox.close()
            fleet.stop()

    repeats = sum(n - 1 for n in counts.values() if n > 1)
    print(
        f"\nmulti-instance: {len(counts)} keys delivered of {OBSERVANCES}, "
        f"{sum(counts.values())} DATA accepted, {repeats} repeat(s) "
        f"over {kills} kill -9 ({planner_kills} of the planner), {elapsed:.1f} s"
    )
    assert statuses[Status.SENT] == OBSERVANCES, (statuses, fleet.log_tails())
    assert len(counts) == OBSERVANCES
    assert kills >= 5, "the burst ended before the kills could begin"
    assert planner_kills >= 1
    # the documented window: at most one repeat per kill, with the same Message-ID
    assert repeats <= kills, counts.most_common(5)
    assert max(counts.values()) <= 2

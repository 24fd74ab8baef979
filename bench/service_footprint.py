"""Service footprint: idle RSS and CPU, time for a due send to leave, planning speed.

Run: .venv/bin/python bench/service_footprint.py   (prints figures; nothing is recorded)

Targets (issue 6): idle RSS <= 100 MB and about no CPU; a due send leaves within one tick;
planning 10,000 observances for a year with three lead times <= 2 s (median of 5 runs).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from service_kit import PROFILE_YAML, REGISTRY_YAML, free_port, smtp_server  # noqa: E402

from observances.delivery.planner import plan  # noqa: E402
from observances.occurrences import occurrences  # noqa: E402
from observances.profile import LeadTimes, Marks, Profile  # noqa: E402
from observances.registry.models import Citation, DateSpan, Kind, Observance, Registry  # noqa: E402
from observances.registry.rules import FixedDate, MonthDay  # noqa: E402

TICK = 2


def proc_stat(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds used) from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return rss_kb / 1024, ticks / os.sysconf("SC_CLK_TCK")


def service_figures() -> None:
    with tempfile.TemporaryDirectory() as tmp, smtp_server() as server:
        base = Path(tmp)
        (base / "registry.yaml").write_text(REGISTRY_YAML)
        (base / "profile.yaml").write_text(PROFILE_YAML.replace("[21, 7, 1]", "[7]"))
        fake_now = "2027-09-05T08:59:57+00:00"  # the 7-day draft falls due 3 s after start
        env = {
            **os.environ,
            "OBSERVANCES_REGISTRY": str(base / "registry.yaml"),
            "OBSERVANCES_PROFILE": str(base / "profile.yaml"),
            "OBSERVANCES_DATA_DIR": str(base / "data"),
            "OBSERVANCES_CACHE_DIR": str(base / "cache"),
            "OBSERVANCES_SMTP_HOST": "127.0.0.1",
            "OBSERVANCES_SMTP_PORT": str(server.port),
            "OBSERVANCES_SMTP_SECURITY": "none",
            "OBSERVANCES_TICK_SECONDS": str(TICK),
            "OBSERVANCES_FAKE_NOW": fake_now,
            "OBSERVANCES_TEMPLATES_DIR": str(ROOT / "templates"),
            "OBSERVANCES_PORT": str(free_port()),
        }
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "observances", "run"],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while not server.accepted and time.monotonic() - started < 30:
                time.sleep(0.02)
            left = time.monotonic() - started
            # the process starts 3 s before the send time (imports included)
            print(f"due send: left {left - 3:.2f} s after its send time (tick {TICK} s)")
            time.sleep(2)
            _, cpu0 = proc_stat(proc.pid)
            time.sleep(20)
            rss1, cpu1 = proc_stat(proc.pid)
            print(f"idle RSS: {rss1:.1f} MB (target <= 100)")
            print(f"idle CPU over 20 s: {cpu1 - cpu0:.2f} s ({(cpu1 - cpu0) / 20:.1%} of a core)")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)


def synthetic_registry(count: int) -> Registry:
    citation = Citation("A/RES/0")
    observances = tuple(
        Observance(
            id=f"day-{i}",
            name=f"Synthetic Day {i}",
            kind=Kind.DAY,
            body="General Assembly",
            citations=(citation,),
            dates=(
                DateSpan(
                    since=2000,
                    rule=FixedDate(MonthDay(1 + i % 12, 1 + i % 28)),
                    cite="A/RES/0",
                ),
            ),
            tags=("synthetic",),
        )
        for i in range(count)
    )
    return Registry(dt.date(2026, 11, 28), {"synthetic": "synthetic"}, observances)


def planning_figures() -> None:
    registry = synthetic_registry(10_000)
    profile = Profile(
        name="Bench",
        short_name="B",
        marks=Marks(tags=("synthetic",)),
        lead_days=LeadTimes(default=(21, 7, 1)),
    )
    times = []
    for _ in range(5):
        start = time.perf_counter()
        sends = plan(
            registry,
            profile,
            zone=dt.UTC,
            send_time=dt.time(9, 0),
            first_day=dt.date(2027, 1, 1),
            last_day=dt.date(2027, 12, 31),
        )
        times.append(time.perf_counter() - start)
    assert len(sends) == 30_000, len(sends)
    occ = len(occurrences(registry.observances, dt.date(2027, 1, 1), dt.date(2027, 12, 31)))
    print(
        f"plan 10,000 observances x 1 year x 3 lead times: {len(sends)} sends "
        f"({occ} occurrences), median {statistics.median(times):.2f} s of 5 (target <= 2)"
    )


if __name__ == "__main__":
    planning_figures()
    service_figures()

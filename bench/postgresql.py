"""The outbox on PostgreSQL: planning 10,000 observances x 1 year x 3 lead times into it, and
sends per second through a local SMTP sink with one and with three `observances run` processes.

Run: .venv/bin/python bench/postgresql.py   (needs Debian's postgresql server; prints figures)

Targets (issue 13): the planning pass (plan + outbox sync) <= 2 s; sends/s are reported.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from pg_kit import Cluster  # noqa: E402
from service_footprint import synthetic_registry  # noqa: E402
from service_kit import free_port, smtp_server  # noqa: E402
from test_multi_instance import PROFILE, burst_registry  # noqa: E402

from observances.delivery.outbox import Outbox, Status  # noqa: E402
from observances.delivery.planner import plan  # noqa: E402
from observances.profile import LeadTimes, Marks, Profile  # noqa: E402

NOW = "2027-09-05T09:00:30+00:00"


def planning_figures(cluster: Cluster) -> None:
    registry = synthetic_registry(10_000)
    profile = Profile(
        name="Bench", short_name="B", marks=Marks(tags=("synthetic",)),
        lead_days=LeadTimes(default=(21, 7, 1)),
    )  # fmt: skip
    first: list[float] = []
    again: list[float] = []
    for _ in range(3):
        outbox = Outbox(cluster.new_database())
        outbox.create()
        now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        for times in (first, again):  # a new outbox, then the same plan again (every tick)
            start = time.perf_counter()
            sends = plan(
                registry, profile, zone=dt.UTC, send_time=dt.time(9, 0),
                first_day=dt.date(2027, 1, 1), last_day=dt.date(2027, 12, 31),
            )  # fmt: skip
            outbox.sync(sends, dt.date(2027, 1, 1), now)
            times.append(time.perf_counter() - start)
        assert outbox.counts()[Status.PENDING] == 30_000
        outbox.close()
    print(
        "plan + sync 10,000 observances x 1 year x 3 lead times into PostgreSQL "
        f"(30,000 rows): new outbox median {statistics.median(first):.2f} s, "
        f"unchanged plan median {statistics.median(again):.2f} s (of 3; target <= 2)"
    )


def send_figures(cluster: Cluster, instances: int, drafts_per_lead: int = 100) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="observances-bench-"))
    (tmp / "registry.yaml").write_text(burst_registry(drafts_per_lead), encoding="utf-8")
    (tmp / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    url = cluster.new_database()
    total = 3 * drafts_per_lead
    with smtp_server() as sink:
        env = {
            **os.environ,
            "OBSERVANCES_DATABASE_URL": url,
            "OBSERVANCES_REGISTRY": str(tmp / "registry.yaml"),
            "OBSERVANCES_PROFILE": str(tmp / "profile.yaml"),
            "OBSERVANCES_TEMPLATES_DIR": str(ROOT / "templates"),
            "OBSERVANCES_SMTP_HOST": "127.0.0.1",
            "OBSERVANCES_SMTP_PORT": str(sink.port),
            "OBSERVANCES_SMTP_SECURITY": "none",
            "OBSERVANCES_TICK_SECONDS": "1",
            "OBSERVANCES_MAIL_FROM": "drafts@example.org",
            "OBSERVANCES_MAIL_TO": "comms@example.org",
            "OBSERVANCES_FAKE_NOW": NOW,
        }
        subprocess.run(
            [sys.executable, "-m", "observances", "db", "upgrade"],
            env={**env, "OBSERVANCES_DATA_DIR": str(tmp / "admin")},
            check=True,
            capture_output=True,
        )
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "observances", "run"],
                env={
                    **env,
                    "OBSERVANCES_DATA_DIR": str(tmp / f"d{i}"),
                    "OBSERVANCES_PORT": str(free_port()),
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for i in range(instances)
        ]
        try:
            while not sink.accepted:  # timing starts at the first send: start-up not counted
                time.sleep(0.01)
            start = time.perf_counter()
            while len(sink.accepted) < total:
                time.sleep(0.05)
            elapsed = time.perf_counter() - start
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(30)
    keys = {str(r.message["X-Observance-Key"]) for r in sink.accepted}
    print(
        f"{instances} instance(s): {total} drafts in {elapsed:.1f} s, "
        f"{(total - 1) / elapsed:.1f} sends/s ({len(keys)} distinct keys, "
        f"{len(sink.accepted)} accepted)"
    )


if __name__ == "__main__":
    pg = Cluster()
    pg.start()
    try:
        planning_figures(pg)
        send_figures(pg, 1)
        send_figures(pg, 3)
    finally:
        pg.remove()

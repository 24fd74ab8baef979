"""How long the web pages take per request, in process, on the full registry (targets: index
and observance page 20 ms median, desk 50 ms).

    .venv/bin/python bench/web_pages.py [RUNS]

Requests go through Starlette's TestClient (routing, the session cookie, the whole ASGI
path), not over a socket. Each page is measured two ways: *warm*, the same URL again (the
public pages are cached per registry version and day), and *cold*, a URL the cache has not
seen (a filter on the index, a different observance each time), which renders the template.
The desk is rendered for a signed-in user over a real SQLite outbox holding one tick's plan;
it is never cached. Wall and CPU time are printed; the target is checked on CPU time (this
process, every thread), which other processes on a shared machine do not inflate. Exits 1
when a median misses its target. Results go to stdout only.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from desk_support import PASSWORD, USER, make_desk  # the tests. own desk

TARGETS_MS = {"index": 20.0, "observance": 20.0, "desk": 50.0}


def median_ms(runs: int, request: Callable[[int], int]) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (every thread: the TestClient
    runs the app in a thread of its own) per request, in ms."""
    wall, cpu = [], []
    for i in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        status = request(i)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert status == 200, status
    return statistics.median(wall), statistics.median(cpu)


def main(runs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        desk = make_desk(Path(tmp))
        service = desk.service()
        service.outbox.create()
        service.tick()  # the outbox holds a real plan
        ids = [obs.id for obs in desk.live.current().registry.observances]
        with TestClient(desk.app) as client:
            page = client.get("/login").text
            token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            form = {"csrf": token, "username": USER, "password": PASSWORD}
            assert client.post("/login", data=form, follow_redirects=False).status_code == 303
            signed_in = client.cookies.get("obs_session")
            client.cookies.clear()
            results = {
                "index (warm)": median_ms(runs, lambda _: client.get("/").status_code),
                "index (cold: a filter)": median_ms(
                    runs, lambda i: client.get(f"/?q=day{i}").status_code
                ),
                "observance (warm)": median_ms(
                    runs, lambda _: client.get("/observances/human-rights-day").status_code
                ),
                "observance (cold)": median_ms(
                    min(runs, len(ids)),
                    lambda i: client.get(f"/observances/{ids[i]}").status_code,
                ),
            }
            client.cookies.set("obs_session", signed_in or "")
            results["desk"] = median_ms(runs, lambda _: client.get("/desk").status_code)
    failed = False
    load = os.getloadavg()[0]
    print(f"median of {runs} requests, in process (TestClient), full registry; load {load:.1f}")
    print(f"  {'page':<24} {'wall':>8} {'CPU':>8}   target")
    for name, (wall, cpu) in results.items():
        target = TARGETS_MS[name.split(" ")[0]]
        # the target is met on CPU time: on a shared machine, wall time also measures the
        # neighbours (both are printed)
        ok = cpu <= target
        failed |= not ok
        verdict = "ok" if ok else "MISSED"
        print(f"  {name:<24} {wall:6.2f} ms {cpu:6.2f} ms   {target:.0f} ms {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))

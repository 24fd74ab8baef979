"""Registry benchmarks (issue 2). Run with `make bench`; figures are medians.

1. `observances upcoming --days 60 --json` on the full registry as a fresh process, against
   `python -c pass` measured in the same run (target: median at most 150 ms), with the
   validated-registry cache warm, and cold (`OBSERVANCES_CACHE_DIR=` switches it off).
2. A synthetic registry of 10,000 observances: load, validate and list a year, in-process and
   without the cache (target: at most 2 s).
3. Parsing that registry's YAML: yaml-rs (the fast path) against PyYAML's C loader
   (`CSafeLoader`), the one parser we would keep without yaml-rs.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import synthetic_registry  # noqa: E402

from observances.occurrences import occurrences  # noqa: E402
from observances.registry import loads  # noqa: E402


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(args: list[str], env: dict[str, str]) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(args, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)

    return run


def main() -> None:
    runs = int(os.environ.get("BENCH_RUNS", "21"))
    cache = tempfile.mkdtemp()
    warm = {**os.environ, "OBSERVANCES_CACHE_DIR": cache}
    cold = {**os.environ, "OBSERVANCES_CACHE_DIR": ""}
    command = [sys.executable, "-m", "observances", "upcoming", "--days", "60", "--json"]
    process(command, warm)()  # fill the cache
    baseline = median_seconds(process([sys.executable, "-c", "pass"], warm), runs)
    warm_time = median_seconds(process(command, warm), runs)
    cold_time = median_seconds(process(command, cold), max(5, runs // 3))
    print(f"python -c pass:                      {baseline * 1000:7.1f} ms (baseline)")
    print(
        f"upcoming --days 60 --json, cached:   {warm_time * 1000:7.1f} ms "
        f"({warm_time / baseline:.1f}x baseline; target 150 ms)"
    )
    print(
        f"upcoming --days 60 --json, no cache: {cold_time * 1000:7.1f} ms "
        f"({cold_time / baseline:.1f}x baseline)"
    )

    text = synthetic_registry(10_000)

    def load_and_list() -> object:
        registry = loads(text)
        return occurrences(registry.observances, dt.date(2027, 1, 1), dt.date(2027, 12, 31))

    found = load_and_list()
    assert isinstance(found, list)
    large = median_seconds(load_and_list, 5)
    print(
        f"10,000 observances: load, validate, list a year ({len(found)} occurrences): "
        f"{large * 1000:7.1f} ms (target 2000 ms)"
    )

    import yaml
    import yaml_rs

    rust = median_seconds(lambda: yaml_rs.loads(text), 5)
    libyaml = median_seconds(lambda: yaml.load(text, Loader=yaml.CSafeLoader), 3)
    print(f"parse only, yaml-rs:                 {rust * 1000:7.1f} ms")
    print(
        f"parse only, PyYAML CSafeLoader:      {libyaml * 1000:7.1f} ms "
        f"({libyaml / rust:.1f}x yaml-rs; alone it exceeds the 2000 ms budget: "
        f"{'yes' if libyaml > 2 else 'no'})"
    )


if __name__ == "__main__":
    main()

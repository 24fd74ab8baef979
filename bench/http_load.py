"""Cached GET throughput of the feed server against http.server and nginx serving the same bytes.

    .venv/bin/python bench/http_load.py [ROUNDS]

Starts, on 127.0.0.1 only: `observances serve` (one uvicorn worker) over a full-size registry
(~270 observances), `python -m http.server` and nginx (one worker process) serving the same
feed bytes from a file. Then wrk (Debian package `wrk`; apt-get install wrk nginx) loads each
in turn, `-t1 -c10 -d5s`, for ROUNDS interleaved rounds, and prints medians and ratios, plus
conditional GETs answered 304. Targets: >= 1,000 req/s, and at least as fast as http.server.
Results go to stdout only. Every process started here is stopped by its own pid.
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


ROOT = Path(__file__).resolve().parent.parent
WRK = ["wrk", "-t1", "-c10", "-d5s"]
TARGET_RPS = 1000.0

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    types {{ text/calendar ics; }}
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body: bytes = response.read()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wrk(url: str, *headers: str) -> float:
    args = [*WRK, *(part for h in headers for part in ("-H", h)), url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match is None or errors is not None:
        raise RuntimeError(f"wrk failed on {url}:\n{out}")
    return float(match.group(1))


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is missing: apt-get install wrk nginx")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    work = Path(tempfile.mkdtemp(prefix="observances-bench-"))
    work.chmod(0o755)  # nginx's worker runs as an unprivileged user
    (work / "www").mkdir()
    registry = shutil.copy(ROOT / "observances.yaml", work / "observances.yaml")
    ports = {"observances": free_port(), "http.server": free_port(), "nginx": free_port()}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "observances", "serve", "--registry", str(registry),
                 "--profile", str(ROOT / "profiles" / "aipr.yaml"),
                 "--port", str(ports["observances"])],
                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={"PATH": "/usr/bin:/bin", "OBSERVANCES_CACHE_DIR": ""},
            )
        )  # fmt: skip
        ours = f"http://127.0.0.1:{ports['observances']}/feeds/all.ics"
        body = wait_for(ours)
        (work / "www" / "all.ics").write_bytes(body)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "http.server", str(ports["http.server"]),
                 "--bind", "127.0.0.1", "--directory", str(work / "www")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=work, port=ports["nginx"]), encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [nginx, "-c", str(conf), "-p", str(work)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        urls = {
            "observances": ours,
            "http.server": f"http://127.0.0.1:{ports['http.server']}/all.ics",
            "nginx": f"http://127.0.0.1:{ports['nginx']}/all.ics",
        }
        for url in urls.values():
            assert wait_for(url) == body, f"{url} serves other bytes"
        with urllib.request.urlopen(ours) as response:
            etag = response.headers["etag"]

        results: dict[str, list[float]] = {name: [] for name in [*urls, "observances 304"]}
        for _ in range(rounds):
            for name, url in urls.items():
                results[name].append(wrk(url))
            results["observances 304"].append(wrk(ours, f"If-None-Match: {etag}"))

        print(f"feed: {len(body) / 1024:.0f} KiB; wrk {' '.join(WRK[1:])}; {rounds} rounds")
        medians = {name: statistics.median(values) for name, values in results.items()}
        for name, values in results.items():
            runs = ", ".join(f"{v:.0f}" for v in values)
            print(f"  {name:16s} median {medians[name]:9.0f} req/s   ({runs})")
        ratio_hs = medians["observances"] / medians["http.server"]
        ratio_nginx = medians["observances"] / medians["nginx"]
        print(
            f"observances / http.server: {ratio_hs:.2f}x; observances / nginx: {ratio_nginx:.2f}x"
        )
        verdict = medians["observances"] >= TARGET_RPS and ratio_hs >= 1
        print(
            f"target >= {TARGET_RPS:.0f} req/s and >= http.server: {'met' if verdict else 'MISSED'}"
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

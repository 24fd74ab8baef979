"""`observances run` as a real process for the hostile-input tests: its own copies of the
registry, profile and templates to edit, its log in a file, and HTTP on a free port."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service_kit import free_port
from web_support import PROFILE, SMALL

ROOT = Path(__file__).resolve().parent.parent
NOW = "2018-06-15T08:00:00+00:00"  # the window of feed-small.yaml's observances
STATUS_TOKEN = "status-token-of-the-test-server"  # /status is not public: health() sends it


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class ServerProcess:
    """One `observances run` with files a test may edit; `stop()` sends SIGTERM."""

    def __init__(
        self,
        tmp: Path,
        env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        self.tmp = tmp
        self.registry = tmp / "observances.yaml"
        shutil.copyfile(SMALL, self.registry)
        self.profile = tmp / "profile.yaml"
        self.profile.write_text(PROFILE, encoding="utf-8")
        self.templates = tmp / "templates"
        shutil.copytree(ROOT / "templates", self.templates)
        self.port = free_port()
        self.log = tmp / "server.log"
        self._out = self.log.open("ab")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("OBSERVANCES_")},
            "OBSERVANCES_CONFIG": "",
            "OBSERVANCES_CACHE_DIR": "",
            "OBSERVANCES_REGISTRY": str(self.registry),
            "OBSERVANCES_PROFILE": str(self.profile),
            "OBSERVANCES_TEMPLATES_DIR": str(self.templates),
            "OBSERVANCES_DATA_DIR": str(tmp / "data"),
            "OBSERVANCES_TICK_SECONDS": "1",
            "OBSERVANCES_FAKE_NOW": NOW,
            "OBSERVANCES_PORT": str(self.port),
            "OBSERVANCES_STATUS_TOKEN": STATUS_TOKEN,
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "observances", "run"],
            env=self.env,
            cwd=tmp,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            preexec_fn=preexec,  # noqa: PLW1509 - only sets a resource limit, before exec
        )
        if not wait_for(lambda: self.get("/healthz") is not None or self.proc.poll() is not None):
            raise AssertionError(f"the server did not start:\n{self.output}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(
        self, path: str, timeout: float = 5.0, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes] | None:
        """Status and body, or None when the server does not answer."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return None

    def health(self) -> dict[str, Any]:
        """The health with its problems and checks: /status, with the status token (the
        public /healthz answers the status word only)."""
        answer = self.get("/status", headers={"authorization": f"Bearer {STATUS_TOKEN}"})
        assert answer is not None, self.output
        body: dict[str, Any] = json.loads(answer[1])
        return body

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

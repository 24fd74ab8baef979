"""uvicorn's server, with a hook that runs as soon as a stop signal arrives, and one that
runs once it listens (to print the address only when it answers)."""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

import uvicorn

log = logging.getLogger(__name__)


class Server(uvicorn.Server):
    """Calls `on_exit` when SIGTERM or SIGINT arrives, before the HTTP side has finished its
    requests: the service in the same process stops claiming drafts at once."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_exit: Callable[[], None] = lambda: None,
        announce: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(config)
        self._on_exit = on_exit
        self._announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._announce()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        log.info("%s received: finishing the send in flight", signal.Signals(sig).name)
        self._on_exit()
        super().handle_exit(sig, frame)

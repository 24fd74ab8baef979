"""The listening socket, bound before uvicorn starts, so that a port in use is a plain error
(exit 1, naming the port and how to choose another) instead of uvicorn's exit 3."""

from __future__ import annotations

import errno
import socket

from observances.errors import ObservancesError


class PortInUseError(ObservancesError):
    """Another process listens on the address: a runtime failure, exit 1."""


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on host:port; a port in use or an address not on this machine
    raises an error that says what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # a restart must not wait for the old connections' TIME_WAIT (uvicorn does the same)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is in use by another process; stop it, or choose "
                "another port with --port N (or OBSERVANCES_PORT, or port in observances.toml)"
            ) from None
        raise PortInUseError(
            f"cannot listen on {host}:{port}: {exc.strerror}; choose another address with "
            "--host (or OBSERVANCES_HOST)"
        ) from None
    return sock

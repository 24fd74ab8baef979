"""Sign-in for the team's workspace: accounts, a signed session cookie, CSRF tokens, and a
login that slows down after repeated failures.

- Accounts come from the settings: a user name and an argon2id hash made by
  `observances user add` (argon2-cffi). An unknown name costs the same hash as a known one,
  so timing does not tell which names exist.
- The session is a cookie holding `{sid, user, issued}` and an HMAC-SHA256 of it under the
  server's secret: HttpOnly, SameSite=Lax, Secure when the request came over https. Nothing
  is stored server-side; signing out replaces the cookie, and rotating the secret signs
  everybody out.
- CSRF: every form carries a token, an HMAC of the session's random `sid`; a POST whose token
  does not match is refused (403). Signing in starts a new `sid`, so a token seen before
  sign-in is useless after it.
- Throttle: after `free_failures` failed sign-ins for a user name or from one address within
  `window`, each further attempt waits, doubling up to `max_delay` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

COOKIE = "obs_session"
SESSION_SECONDS = 12 * 3600
MIN_SECRET_BYTES = 16
MAX_COOKIE = 1024  # a session cookie is about 150 characters
MAX_TRACKED = 10_000  # names and addresses with recent failures
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# a hash of a random password: an unknown user name is checked against it, for equal timing
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def is_password_hash(value: str) -> bool:
    return value.startswith("$argon2")


class Accounts:
    """User names and their argon2 hashes."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self._users = dict(users)

    def __bool__(self) -> bool:
        return bool(self._users)

    def check(self, name: str, password: str) -> bool:
        """Whether `password` is `name`'s; slow on purpose (argon2): call it off the loop."""
        stored = self._users.get(name)
        try:
            return _HASHER.verify(stored or _DUMMY, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True, slots=True)
class Session:
    sid: str
    user: str | None
    issued: int


class Sessions:
    """Signs and reads the session cookie; `clock` gives seconds since the epoch."""

    def __init__(
        self, secret: bytes, *, max_age: int = SESSION_SECONDS, clock: Callable[[], float]
    ) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError("the session secret must be at least 16 bytes")
        self._secret = secret
        self.max_age = max_age
        self._clock = clock

    def new(self, user: str | None = None) -> Session:
        return Session(secrets.token_urlsafe(18), user, int(self._clock()))

    def _mac(self, payload: bytes) -> str:
        digest = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def dump(self, session: Session) -> str:
        data = json.dumps({"s": session.sid, "u": session.user, "t": session.issued})
        payload = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
        return f"{payload}.{self._mac(payload.encode())}"

    def load(self, cookie: str | None) -> Session | None:
        """The session in a cookie; None when absent, forged, malformed or expired."""
        if not cookie or len(cookie) > MAX_COOKIE or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            session = Session(str(data["s"]), data["u"], int(data["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        if session.user is not None and not isinstance(session.user, str):
            return None
        age = self._clock() - session.issued
        if age < 0 or age > self.max_age:
            return None
        return session

    def csrf_token(self, session: Session) -> str:
        return self._mac(b"csrf:" + session.sid.encode())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(token, self.csrf_token(session))


@dataclass
class Throttle:
    """Failed sign-ins per user name and per client address, forgotten after `window` s."""

    free_failures: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    window: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.window]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def delay(self, *keys: str) -> float:
        """Seconds to wait before answering the next attempt for any of `keys`."""
        now = self.clock()
        with self._lock:
            count = max((len(self._recent(k, now)) for k in keys), default=0)
        extra = count - self.free_failures
        if extra < 0:
            return 0.0
        return float(min(self.max_delay, self.base_delay * 2**extra))

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > MAX_TRACKED:  # bounded: forget everybody rather than grow
                self._failures.clear()
            for key in keys:
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

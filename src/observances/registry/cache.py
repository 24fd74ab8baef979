"""The validated-registry cache: one pickle per registry file, so that read-only commands start
without importing YAML or pydantic.

A cached registry is used only when its key matches, and the key covers everything that decides
what `load` returns: the registry's bytes, the source of the code that parses, checks and shapes
it (this package and yamlsource.py), and the package version. Content, not modification times:
a checkout or an install can change the code and keep a file's time, or the reverse.

OBSERVANCES_CACHE_DIR moves the cache (default: $XDG_CACHE_HOME/observances); set to the empty
string, it turns caching off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

from observances import __version__
from observances.registry.models import Registry

_PACKAGE = Path(__file__).resolve().parent
SHAPING_CODE = (*sorted(_PACKAGE.glob("*.py")), _PACKAGE.parent / "yamlsource.py")
"""The modules whose source is in the key: they parse, check and define what is pickled."""


@functools.cache
def code_digest() -> bytes:
    """The package version and the source of the code that shapes a cached registry, read once
    per process: the key describes the code this process runs, even if a file is edited
    while it runs."""
    digest = hashlib.sha256(__version__.encode())
    for module in SHAPING_CODE:
        digest.update(f"\0{module.name}\0".encode())
        digest.update(module.read_bytes())
    return digest.digest()


def location(path: Path, data: bytes) -> tuple[Path | None, str]:
    """The cache file of the registry at `path` (None when caching is off), and the key that
    a registry of these bytes, read by this code, is stored under."""
    where = os.environ.get("OBSERVANCES_CACHE_DIR")
    if where == "":
        return None, ""
    root = Path(where) if where else _user_cache() / "observances"
    key = hashlib.sha256(code_digest() + hashlib.sha256(data).digest()).hexdigest()
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    return root / f"registry-{name}.pickle", key


def read(cache: Path, key: str) -> Registry | None:
    """The registry stored under `key`, or None: no cache yet, another key, or unreadable."""
    try:
        with cache.open("rb") as f:
            # our own file under the user's cache directory, written by `write` below
            stored_key, registry = pickle.load(f)  # noqa: S301
    except (
        OSError,
        ValueError,
        TypeError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
    ):
        return None  # no cache yet, or one written by other code: validate afresh
    return registry if stored_key == key and isinstance(registry, Registry) else None


def write(cache: Path, key: str, registry: Registry) -> None:
    """Store atomically (a reader never sees half a file); a read-only home only costs speed."""
    payload = pickle.dumps((key, registry), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        temporary.replace(cache)
    except OSError:
        pass


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")

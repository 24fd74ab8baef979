"""Read `observances.yaml` into a validated Registry, collecting every problem at once.

A registry that validated is cached (pickled, keyed by the file's bytes and this package's
code), so that read-only commands start without importing YAML or pydantic.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from observances.errors import Problem, RegistryError
from observances.registry.models import Observance, Registry

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from observances.registry.source import Document, Path

_TOP_KEYS = ("revision", "tags", "observances")
_CODE = FilePath(__file__).parent


def load(path: str | os.PathLike[str]) -> Registry:
    """Load and validate the registry at `path`; raise RegistryError listing every problem."""
    try:
        data = FilePath(path).read_bytes()
    except FileNotFoundError:
        message = "no such file; pass --registry PATH or set OBSERVANCES_REGISTRY"
        raise RegistryError([Problem(str(path), None, "", message)]) from None
    except OSError as exc:
        raise RegistryError(
            [Problem(str(path), None, "", f"cannot read: {exc.strerror}")]
        ) from None
    cache, key = _cache_location(FilePath(path), data)
    registry = _read_cache(cache, key) if cache else None
    if registry is not None:
        return registry
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError([Problem(str(path), None, "", f"not UTF-8 text: {exc}")]) from None
    registry = loads(text, str(path))
    if cache is not None:
        _write_atomically(cache, pickle.dumps((key, registry), protocol=pickle.HIGHEST_PROTOCOL))
    return registry


def loads(text: str, file: str = "observances.yaml") -> Registry:
    """Validate registry YAML text; `file` names it in problems."""
    from pydantic import TypeAdapter, ValidationError

    from observances.registry.checks import check
    from observances.registry.source import parse

    doc = parse(text, file)
    data = doc.data
    if not isinstance(data, dict):
        if not doc.problems:
            message = "expected a mapping with `revision`, `tags` and `observances`"
            doc.problems.append(doc.problem((), message))
        raise RegistryError(doc.problems)
    problems = doc.problems
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(doc.problem((key,), _unknown_key(str(key), _TOP_KEYS)))

    header: Registry | None = None
    try:
        header = TypeAdapter(Registry).validate_python(
            {"revision": data.get("revision"), "tags": data.get("tags")}
        )
    except ValidationError as exc:
        problems.extend(_problems(doc, (), exc))

    raw = data.get("observances")
    if not isinstance(raw, list):
        problems.append(doc.problem(("observances",), "expected a list of observances"))
        raw = []
    adapter = TypeAdapter(Observance)
    valid: list[tuple[int, Observance]] = []
    for index, item in enumerate(raw):
        try:
            valid.append((index, adapter.validate_python(item)))
        except ValidationError as exc:
            problems.extend(_problems(doc, ("observances", index), exc))
    if header is not None:
        problems.extend(doc.problem(path, msg) for path, msg in check(valid, header.tags))
    if problems or header is None:
        raise RegistryError(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    return Registry(header.revision, header.tags, tuple(obs for _, obs in valid))


def _problems(doc: Document, prefix: Path, exc: Any) -> list[Problem]:
    errors: list[ErrorDetails] = exc.errors(include_url=False)
    if len(errors) > 1:  # a list whose only bad item was dropped is also reported as too short
        errors = [e for e in errors if e["type"] != "too_short"]
    out = []
    for error in errors:
        path = _data_path(doc.data, prefix, error["loc"])
        out.append(doc.problem(path, _message(error, path)))
    return out


def _data_path(data: Any, prefix: Path, loc: tuple[int | str, ...]) -> Path:
    """Pydantic locations include union tags; keep only the keys that are in the data."""
    node = data
    for part in prefix:
        node = node[part]  # the prefix names an item that exists
    path: list[str | int] = list(prefix)
    for part in loc:
        try:
            if not isinstance(node, (dict, list)):
                raise TypeError
            node = node[part]  # type: ignore[index]  # a key or index of the data
        except (KeyError, IndexError, TypeError):
            if not (isinstance(node, dict) and isinstance(part, str) and part not in _TAGS):
                continue  # a union tag, not a key of the data
            node = None  # a missing key: name it; its line is its mapping's
        path.append(part)
    return tuple(path)


_TAGS = frozenset(("date", "nth", "any_of", "start", "week_containing", "whole", "announced"))
_HINTS = {
    "cite": "every date span, former name and move needs `cite`: the symbol of its source",
    "status": "write `status: verified`, or `status: unverified` with a `reason`",
    "rule": "a date span needs a `rule`; see README, 'Date rules'",
    "nth": "a fifth weekday is missing from most months, so a rule says `last` instead",
}


def _message(error: ErrorDetails, path: Path) -> str:
    kind = error["type"]
    key = str(path[-1]) if path else ""
    if kind == "unexpected_keyword_argument":
        return f"unknown key {key!r}; remove it or check its spelling (README, 'Registry format')"
    if kind == "missing":
        return f"missing; {_HINTS.get(key, 'this field is required')}"
    if kind == "union_tag_not_found":
        return f"a rule is a mapping with one of the keys {', '.join(sorted(_TAGS))}"
    if kind == "literal_error" and key in _HINTS:
        return f"{error['msg']} ({_HINTS[key]})"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number (a year), got {error['input']!r}"
    if kind in ("dict_type", "dataclass_type", "dataclass_args_type"):
        return f"expected a mapping of keys to values, got {error['input']!r}"
    return error["msg"].removeprefix("Value error, ")


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; remove it or check its spelling"
    return f"unknown key {key!r}{hint}"


# --- the cache ---------------------------------------------------------------------------------


def _cache_location(path: FilePath, data: bytes) -> tuple[FilePath | None, str]:
    """One cache file per registry path, and the key its contents must match: the registry's
    bytes and the schema code (any change to either means validating afresh)."""
    where = os.environ.get("OBSERVANCES_CACHE_DIR")
    if where == "":
        return None, ""
    root = FilePath(where) if where else _user_cache() / "observances"
    digest = hashlib.sha256(data)
    for module in sorted(_CODE.glob("*.py")):
        digest.update(f"{module.name}:{module.stat().st_mtime_ns}".encode())
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    return root / f"registry-{name}.pickle", digest.hexdigest()


def _read_cache(cache: FilePath, key: str) -> Registry | None:
    try:
        with cache.open("rb") as f:
            stored_key, registry = pickle.load(f)
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


def _user_cache() -> FilePath:
    return FilePath(os.environ.get("XDG_CACHE_HOME") or FilePath.home() / ".cache")


def _write_atomically(target: FilePath, payload: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        temporary.replace(target)
    except OSError:
        pass  # a read-only home only costs speed

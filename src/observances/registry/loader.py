"""Read `observances.yaml` into a validated Registry, collecting every problem at once.

A registry that validated is cached (see cache.py), so that read-only commands start without
importing YAML or pydantic.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from observances import defaults
from observances.errors import Problem, RegistryError
from observances.registry import cache as registry_cache
from observances.registry.models import Observance, Registry
from observances.registry.rules import RULES, FullMoon

if TYPE_CHECKING:
    from observances.yamlsource import Finding

_HINTS = {
    "cite": "every date span, former name and move needs `cite`: the symbol of its source",
    "basis": "the first year's `basis` is stated, adoption, at_least or unknown",
    "rule": f"a date span needs a `rule`, a mapping with one of the keys {', '.join(RULES)}",
    "any_of": "each day is a mapping with the key `date` or `nth`",
    "nth": "a fifth weekday is missing from most months, so a rule says `last` instead",
}

_TOP_KEYS = ("revision", "tags", "themes", "observances")


def load(path: str | os.PathLike[str]) -> Registry:
    """Load and validate the registry at `path`; raise RegistryError listing every problem."""
    try:
        with FilePath(path).open("rb") as file:
            # one byte more tells a file over the limit
            data = file.read(defaults.MAX_BYTES + 1)
    except FileNotFoundError:
        message = "no such file; pass --registry PATH or set OBSERVANCES_REGISTRY"
        raise RegistryError([Problem(str(path), None, "", message)]) from None
    except OSError as exc:
        raise RegistryError(
            [Problem(str(path), None, "", f"cannot read: {exc.strerror}")]
        ) from None
    cache, key = registry_cache.location(FilePath(path), data)
    registry = registry_cache.read(cache, key) if cache else None
    if registry is not None:
        return registry
    from observances.yamlsource import decode  # only when the cache cannot answer

    text, problems = decode(data, str(path))
    if text is None:
        raise RegistryError(problems)
    registry = loads(text, str(path))
    if cache is not None:
        _work_out_ahead(registry)
        registry_cache.write(cache, key, registry)
    return registry


def _work_out_ahead(registry: Registry) -> None:
    """Compute what the cached registry should carry, so that reading it does no astronomy: each
    full-moon rule's days. (Facts are not: unpickling every entry's facts costs more than
    working out those of the entries a command shows.)"""
    for obs in registry.observances:
        for span in obs.dates:
            if isinstance(span.rule, FullMoon):
                span.rule.table  # noqa: B018 - fills the cached property


def loads(text: str, file: str = "observances.yaml") -> Registry:
    """Validate registry YAML text; `file` names it in problems."""
    from observances.yamlsource import check_text, fast_load

    problems = check_text(text, file)
    if problems:
        raise RegistryError(problems)
    data = fast_load(text)
    if data is not None:
        registry, findings = _validate(data)
        if registry is not None and not findings:
            return registry
    return _loads_located(text, file)


def _loads_located(text: str, file: str) -> Registry:
    """The slower path that knows the line of every value: it decides, and locates problems."""
    from observances.yamlsource import parse

    doc = parse(text, file)
    yaml_problems = list(doc.problems)
    registry, findings = _validate(doc.data) if not yaml_problems or doc.data else (None, [])
    problems = yaml_problems + [doc.problem(path, message) for path, message in findings]
    if problems or registry is None:
        raise RegistryError(_one_per_field(problems, len(yaml_problems)))
    return registry


def _share_repeated_text(value: Any) -> Any:
    """The same data with every web address interned: one address backs several facts of an
    entry (and of many entries), and the cache then stores and loads each address once."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(inner, str) and inner.startswith("http"):
                    item[key] = sys.intern(inner)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            for i, inner in enumerate(item):
                if isinstance(inner, str) and inner.startswith("http"):
                    item[i] = sys.intern(inner)
                else:
                    stack.append(inner)
    return value


def _validate(data: Any) -> tuple[Registry | None, list[Finding]]:
    """The registry, if `data` is a valid one, and every problem found in it."""
    from pydantic import TypeAdapter, ValidationError

    _share_repeated_text(data)
    from observances.registry.checks import check
    from observances.yamlsource import validation_findings

    if not isinstance(data, dict):
        return None, [((), "expected a mapping with `revision`, `tags` and `observances`")]
    findings: list[Finding] = [
        ((key,), _unknown_key(str(key), _TOP_KEYS)) for key in data if key not in _TOP_KEYS
    ]
    header: Registry | None = None
    try:
        header = TypeAdapter(Registry).validate_python(
            {
                "revision": data.get("revision"),
                "tags": data.get("tags"),
                "themes": data.get("themes") or {},
            }
        )
    except ValidationError as exc:
        findings += validation_findings(data, (), exc, _HINTS)

    raw = data.get("observances")
    if not isinstance(raw, list):
        findings.append((("observances",), "expected a list of observances"))
        raw = []
    adapter = TypeAdapter(Observance)
    valid: list[tuple[int, Observance]] = []
    for index, item in enumerate(raw):
        try:
            valid.append((index, adapter.validate_python(item)))
        except ValidationError as exc:
            findings += validation_findings(data, ("observances", index), exc, _HINTS)
    if header is None:
        return None, findings
    findings += check(valid, header.tags)
    findings += [
        (("themes", tag), f"not a tag; themes name tags: {', '.join(sorted(header.tags))}")
        for tag in header.themes
        if tag not in header.tags
    ]
    registry = Registry(header.revision, header.tags, tuple(obs for _, obs in valid), header.themes)
    return (None if findings else registry), findings


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; remove it or check its spelling"
    return f"unknown key {key!r}{hint}"


def _one_per_field(problems: list[Problem], yaml_count: int) -> list[Problem]:
    """Sorted by line; where YAML's typing already explains a field, drop the schema's echo."""
    explained = {p.path for p in problems[:yaml_count]}
    kept = problems[:yaml_count] + [p for p in problems[yaml_count:] if p.path not in explained]
    return sorted(kept, key=lambda p: (p.line or 0, p.path))

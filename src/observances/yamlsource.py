"""YAML to plain Python values: fast when the file is good, exact when it is not.

Two readers, because locating problems is expensive and good files are the common case:

- `fast_load` parses with yaml-rs (Rust, YAML 1.2) and returns plain values without line
  numbers. It returns None when the file holds anything whose meaning could depend on the
  reader: a float, a boolean, or a plain scalar that YAML 1.1 would read as a boolean or a
  base-60 number. Callers then use `parse`.
- `parse` composes with PyYAML (libyaml) and remembers the line of every value. PyYAML's
  implicit typing (YAML 1.1) changes meanings behind an author's back: `no` becomes false and
  `12:09` becomes the number 729. So it keeps every scalar's text and lets the pydantic schema
  decide its type, except plain decimal integers (years); and it reports plain scalars that a
  YAML 1.1 reader would turn into a boolean or a base-60 number, so that a file that passes
  means the same thing to every YAML reader.

A caller validates the fast result first and, if anything is wrong, validates `parse`'s
result to report each problem with its line. The exact path is always the judge.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from observances.errors import Problem

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

try:  # libyaml is ten times faster; the pure-Python composer is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - wheels ship libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]
Finding = tuple[Path, str]
"""A problem not yet placed in a file: where in the data, and what is wrong."""

_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass
class Document:
    """A parsed YAML file: its data, the line of each value by path, and what was wrong."""

    file: str
    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path) -> int | None:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def problem(self, path: Path, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), format_path(path), message)


def format_path(path: Path) -> str:
    """('observances', 3, 'dates', 1, 'since') -> 'observances[3].dates[1].since'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# Text that a YAML 1.1 reader would turn into a boolean or a base-60 number when written as a
# plain scalar. yaml-rs (YAML 1.2) returns it as text either way, so a match only sends the file
# down the exact path, which knows whether it was quoted and decides: matching a quoted value
# costs time, never correctness.
_YAML11_WORDS = frozenset(
    spelling
    for word in ("yes", "no", "true", "false", "on", "off")
    for spelling in (word, word.capitalize(), word.upper())
)
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+")


def fast_load(text: str) -> Any | None:
    """The file's values, or None when only the exact reader may judge it."""
    import yaml_rs

    try:
        data = yaml_rs.loads(text)
    except (yaml_rs.YAMLDecodeError, ValueError, TypeError):
        return None
    return data if _plain(data) else None


def _plain(value: Any) -> bool:
    """True when every value is text, a whole number, a date, null, or a container of those,
    and no text is one that YAML 1.1 would read as something else."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item in _YAML11_WORDS or (item[:1].isdigit() and _BASE60.fullmatch(item)):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or not isinstance(item, (int, dt.date, type(None))):
            return False
    return True


def parse(text: str, file: str) -> Document:
    """Parse YAML text; syntax errors become problems rather than exceptions."""
    doc = Document(file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "cannot parse"
        doc.problems.append(Problem(file, line, "", f"YAML syntax error: {what}"))
        return doc
    if node is not None:
        doc.data = _convert(node, (), doc)
    return doc


def _convert(node: yaml.Node, path: Path, doc: Document) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path, doc) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or isinstance(key, (list, dict)):
                doc.problems.append(doc.problem(path, "mapping keys must be plain text or years"))
                continue
            if key in mapping:
                doc.lines[(*path, key)] = key_node.start_mark.line + 1
                doc.problems.append(
                    doc.problem((*path, key), f"duplicate key {key!r}; keep one of them")
                )
                continue
            mapping[key] = _convert(value_node, (*path, key), doc)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc)


def _scalar(node: yaml.Node, path: Path, doc: Document) -> Any:
    text: str = node.value
    if getattr(node, "style", None):  # quoted or block scalar: the author's text, as written
        return text
    if node.tag == _NULL_TAG:
        return None
    if node.tag == _BOOL_TAG:
        doc.problems.append(
            doc.problem(
                path,
                f"YAML 1.1 reads the bare word {text!r} as a boolean; "
                f"write it in quotes ('{text}') if you mean the text",
            )
        )
        return text
    if node.tag == _INT_TAG:
        if _DECIMAL.fullmatch(text):
            return int(text)
        if ":" in text:
            doc.problems.append(
                doc.problem(
                    path,
                    f"YAML 1.1 reads {text!r} as a base-60 number; "
                    f"write a month and day as '{text.replace(':', '-')}' in quotes",
                )
            )
    return text


def validation_findings(
    data: Any, prefix: Path, exc: ValidationError, hints: dict[str, str]
) -> list[Finding]:
    """Pydantic's errors for the value at `prefix` of `data`, as paths into the data.
    `hints` adds advice by field name to 'missing' and 'not one of' errors."""
    errors: list[ErrorDetails] = exc.errors(include_url=False)
    # a list whose bad item was dropped is also reported as too short: keep only the item's
    inner = {e["loc"][:n] for e in errors for n in range(len(e["loc"]))}
    errors = [e for e in errors if not (e["type"] == "too_short" and e["loc"] in inner)]
    found: list[Finding] = []
    for error in errors:
        path = _data_path(data, prefix, error["loc"])
        found.append((path, _message(error, path, hints)))
    return found


def _data_path(data: Any, prefix: Path, loc: tuple[int | str, ...]) -> Path:
    """Pydantic locations include union tags; keep only the keys that are in the data, and
    the name of a missing key."""
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
            if not isinstance(node, dict) or str(part).startswith("<"):
                continue  # a union member's tag, such as "<date>", is not a key of the data
            node = None  # a missing key: name it; its line is its mapping's
        path.append(part)
    return tuple(path)


def _message(error: ErrorDetails, path: Path, hints: dict[str, str]) -> str:
    kind = error["type"]
    key = str(path[-1]) if path else ""
    if kind == "unexpected_keyword_argument":
        return f"unknown key {key!r}; remove it or check its spelling"
    if kind == "missing":
        return f"missing; {hints.get(key, 'this field is required')}"
    if kind == "union_tag_not_found":
        return f"not a kind this field knows; {hints.get(key, 'see docs/registry-schema.md')}"
    if kind == "literal_error" and key in hints:
        return f"{error['msg']} ({hints[key]})"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number (a year), got {error['input']!r}"
    if kind in ("dict_type", "dataclass_type", "dataclass_args_type"):
        return f"expected a mapping of keys to values, got {error['input']!r}"
    context = error.get("ctx", {})
    if kind == "too_short":
        least = context.get("min_length")
        return f"needs at least {least} {'entry' if least == 1 else 'entries'}; it has fewer"
    if kind == "greater_than_equal":
        return f"{error['input']!r} is too small: the least allowed is {context.get('ge')}"
    if kind == "less_than_equal":
        return f"{error['input']!r} is too large: the most allowed is {context.get('le')}"
    return error["msg"].removeprefix("Value error, ")

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

Both readers only see text that `decode` and `check_text` passed: these files are edited by
people and reloaded by a running server, so every dimension of the input is bounded (size,
nesting, values after alias expansion, digits of a number) and every character a YAML reader
could stop at or drop (NUL and the other control characters) is an error with its line,
never a silent end of the file.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from observances import defaults
from observances.errors import Problem

if TYPE_CHECKING:
    import yaml
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

Path = tuple[str | int, ...]
Finding = tuple[Path, str]
"""A problem not yet placed in a file: where in the data, and what is wrong."""

MAX_BYTES = defaults.MAX_BYTES
MAX_DEPTH = 32
"""The deepest nesting of mappings and lists; the registry's schema needs eight."""
MAX_VALUES = 100_000
"""The most values a file may hold once aliases are expanded: an alias bomb (an alias of a
list of aliases, repeated) grows exponentially, and today's registry holds about 7,000."""
MAX_DIGITS = 18
"""The longest whole number: years need four digits, and Python's int() refuses beyond 4,300."""
_MAX_BITS = 59  # 2**59 has 18 digits
MAX_PROBLEMS = 20
"""Problems of one kind listed per file; a binary file would otherwise print one per byte."""

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
        if isinstance(part, str) and not part.isprintable():
            out += f"[{part!r}]"  # a key such as "\r" must not break or color the terminal
        else:
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


# YAML 1.2's printable characters (tab, line breaks, and everything but C0/C1 controls, DEL,
# surrogates and U+FFFE/U+FFFF); the others end yaml-rs's reading early without a word.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# An anchor or alias where YAML reads one (after space, a bracket or a comma). yaml-rs expands
# aliases eagerly and reads a recursive one as null, so such files take the exact path, which
# bounds the expansion. `&` in a URL such as `?a=1&b=2` does not match.
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]", re.MULTILINE)


# yaml-rs 0.1.6 crashes the whole process (SIGSEGV inside its parser) when called from worker
# threads: tests/test_service_inprocess.py, whose ticks reload in APScheduler's threads, crashed
# on every run, with or without a lock around the parser, and passed with yaml-rs used only by
# the main thread. The service reloads in its scheduler's and web app's threads, so there the
# exact reader (PyYAML) reads every file; the CLI keeps the fast path.


def decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or the problems that keep it from being read: too large, not UTF-8,
    or holding control characters."""
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MiB"
        limit = f"{MAX_BYTES // 1024 // 1024} MiB"
        return None, [Problem(file, None, "", f"too large ({size}); the limit is {limit}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        message = f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8"
        return None, [Problem(file, line, "", message)]
    problems = check_text(text, file)
    return (None if problems else text), problems


def check_text(text: str, file: str) -> list[Problem]:
    """A problem for each line holding a character that YAML does not allow (NUL, other
    control characters), up to MAX_PROBLEMS."""
    if len(text) > MAX_BYTES:
        limit = f"{MAX_BYTES // 1024 // 1024} MiB"
        return [Problem(file, None, "", f"too large; the limit is {limit}")]
    problems: list[Problem] = []
    last_line = 0
    for match in _NOT_PRINTABLE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if line == last_line:
            continue  # one problem per line is enough to find it
        last_line = line
        if len(problems) == MAX_PROBLEMS:
            problems.append(Problem(file, line, "", "more lines hold control characters"))
            break
        code = f"U+{ord(match.group()):04X}"
        name = "a NUL byte" if code == "U+0000" else "a control character"
        problems.append(
            Problem(file, line, "", f"{name} ({code}) is not allowed in YAML; remove it")
        )
    return problems


def fast_load(text: str) -> Any | None:
    """The file's values, or None when only the exact reader may judge it."""
    import yaml_rs

    if threading.current_thread() is not threading.main_thread():
        return None  # yaml-rs crashes in worker threads: see above `decode`
    if _NOT_PRINTABLE.search(text) or _ANCHOR_OR_ALIAS.search(text):
        return None
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
        elif isinstance(item, int) and item.bit_length() > _MAX_BITS:
            return False  # over 18 digits: the exact path says so (and str() fails past 4,300)
    return True


def parse(text: str, file: str) -> Document:
    """Parse YAML text; syntax errors become problems rather than exceptions."""
    import yaml  # here, not at the top: `decode` runs before the registry cache is read

    try:  # libyaml is ten times faster; the pure-Python composer is the fallback
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - wheels ship libyaml
        from yaml import SafeLoader as Loader  # type: ignore[assignment]

    doc = Document(file)
    doc.problems.extend(check_text(text, file))
    if doc.problems:
        return doc
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "cannot parse"
        doc.problems.append(Problem(file, line, "", f"YAML syntax error: {what}"))
        return doc
    except yaml.YAMLError as exc:  # the reader's own errors carry no mark; check_text
        doc.problems.append(Problem(file, None, "", f"YAML error: {exc}"))  # prevents them
        return doc
    if node is not None:
        try:
            doc.data = _Converter(doc).convert(node, (), 0)
        except _TooLarge as exc:
            doc.data = None
            doc.problems.append(Problem(file, exc.line, "", exc.message))
    return doc


class _TooLarge(Exception):
    """A bound on nesting or expansion was reached: conversion stops at once."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


class _Converter:
    """Nodes to values, counting what aliases expand to and how deep the values nest. An
    alias shares its anchor's node, so a recursive alias is a node inside itself."""

    def __init__(self, doc: Document) -> None:
        import yaml

        self.mapping_node = yaml.MappingNode
        self.sequence_node = yaml.SequenceNode
        self.scalar_node = yaml.ScalarNode
        self.doc = doc
        self.values = 0
        self.open: set[int] = set()  # the nodes being converted: a cycle's way back

    def convert(self, node: yaml.Node, path: Path, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooLarge(
                line,
                f"more than {MAX_VALUES:,} values once aliases are expanded "
                "(an alias bomb?); write the values out or use fewer aliases",
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(line, f"nested more than {MAX_DEPTH} levels deep")
        if id(node) in self.open:
            raise _TooLarge(line, "a recursive alias: this value contains itself")
        doc = self.doc
        doc.lines[path] = line
        if isinstance(node, self.mapping_node):
            self.open.add(id(node))
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                scalar = isinstance(key_node, self.scalar_node)
                key = _scalar(key_node, path, doc) if scalar else None
                if key is None or isinstance(key, (list, dict)):
                    doc.problems.append(
                        doc.problem(path, "mapping keys must be plain text or years")
                    )
                    continue
                if key in mapping:
                    doc.lines[(*path, key)] = key_node.start_mark.line + 1
                    doc.problems.append(
                        doc.problem((*path, key), f"duplicate key {key!r}; keep one of them")
                    )
                    continue
                mapping[key] = self.convert(value_node, (*path, key), depth + 1)
            self.open.discard(id(node))
            return mapping
        if isinstance(node, self.sequence_node):
            self.open.add(id(node))
            items = [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            self.open.discard(id(node))
            return items
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
            digits = len(text.lstrip("+-"))
            if digits > MAX_DIGITS:
                doc.problems.append(
                    doc.problem(
                        path, f"a number of {digits:,} digits; the most allowed is {MAX_DIGITS}"
                    )
                )
                return None
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

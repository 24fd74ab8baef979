"""Statement templates: a snapshot of a templates directory, rendered in Jinja2's sandbox.

The comms team edits these files, so they are treated as untrusted input: the sandbox refuses
attribute tricks (`''.__class__`), StrictUndefined turns every hole into an error instead of a
blank in a published statement, and every error names the template file and line.

A TemplateSet reads every template once, when it is loaded, and never looks at the directory
again: a long-running service re-loads to pick up edits, and a bad edit then fails the re-load
while the set it already has keeps working.

A template must not be able to wedge the service either: one `{{ 9 ** 9 ** 9 }}` holds the
interpreter in a single C call (no sends, no HTTP, no SIGTERM). So the sandbox bounds what a
template can build before it is built (powers and products of numbers, repeated and joined
text and lists, format widths, the draft itself), and a render that runs past its time budget
(nested loops) is interrupted. Either way the draft fails with the reason, file and line.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2 import Environment as _Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from observances.errors import InputError, Problem

SUFFIX = ".md.j2"
DEFAULT_LANGUAGE = "en"
"""Templates at the top of the directory are English; other languages live in `<lang>/`."""


MAX_TEXT = 1_000_000
"""The most characters (or items) of any text or list a template builds, and of a draft; a
statement is a few thousand."""
MAX_INT_BITS = 4096
"""The largest number a template may compute (about 1,200 digits)."""
RENDER_SECONDS = 5.0
"""The time budget of one draft; every template renders in milliseconds."""
MAX_TEMPLATE_BYTES = 1_000_000


class TemplateError(InputError):
    """A template that cannot be read, compiled or rendered; each problem names file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Snapshot(BaseLoader):
    """Templates held in memory: name -> (source, file name shown in errors)."""

    def __init__(self, sources: Mapping[str, tuple[str, str]]) -> None:
        self.sources = dict(sources)

    def get_source(
        self,
        environment: _Environment,  # noqa: ARG002 - BaseLoader's signature
        template: str,
    ) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            raise TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


class RenderTimeout(BaseException):
    """Raised into a render that outran RENDER_SECONDS. A BaseException, so that no
    `except Exception` on the way out (Jinja's, or a filter's) can swallow it."""

    def __str__(self) -> str:
        return (
            f"rendering took longer than {RENDER_SECONDS:g} s and was stopped; "
            "look for loops inside loops"
        )


def _too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} is too large for a statement (the limit is {MAX_TEXT:,})")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _check_percent(text: str) -> None:
    """`"%9999999999d" % 1` builds the padding before anything can look at it."""
    for width, precision in _PERCENT_SPEC.findall(text):
        for number in (width, precision):
            if number == "*":
                raise SecurityError("a width or precision taken from an argument ('%*d')")
            if number and int(number) > MAX_TEXT:
                raise _too_large(f"the width {number}")


_FORMAT_WIDTH = re.compile(r"\d{7,}")
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")


def _check_format(text: str) -> None:
    """`"{:>9999999999}".format(1)`, and widths taken from arguments (`{:{w}}`)."""
    if _NESTED_FIELD.search(text):
        raise SecurityError("a format width taken from an argument ('{:{width}}')")
    if _FORMAT_WIDTH.search(text):
        raise _too_large("a format width")


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse what would compute for minutes or fill memory, before computing it."""
    whole = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and whole and right > 0 and abs(left) > 1:
        if right * math.log2(abs(left)) > MAX_INT_BITS:
            raise SecurityError(f"{left} ** {right} is too large a number")
    elif operator == "*":
        if whole:
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("the product is too large a number")
        else:
            count, repeated = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(count, int) and _length(repeated) * count > MAX_TEXT:
                raise _too_large("the repeated text or list")
    elif operator == "+" and _length(left) + _length(right) > MAX_TEXT:
        raise _too_large("the joined text or list")
    elif operator == "%" and isinstance(left, str):
        _check_percent(left)


def _check_str_call(name: str, text: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """The str methods that can build more than they are given."""
    values = (*args, *kwargs.values())
    numbers = [v for v in values if isinstance(v, int)]
    if name in ("center", "ljust", "rjust", "zfill") and any(n > MAX_TEXT for n in numbers):
        raise _too_large(f"the width of {name}()")
    if name == "expandtabs" and text.count("\t") * max(numbers, default=8) > MAX_TEXT:
        raise _too_large("the expanded text")
    if name == "replace" and values[1:]:
        old, new = str(values[0]), str(values[1])
        growth = (text.count(old) if old else len(text) + 1) * len(new)
        if len(text) + growth > MAX_TEXT:
            raise _too_large("the replaced text")
    if name in ("format", "format_map"):
        _check_format(text)
    if name == "translate":
        raise SecurityError("str.translate is not available in templates")


def _bounded_join(items: Iterable[Any], limit: int = MAX_TEXT) -> list[str]:
    """Items as text, refusing before their total passes the limit."""
    parts: list[str] = []
    total = 0
    for item in items:
        part = str(item)
        total += len(part)
        if total > limit:
            raise _too_large("the joined text")
        parts.append(part)
    return parts


class _BoundedCodeGenerator(CodeGenerator):
    """`a ~ b` compiles to a join that the sandbox does not see; send it through one that
    counts (a namespace doubling a string thirty times would need a gigabyte)."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the sizes of what a template builds bounded."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {**self.filters, **_bounded_filters(self.filters)}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            _check_str_call(getattr(method, "__name__", ""), owner, args, kwargs)
        elif getattr(method, "__name__", "") == "join" and args:
            _bounded_join(args[0])
        return super().call(__context, __obj, *args, **kwargs)

    def bounded_concat(self, values: Iterable[Any]) -> str:
        return "".join(_bounded_join(values))


def _bounded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja calls filters directly, past the sandbox: the ones that can grow text or lists
    check their arguments first."""

    def numbers_within(name: str) -> Callable[..., Any]:
        original = filters[name]

        def bounded(*args: Any, **kwargs: Any) -> Any:
            values = (*args[1:], *kwargs.values())
            if any(isinstance(v, int) and v > MAX_TEXT for v in values):
                raise _too_large(f"an argument of the {name} filter")
            if name == "indent" and isinstance(args[0], str):
                width = next((v for v in values if isinstance(v, (int, str))), 4)
                step = width if isinstance(width, int) else len(width)
                if (args[0].count("\n") + 1) * step > MAX_TEXT:
                    raise _too_large("the indented text")
            return original(*args, **kwargs)

        return bounded

    def format_filter(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_percent(str(value))
        return filters["format"](value, *args, **kwargs)

    def replace_filter(context: Any, value: Any, old: Any, new: Any, count: Any = None) -> Any:
        text, old_text, new_text = str(value), str(old), str(new)
        growth = (text.count(old_text) if old_text else len(text) + 1) * len(new_text)
        if len(text) + growth > MAX_TEXT:
            raise _too_large("the replaced text")
        return filters["replace"](context, value, old, new, count)

    def join_filter(context: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        _bounded_join(items, MAX_TEXT - len(d) * len(items))
        return filters["join"](context, items, d, attribute)

    bounded: dict[str, Callable[..., Any]] = {
        name: numbers_within(name) for name in ("center", "indent", "batch", "slice", "wordwrap")
    }
    # keep Jinja's markers: it passes the context or eval context to these
    replace_filter.jinja_pass_arg = filters["replace"].jinja_pass_arg  # type: ignore[attr-defined]
    join_filter.jinja_pass_arg = filters["join"].jinja_pass_arg  # type: ignore[attr-defined]
    bounded |= {"format": format_filter, "replace": replace_filter, "join": join_filter}
    return bounded


class _DraftTooLarge(Exception):
    """What the template yields passed MAX_TEXT: no one line of it is to blame."""


def _render_within_budget(generate: Callable[[], Iterable[str]]) -> str:
    """Join what the template yields, stopping it when the draft passes MAX_TEXT or the render
    passes RENDER_SECONDS. A Python loop cannot be stopped from outside but by an exception
    raised into its thread, which the interpreter delivers between two bytecodes; the lock
    makes sure it is raised only while this render runs."""
    target = threading.get_ident()
    lock = threading.Lock()
    running = True

    def interrupt() -> None:
        with lock:
            if running:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(target), ctypes.py_object(RenderTimeout)
                )

    timer = threading.Timer(RENDER_SECONDS, interrupt)
    timer.daemon = True
    timer.start()
    try:
        parts: list[str] = []
        total = 0
        for part in generate():
            total += len(part)
            if total > MAX_TEXT:
                raise _DraftTooLarge(str(_too_large("the draft")))
            parts.append(part)
        return "".join(parts)
    finally:
        with lock:
            running = False
        timer.cancel()


class TemplateSet:
    """The templates of one directory, read and compiled at once."""

    def __init__(self, root: Path, sources: Mapping[str, tuple[str, str]]) -> None:
        self.root = root
        self._sources = dict(sources)
        self._env = _BoundedSandbox(
            loader=_Snapshot(self._sources),
            undefined=StrictUndefined,
            autoescape=False,  # Markdown, not HTML: the HTML renderer escapes (see drafts.py)
            keep_trailing_newline=True,
            trim_blocks=True,  # a line holding only a {% tag %} leaves no blank line behind
            lstrip_blocks=True,
            auto_reload=False,
        )
        problems = []
        for name in sorted(self._sources):
            try:
                self._env.get_template(name)
            except TemplateSyntaxError as exc:
                problems.append(_syntax_problem(exc, self._sources[name][1]))
        if problems:
            raise TemplateError(problems)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> TemplateSet:
        """Read and compile every `*.md.j2` under `directory`; raise TemplateError listing
        every template that does not compile."""
        root = Path(directory)
        if not root.is_dir():
            message = "no such directory; pass --templates DIR or set OBSERVANCES_TEMPLATES_DIR"
            raise TemplateError([Problem(str(root), None, "", message)])
        sources = {}
        for path in sorted(root.rglob(f"*{SUFFIX}")):
            name = path.relative_to(root).as_posix()
            sources[name] = (_read(path), str(path))
        return cls(root, sources)

    def with_file(self, path: str | os.PathLike[str]) -> TemplateSet:
        """A copy that also holds the template file at `path`, named by that path; it can
        include the set's partials."""
        file = Path(path)
        if not file.is_file():
            raise TemplateError([Problem(str(path), None, "", "no such template file")])
        return TemplateSet(self.root, {**self._sources, str(path): (_read(file), str(path))})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._sources))

    def filename(self, name: str) -> str:
        return self._sources[name][1]

    def statements(self) -> tuple[str, ...]:
        """The templates that make a whole draft (everything but partials)."""
        return tuple(n for n in self.names if "partials/" not in n)

    @staticmethod
    def chain(observance_id: str, kind: str, language: str) -> tuple[str, ...]:
        """Where a statement template is looked for, most specific first."""
        prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
        return (
            f"{prefix}observances/{observance_id}{SUFFIX}",
            f"{prefix}kinds/{kind}{SUFFIX}",
            f"{prefix}statement{SUFFIX}",
        )

    def choose(self, observance_id: str, kind: str, language: str) -> str:
        """The template for this observance and language: the first of `chain` that exists."""
        chain = self.chain(observance_id, kind, language)
        for name in chain:
            if name in self._sources:
                return name
        looked = ", ".join(str(self.root / n) for n in chain)
        message = f"no statement template for language {language!r}; looked for {looked}"
        raise TemplateError([Problem(str(self.root), None, "", message)])

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render template `name`; any error in a template becomes a TemplateError naming the
        file and line where it happened."""
        if name not in self._sources:
            raise TemplateError([Problem(str(self.root / name), None, "", "no such template")])
        files = {filename for _, filename in self._sources.values()}
        template = self._env.get_template(name)
        try:
            try:
                return _render_within_budget(lambda: template.generate(context))
            except RenderTimeout as timeout:
                raise TemplateError([self._where_stopped(timeout, name)]) from None
            except _DraftTooLarge as exc:
                raise TemplateError([Problem(self.filename(name), None, "", str(exc))]) from None
        except TemplateSyntaxError as exc:  # pragma: no cover - compiled at load
            raise TemplateError([_syntax_problem(exc, self.filename(name))]) from None
        except TemplateError:
            raise
        except Exception as exc:
            where = _template_frame(exc, files)
            if where is None:
                raise  # not the template's fault: a bug in our code, let it show
            message = (
                f"template not found: {exc.name}"
                if isinstance(exc, TemplateNotFound)
                else str(exc) or type(exc).__name__
            )
            raise TemplateError([Problem(where[0], where[1], "", message)]) from None

    def _where_stopped(self, timeout: RenderTimeout, name: str) -> Problem:
        """The template line a render was stopped at. Jinja maps lines of its compiled code
        back to the template for exceptions, not for one raised into the thread: do it here."""
        names = {filename: each for each, (_, filename) in self._sources.items()}
        file, line = self.filename(name), None
        for frame, code_line in traceback.walk_tb(timeout.__traceback__):
            if frame.f_code.co_filename in names:
                file = frame.f_code.co_filename
                template = self._env.get_template(names[file])
                line = template.get_corresponding_lineno(code_line)
        return Problem(file, line, "", str(timeout))


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            message = f"too large; the limit is {MAX_TEMPLATE_BYTES:,} bytes"
            raise TemplateError([Problem(str(path), None, "", message)])
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError([Problem(str(path), None, "", f"cannot read: {exc}")]) from None


def _syntax_problem(exc: TemplateSyntaxError, fallback: str) -> Problem:
    return Problem(exc.filename or fallback, exc.lineno, "", exc.message or "syntax error")


def _template_frame(exc: BaseException, files: set[str]) -> tuple[str, int | None] | None:
    """The innermost template line in the traceback: Jinja rewrites its frames so that they
    carry the template's file name and line number."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in files:
            found = (frame.filename, frame.lineno)
    return found

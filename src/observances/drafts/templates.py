"""Statement templates: a snapshot of a templates directory, rendered in Jinja2's sandbox.

The comms team edits these files, so they are treated as untrusted input: the sandbox refuses
attribute tricks (`''.__class__`), StrictUndefined turns every hole into an error instead of a
blank in a published statement, and every error names the template file and line.

A TemplateSet reads every template once, when it is loaded, and never looks at the directory
again: a long-running service re-loads to pick up edits, and a bad edit then fails the re-load
while the set it already has keeps working.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2 import Environment as _Environment
from jinja2.sandbox import ImmutableSandboxedEnvironment

from observances.errors import InputError, Problem

SUFFIX = ".md.j2"
DEFAULT_LANGUAGE = "en"
"""Templates at the top of the directory are English; other languages live in `<lang>/`."""


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


class TemplateSet:
    """The templates of one directory, read and compiled at once."""

    def __init__(self, root: Path, sources: Mapping[str, tuple[str, str]]) -> None:
        self.root = root
        self._sources = dict(sources)
        self._env = ImmutableSandboxedEnvironment(
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
        try:
            return self._env.get_template(name).render(context)
        except TemplateSyntaxError as exc:  # pragma: no cover - compiled at load
            raise TemplateError([_syntax_problem(exc, self.filename(name))]) from None
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


def _read(path: Path) -> str:
    try:
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

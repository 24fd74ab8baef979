"""The organization that publishes statements: who it is, its programs, what it marks.

An organization is configuration, not registry data: another organization uses the tool by
writing its own profile file (`--profile PATH`, or OBSERVANCES_PROFILE) and nothing else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, ClassVar

from observances.errors import Problem, RegistryError
from observances.registry.models import Observance, Registry
from observances.registry.rules import STRICT, Limits
from observances.words import LANGUAGES

LeadDays = Annotated[tuple[Annotated[int, Limits(ge=0)], ...], Limits(min_length=1)]


@dataclass(frozen=True, slots=True)
class Texts:
    """The organization's own wording in one more language (`translations: {fr: ...}`): what
    a draft in that language prints instead of a placeholder. Each field is optional."""

    __pydantic_config__: ClassVar = STRICT
    name: str | None = None
    short_name: str | None = None
    about: str | None = None
    region: str | None = None
    summary: str | None = None
    title: str | None = None


Translations = dict[str, Texts] | None


def text_in(
    language: str, written_in: str, field: str, original: str | None, translations: Translations
) -> str | None:
    """`original` when the draft is in the language the profile is written in; otherwise the
    profile's own text for `language`, or None (the template then asks for it)."""
    if language == written_in:
        return original
    texts = (translations or {}).get(language)
    value = getattr(texts, field) if texts is not None else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a draft may quote. A missing name becomes a placeholder, never a guess."""

    __pydantic_config__: ClassVar = STRICT
    title: str
    name: str | None = None
    translations: Translations = None


@dataclass(frozen=True, slots=True)
class Program:
    """A program of the organization; `tags` and `ids` say which observances its work meets."""

    __pydantic_config__: ClassVar = STRICT
    id: str
    name: str
    lead: Person
    region: str | None = None
    language: str = "en"
    summary: str | None = None
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    translations: Translations = None

    def relates_to(self, obs: Observance) -> bool:
        return obs.id in self.ids or bool(set(self.tags).intersection(obs.tags))


@dataclass(frozen=True, slots=True)
class Marks:
    """Which observances the organization marks: any with one of `tags`, any in `ids`,
    less those in `except_ids`."""

    __pydantic_config__: ClassVar = STRICT
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    except_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LeadTimes:
    """How many days ahead a draft is sent; `by_id` wins over `by_tag`, which wins over
    `default`. Where several tags match, their lead days are combined."""

    __pydantic_config__: ClassVar = STRICT
    default: LeadDays = (21, 7, 1)
    by_tag: dict[str, LeadDays] | None = None
    by_id: dict[str, LeadDays] | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    __pydantic_config__: ClassVar = STRICT
    name: str
    short_name: str
    marks: Marks
    programs: tuple[Program, ...] = ()
    language: str = "en"
    about: str | None = None
    leader: Person | None = None
    lead_days: LeadTimes = LeadTimes()
    translations: Translations = None
    """The organization's texts in other languages than `language`, the one it is written in."""

    def marks_observance(self, obs: Observance) -> bool:
        if obs.id in self.marks.except_ids:
            return False
        return obs.id in self.marks.ids or bool(set(self.marks.tags).intersection(obs.tags))

    def marked(self, registry: Registry) -> tuple[Observance, ...]:
        return tuple(obs for obs in registry.observances if self.marks_observance(obs))

    def programs_for(self, obs: Observance) -> tuple[Program, ...]:
        """The programs whose work meets this observance (all of them when none is specific)."""
        related = tuple(p for p in self.programs if p.relates_to(obs))
        return related or self.programs

    def languages_for(self, obs: Observance) -> tuple[str, ...]:
        """The languages drafts for `obs` are written in: the profile's, then those of the
        programs whose work meets it, each once."""
        programs = tuple(p.language for p in self.programs_for(obs))
        return tuple(dict.fromkeys((self.language, *programs)))

    def lead_days_for(self, obs: Observance) -> tuple[int, ...]:
        """Days ahead to send drafts for `obs`, largest first, without repeats."""
        by_id = self.lead_days.by_id or {}
        if obs.id in by_id:
            return tuple(sorted(set(by_id[obs.id]), reverse=True))
        by_tag = self.lead_days.by_tag or {}
        tagged = {days for tag in obs.tags if tag in by_tag for days in by_tag[tag]}
        return tuple(sorted(tagged or set(self.lead_days.default), reverse=True))


def load_profile(path: str | os.PathLike[str], registry: Registry | None = None) -> Profile:
    """Load and validate a profile; with `registry`, also check the ids and tags it names."""
    from pydantic import TypeAdapter, ValidationError

    from observances.yamlsource import MAX_BYTES, decode, parse, validation_findings

    file = str(path)
    try:
        with FilePath(path).open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)  # one byte more tells a file over the limit
    except FileNotFoundError:
        message = "no such file; pass --profile PATH or set OBSERVANCES_PROFILE"
        raise RegistryError([Problem(file, None, "", message)]) from None
    except OSError as exc:
        raise RegistryError([Problem(file, None, "", f"cannot read: {exc.strerror}")]) from None
    text, problems = decode(data, file)
    if text is None:
        raise RegistryError(problems)
    doc = parse(text, file)
    if doc.problems:
        raise RegistryError(doc.problems)
    try:
        profile = TypeAdapter(Profile).validate_python(doc.data)
    except ValidationError as exc:
        findings = validation_findings(doc.data, (), exc, {})
        raise RegistryError([doc.problem(path, message) for path, message in findings]) from None
    if registry is not None:
        problems = [doc.problem(path, message) for path, message in _check(profile, registry)]
        if problems:
            raise RegistryError(problems)
    return profile


def _check(profile: Profile, registry: Registry) -> list[tuple[tuple[str | int, ...], str]]:
    found: list[tuple[tuple[str | int, ...], str]] = []

    def ids(where: tuple[str | int, ...], values: tuple[str, ...]) -> None:
        for i, value in enumerate(values):
            if value not in registry.by_id:
                found.append(((*where, i), f"no observance has the id {value!r} in the registry"))

    def tags(where: tuple[str | int, ...], values: tuple[str, ...]) -> None:
        for i, value in enumerate(values):
            if value not in registry.tags:
                found.append(((*where, i), f"{value!r} is not a tag of the registry"))

    def language(where: tuple[str | int, ...], value: str) -> None:
        if value not in LANGUAGES:
            found.append(
                (where, f"no wording for language {value!r}; use one of {', '.join(LANGUAGES)}")
            )

    language(("language",), profile.language)
    for lang in profile.translations or {}:
        language(("translations", lang), lang)
    ids(("marks", "ids"), profile.marks.ids)
    ids(("marks", "except_ids"), profile.marks.except_ids)
    tags(("marks", "tags"), profile.marks.tags)
    for i, program in enumerate(profile.programs):
        language(("programs", i, "language"), program.language)
        for lang in program.translations or {}:
            language(("programs", i, "translations", lang), lang)
        ids(("programs", i, "ids"), program.ids)
        tags(("programs", i, "tags"), program.tags)
    tags(("lead_days", "by_tag"), tuple(profile.lead_days.by_tag or ()))
    ids(("lead_days", "by_id"), tuple(profile.lead_days.by_id or ()))
    return found

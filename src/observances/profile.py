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
class Person:
    """Someone a draft may quote. A missing name becomes a placeholder, never a guess."""

    __pydantic_config__: ClassVar = STRICT
    title: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ProgramText:
    """A program's words in another language than the profile's; a missing one becomes a
    placeholder in that language's draft, never the profile-language text."""

    __pydantic_config__: ClassVar = STRICT
    name: str | None = None
    region: str | None = None
    summary: str | None = None
    lead_title: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileText:
    """The organization's words in another language than the profile's."""

    __pydantic_config__: ClassVar = STRICT
    about: str | None = None


@dataclass(frozen=True, slots=True)
class Program:
    """A program of the organization; `tags` and `ids` say which observances its work meets.
    `language` is the language its own recipients read (they get the draft in it);
    `translations` give its name, region and summary in languages other than the profile's."""

    __pydantic_config__: ClassVar = STRICT
    id: str
    name: str
    lead: Person
    region: str | None = None
    language: str = "en"
    summary: str | None = None
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    translations: dict[str, ProgramText] | None = None

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
    translations: dict[str, ProfileText] | None = None
    """`about` in languages other than `language`: {"es": {"about": "..."}}."""

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

    from observances.yamlsource import parse, validation_findings

    file = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        message = "no such file; pass --profile PATH or set OBSERVANCES_PROFILE"
        raise RegistryError([Problem(file, None, "", message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError([Problem(file, None, "", f"cannot read: {exc}")]) from None
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
    for code in profile.translations or {}:
        language(("translations", code), code)
    ids(("marks", "ids"), profile.marks.ids)
    ids(("marks", "except_ids"), profile.marks.except_ids)
    tags(("marks", "tags"), profile.marks.tags)
    for i, program in enumerate(profile.programs):
        language(("programs", i, "language"), program.language)
        for code in program.translations or {}:
            language(("programs", i, "translations", code), code)
        ids(("programs", i, "ids"), program.ids)
        tags(("programs", i, "tags"), program.tags)
    tags(("lead_days", "by_tag"), tuple(profile.lead_days.by_tag or ()))
    ids(("lead_days", "by_id"), tuple(profile.lead_days.by_id or ()))
    return found

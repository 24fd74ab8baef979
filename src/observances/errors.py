"""One error root; each subclass knows its exit code, so the CLI maps errors in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ObservancesError(Exception):
    """Root of every error this package raises on purpose. Exit code 1: a runtime failure."""

    exit_code = 1


class InputError(ObservancesError):
    """Bad input or usage: a malformed file, an unknown id, a date it does not fall on. Exit 2."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class RegistryError(InputError):
    """The registry failed to load or validate; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownObservanceError(InputError):
    """An id that is not in the registry; the message suggests the closest ids."""

    def __init__(self, observance_id: str, suggestions: Sequence[str]) -> None:
        self.observance_id = observance_id
        self.suggestions = tuple(suggestions)
        hint = (
            f" Did you mean {', '.join(self.suggestions)}?"
            if self.suggestions
            else " Run `observances list` to see the ids."
        )
        super().__init__(f"no observance with id {observance_id!r}.{hint}")

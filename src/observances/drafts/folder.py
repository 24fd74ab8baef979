"""Writing drafts into a folder people edit, without ever losing their edits.

The folder holds a small manifest, `.observances-drafts.json`: for each file the tool wrote,
the SHA-256 of what it wrote. A file whose content still has that hash was not touched by a
person and may be replaced; any other content is a person's work and is kept unless the
caller forces it. A file the manifest does not know (written by hand, or before the manifest
existed) counts as edited when its content differs from the new draft.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from observances.errors import InputError

MANIFEST = ".observances-drafts.json"


class Outcome(StrEnum):
    NEW = "new"  # no such file: written
    UPDATED = "updated"  # the tool's own earlier file, with other content now: replaced
    UNCHANGED = "unchanged"  # the same content is already there: not touched
    KEPT = "kept (edited)"  # a person changed it: kept, the new draft not written
    REPLACED = "replaced (edited, --force)"  # a person changed it and --force replaced it


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    outcome: Outcome


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DraftFolder:
    """A folder of drafts and its manifest; `write` decides per file, `save` records."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.manifest_path = path / MANIFEST
        self.written: dict[str, str] = self._read()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InputError(
                f"{self.manifest_path}: cannot read the drafts manifest ({exc}); "
                "move it away to treat every existing draft as edited"
            ) from None
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            raise InputError(
                f"{self.manifest_path}: 'files' must map file names to hashes; "
                "move the file away to treat every existing draft as edited"
            )
        return {str(k): str(v) for k, v in files.items()}

    def write(self, name: str, text: str, *, force: bool = False) -> Written:
        target = self.path / name
        try:
            current = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current is None:
            outcome = Outcome.NEW
        elif current == text:
            self.written[name] = digest(text)
            return Written(target, Outcome.UNCHANGED)
        elif self.written.get(name) == digest(current):
            outcome = Outcome.UPDATED
        elif force:
            outcome = Outcome.REPLACED
        else:
            return Written(target, Outcome.KEPT)
        _replace(target, text)
        self.written[name] = digest(text)
        return Written(target, outcome)

    def save(self) -> None:
        data = {"about": "what `observances drafts` wrote; do not edit", "files": self.written}
        _replace(self.manifest_path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _replace(path: Path, text: str) -> None:
    """Write through a temporary file and rename: a crash leaves the old file or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)

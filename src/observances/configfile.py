"""Which settings file is in force, and its values, without the settings schema.

The file is looked up in this order, and the first found is the only one read:
`--config FILE`, then `OBSERVANCES_CONFIG`, then `./observances.toml`, then
`$XDG_CONFIG_HOME/observances/observances.toml` (`~/.config/...` when XDG_CONFIG_HOME is
unset). A file named by option or variable must exist; the two places looked in may not.

A module apart from `settings`, so that the fast commands (`upcoming`, `list`, `show`) can
honour a registry named in the file without importing pydantic.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from observances.errors import InputError

CONFIG_ENV = "OBSERVANCES_CONFIG"
FILE_NAME = "observances.toml"

# settings that name files: a relative path in the file is relative to the file's directory,
# so that `observances init DIR` works from any working directory
PATH_SETTINGS = ("registry", "profile", "templates_dir", "data_dir")

# --config, set by the command group at the start of each run (a plain global rather than
# a ContextVar: one command runs per process, and contextvars would cost start-up)
_explicit: list[str | None] = [None]


def use(path: str | None) -> None:
    """The file --config names, for this run; None when the option is left out."""
    _explicit[0] = path


def user_file() -> Path:
    """$XDG_CONFIG_HOME/observances/observances.toml."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "observances" / FILE_NAME


def locate() -> tuple[Path | None, str]:
    """The settings file in force and how it was chosen; (None, why) when there is none."""
    for given, how in ((_explicit[0], "--config"), (os.environ.get(CONFIG_ENV), CONFIG_ENV)):
        if given:
            path = Path(given)
            if not path.is_file():
                raise InputError(
                    f"{how} {given}: no such file; `observances init` writes one, "
                    f"or leave {how} out to use the defaults"
                )
            return path, how
    if Path(FILE_NAME).is_file():
        return Path(FILE_NAME), "the working directory"
    if user_file().is_file():
        return user_file(), "XDG_CONFIG_HOME"
    return None, f"no {FILE_NAME} in the working directory or {user_file().parent}"


def read(path: Path) -> dict[str, Any]:
    """The file's values, with relative file paths made relative to the file's directory."""
    import tomllib

    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        # "Cannot overwrite a value (at line 3, column 12)" -> FILE:3: Cannot overwrite a value
        what, _, at = str(exc).partition(" (at line ")
        line = at.split(",")[0]
        where = f"{path}:{line}" if line.isdigit() else str(path)
        raise InputError(f"{where}: {what}; fix the file or give another with --config") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the settings file as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    for name in PATH_SETTINGS:
        value = data.get(name)
        if isinstance(value, str) and not Path(value).expanduser().is_absolute():
            data[name] = str(path.parent / value)
        elif isinstance(value, str):
            data[name] = str(Path(value).expanduser())
    return data


def registry_setting() -> str | None:
    """The registry the settings name, from the environment or the file, for the commands
    that load nothing else; None for the shipped one."""
    from_env = os.environ.get("OBSERVANCES_REGISTRY")
    if from_env:
        return from_env
    path, _ = locate()
    if path is None:
        return None
    value = read(path).get("registry")
    return value if isinstance(value, str) else None

"""`observances user add NAME`: an account of the signed-in desk, stored as an argon2 hash in
the [users] table of the settings file in force (see configfile.py; ./observances.toml when
there is none)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from observances.errors import InputError

NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MIN_PASSWORD = 8


def _config_path() -> Path:
    """The settings file in force (--config, OBSERVANCES_CONFIG, ./observances.toml, the
    user's); ./observances.toml, created, when there is none."""
    from observances import configfile

    found, _ = configfile.locate()
    return found or Path(configfile.FILE_NAME)


def set_user(text: str, name: str, hashed: str) -> str:
    """`text` (a TOML document) with `name = "<hash>"` in its [users] table: replaced where
    the name is there, added to the table otherwise, the table added at the end if missing.
    Line-based, so that comments and the rest of the file stay as they are."""
    line = f'{name} = "{hashed}"'
    lines = text.splitlines()
    start = next((i for i, raw in enumerate(lines) if raw.strip() == "[users]"), None)
    if start is None:
        block = ["", "[users]", line] if lines else ["[users]", line]
        return "\n".join([*lines, *block]) + "\n"
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
        len(lines),
    )
    for i in range(start + 1, end):
        key = lines[i].split("=", 1)[0].strip().strip('"')
        if "=" in lines[i] and key == name:
            lines[i] = line
            return "\n".join(lines) + "\n"
    lines.insert(start + 1, line)
    return "\n".join(lines) + "\n"


@click.group()
def user() -> None:
    """Accounts of the signed-in desk (docs/desk.md)."""


@user.command("add")
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
def add(name: str, password_stdin: bool) -> None:
    """Add NAME (or change its password) in the settings file's [users] table."""
    from observances.web.auth import hash_password

    if not NAME.fullmatch(name):
        raise InputError(
            f"user name {name!r}: use 1-64 letters, digits, dots, dashes or underscores"
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    import tomllib  # here, not at the top: `upcoming` imports this module and must stay light

    path = _config_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    updated = set_user(text, name, hash_password(password))
    try:
        tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}); fix it, then run this again") from None
    path.write_text(updated, encoding="utf-8")
    os.chmod(path, 0o600)  # the hashes are not secrets, but other settings there may be
    click.echo(f"{name} can sign in at /login after the server restarts (it reads {path}).")


COMMANDS = (user,)

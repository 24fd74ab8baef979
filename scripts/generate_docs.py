"""Regenerate the parts of docs/ that are derived from code, so they cannot drift: the
command reference (from each command's --help), the option table (from
observances.cli.options.OPTION_TABLE) and the settings reference (from the schema).

    python scripts/generate_docs.py          # rewrite the generated blocks in docs/
    python scripts/generate_docs.py --check  # exit 1 if one is out of date (tests do this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from click.testing import CliRunner  # noqa: E402

from observances.cli import cli  # noqa: E402
from observances.cli.options import OPTION_TABLE, SHORT_NAMES  # noqa: E402
from observances.settings import Settings, shown_default  # noqa: E402

# each generated block: the file it lives in, between <!-- NAME:start --> and <!-- NAME:end -->
BLOCKS = {
    "cli-reference": ROOT / "docs" / "cli-reference.md",
    "option-table": ROOT / "docs" / "command-line.md",
    "settings": ROOT / "docs" / "settings.md",
}


def cli_reference() -> str:
    runner = CliRunner()
    parts = []
    group_help = runner.invoke(cli, ["--help"], prog_name="observances", terminal_width=100)
    parts.append(f"```\n$ observances --help\n{group_help.output.rstrip()}\n```")
    for name in sorted(cli.commands):
        result = runner.invoke(cli, [name, "--help"], prog_name="observances", terminal_width=100)
        parts.append(f"## `observances {name}`\n\n```\n{result.output.rstrip()}\n```")
    return "\n\n".join(parts)


def settings_reference() -> str:
    rows = ["| Setting | Environment variable | Default | Meaning |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        rows.append(
            f"| `{name}` | `OBSERVANCES_{name.upper()}` | `{shown_default(name)}` | {description} |"
        )
    return "\n".join(rows)


TYPE_NAMES = {
    "DateType": "a date, YYYY-MM-DD",
    "StringParamType": "text",
    "IntParamType": "a number",
    "IntRange": "a whole number in a range",
    "Path": "a path",
    "Choice": "one of a list",
    "ParamType": "a file or directory",
}


def option_table() -> str:
    """Which commands take each option, from the commands themselves."""
    users: dict[str, list[str]] = {name: [] for name in OPTION_TABLE}
    for command_name in sorted(cli.commands):
        for param in cli.commands[command_name].params:
            for flag in getattr(param, "opts", []):
                if flag in users and not getattr(param, "hidden", False):
                    users[flag].append(command_name)
    short = {long: s for s, long in SHORT_NAMES.items()}
    rows = ["| Option | Takes | Commands |", "| --- | --- | --- |"]
    for flag, (kind, repeats) in OPTION_TABLE.items():
        if flag in ("--help", "--version") or (flag != "--config" and not users[flag]):
            continue
        takes = "a flag" if kind is None else TYPE_NAMES[kind.__name__]
        takes += ", repeatable" if repeats else ""
        names = f"`{short[flag]}`, `{flag}`" if flag in short else f"`{flag}`"
        where = ", ".join(users[flag]) or "the command group (before the command)"
        rows.append(f"| {names} | {takes} | {where} |")
    return "\n".join(rows)


GENERATORS = {
    "cli-reference": cli_reference,
    "option-table": option_table,
    "settings": settings_reference,
}


def render(text: str, marker: str) -> str:
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    before, found, rest = text.partition(start)
    _, found_end, after = rest.partition(end)
    if not (found and found_end):
        raise SystemExit(f"{BLOCKS[marker]} has no {start.strip()} ... {end} block")
    return before + start + GENERATORS[marker]() + "\n" + end + after


def main() -> None:
    stale = []
    for marker, path in BLOCKS.items():
        current = path.read_text(encoding="utf-8")
        fresh = render(current, marker)
        if fresh == current:
            continue
        stale.append(path)
        if "--check" not in sys.argv:
            path.write_text(fresh, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale and "--check" in sys.argv:
        names = ", ".join(str(path.relative_to(ROOT)) for path in stale)
        print(f"{names}: out of date; run `make docs`")
        raise SystemExit(1)


if __name__ == "__main__":
    main()

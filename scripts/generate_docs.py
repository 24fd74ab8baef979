"""Regenerate the parts of README.md that are derived from code, so they cannot drift:
the CLI reference (from each command's --help) and the settings reference (from the schema).

    python scripts/generate_docs.py          # rewrite README.md
    python scripts/generate_docs.py --check  # exit 1 if README.md is out of date (tests do this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from click.testing import CliRunner  # noqa: E402

from observances.cli import cli  # noqa: E402
from observances.settings import Settings  # noqa: E402

README = ROOT / "README.md"


def cli_reference() -> str:
    runner = CliRunner()
    parts = []
    group_help = runner.invoke(cli, ["--help"], prog_name="observances", terminal_width=100)
    parts.append(f"```\n$ observances --help\n{group_help.output.rstrip()}\n```")
    for name in sorted(cli.commands):
        result = runner.invoke(cli, [name, "--help"], prog_name="observances", terminal_width=100)
        parts.append(f"#### `observances {name}`\n\n```\n{result.output.rstrip()}\n```")
    return "\n\n".join(parts)


def settings_reference() -> str:
    rows = ["| Setting | Environment variable | Default | Meaning |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, tuple):
            shown = ", ".join(str(item) for item in default) or "(empty)"
        elif default is None:
            shown = "(unset)"
        else:
            shown = str(default)
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | `OBSERVANCES_{name.upper()}` | `{shown}` | {description} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    for marker, content in (("cli-reference", cli_reference()), ("settings", settings_reference())):
        start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
        before, found, rest = readme.partition(start)
        _, found_end, after = rest.partition(end)
        if not (found and found_end):
            raise SystemExit(f"README.md has no {start.strip()} ... {end} block")
        readme = before + start + content + "\n" + end + after
    return readme


def main() -> None:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        if fresh != current:
            print("README.md is out of date: run `make docs`")
            raise SystemExit(1)
        return
    README.write_text(fresh, encoding="utf-8")
    print("wrote README.md")


if __name__ == "__main__":
    main()

"""Output on a real pseudo-terminal: tables fit the width without cutting a status marker,
long output goes through the pager, NO_COLOR turns colour off."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def on_terminal(tmp_path: Path, *args: str, **env: str) -> str:
    """Run `observances ARGS` with stdout and stderr on a pseudo-terminal; return its text."""
    import pty

    primary, secondary = pty.openpty()
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER")},
        "OBSERVANCES_CACHE_DIR": str(tmp_path / "cache"),
        **env,
    }
    # stdin too: click pages only when both ends are a terminal
    process = subprocess.Popen(
        [sys.executable, "-m", "observances", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=full_env,
        cwd=ROOT,
    )
    os.close(secondary)
    chunks = []
    while True:  # read while it runs: a full terminal buffer would block the process
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes once the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    process.wait(timeout=60)
    assert process.returncode == 0, b"".join(chunks).decode()
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_narrow_table_keeps_the_unverified_marker_whole(tmp_path: Path) -> None:
    out = on_terminal(tmp_path, "list", COLUMNS="80", LINES="1000")
    lines = ANSI.sub("", out).splitlines()
    assert max(len(line) for line in lines) <= 80
    cut = [line for line in lines if "\u2026" in line]
    assert cut  # long names were cut to fit ...
    landlocked = next(line for line in lines if line.startswith("landlocked-developing"))
    assert "\u2026 (unverified)" in landlocked  # ... and the marker after the cut stays whole
    assert not any(re.search(r"\(unverif[^)]*$|\(unverified\u2026", line) for line in lines)


def test_long_output_goes_through_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = tmp_path / "pager.py"
    pager.write_text(
        "import sys\nopen(sys.argv[1], 'w').write(sys.stdin.read())\n", encoding="utf-8"
    )
    out = on_terminal(
        tmp_path, "list", COLUMNS="100", LINES="20", PAGER=f"{sys.executable} {pager} {paged}"
    )
    assert ANSI.sub("", out).strip() == ""  # nothing on the terminal itself
    text = ANSI.sub("", paged.read_text(encoding="utf-8")).splitlines()
    assert text[0].split()[:2] == ["ID", "KIND"]
    assert len(text) > 20  # the whole table, longer than the terminal


def test_short_output_is_not_paged(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    out = on_terminal(
        tmp_path,
        *("upcoming", "--from", "2026-12-01", "--days", "3"),
        LINES="40",
        PAGER=f"{sys.executable} -c pass {paged}",
    )
    assert "DATE" in out
    assert not paged.exists()


def test_no_color_turns_colour_off_on_a_terminal(tmp_path: Path) -> None:
    args = ("upcoming", "--from", "2026-12-01", "--days", "10")
    assert "\x1b[" in on_terminal(tmp_path, *args, LINES="100")
    plain = on_terminal(tmp_path, *args, LINES="100", NO_COLOR="1")
    assert "\x1b[" not in plain
    assert "Human Rights Day" in plain

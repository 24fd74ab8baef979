"""Human output: aligned tables and JSON. Colour only when writing to a terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click


def echo_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Sequence[str] = (),
    shrink: int | None = None,
) -> None:
    """Print rows as aligned columns; `styles` gives a click colour per column ('' for none).

    click.echo strips the colour codes when stdout is not a terminal. On a terminal too narrow
    for the table, column `shrink` is cut short with an ellipsis; piped output is never cut."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    if shrink is not None and sys.stdout.isatty():
        import shutil  # only a terminal needs its width; JSON and pipes skip the import

        excess = sum(widths) + 2 * (len(widths) - 1) - shutil.get_terminal_size().columns
        if excess > 0:
            widths[shrink] = max(len(headers[shrink]), widths[shrink] - excess, 20)
            rows = [_cut_cell(row, shrink, widths[shrink]) for row in rows]
    last = len(headers) - 1

    def line(cells: Sequence[str], bold: bool = False) -> str:
        out = []
        for i, cell in enumerate(cells):
            text = cell if i == last else cell.ljust(widths[i])
            colour = styles[i] if i < len(styles) else ""
            out.append(click.style(text, fg=colour or None, bold=bold))
        return "  ".join(out).rstrip()

    click.echo(line(headers, bold=True))
    for row in rows:
        click.echo(line(row))


def _cut_cell(row: Sequence[str], index: int, width: int) -> list[str]:
    cells = list(row)
    if len(cells[index]) > width:
        cells[index] = cells[index][: width - 1] + "\u2026"
    return cells

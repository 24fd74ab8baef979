"""Human output: aligned tables, JSON and CSV.

Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org; the
command group turns it off). A table longer than the terminal goes through a pager
(`click.echo_via_pager`, which honours PAGER). On a terminal too narrow for a table, one
column is cut short with an ellipsis, keeping a status marker such as "(unverified)" whole;
piped output is never cut or paged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence

import click

# markers that say what a row is worth: a cut keeps them whole, at the end of the cell
MARKERS = (" (unverified)",)
MIN_CUT_WIDTH = max(len(marker) for marker in MARKERS) + 4  # a few letters, the marker


def echo_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def echo_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    click.echo(buffer.getvalue(), nl=False)


def echo_records(fmt: str, records: Sequence[Mapping[str, object]]) -> None:
    """JSON or CSV of flat records (a list in a record becomes `a;b` in CSV)."""
    if fmt == "json":
        echo_json(list(records))
        return
    headers = list(records[0]) if records else []
    echo_csv(
        headers,
        (
            [
                ";".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                for v in record.values()
            ]
            for record in records
        ),
    )


def _on_terminal() -> bool:
    return sys.stdout.isatty()


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Sequence[str] = (),
    shrink: int | None = None,
) -> None:
    """Print rows as aligned columns; `styles` gives a click colour per column ('' for none).

    On a terminal narrower than the table, column `shrink` is cut to fit; longer than the
    terminal, the table goes through the pager."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    terminal = _on_terminal()
    if terminal:
        import shutil  # only a terminal needs its size; JSON and pipes skip the import

        size = shutil.get_terminal_size()
    last = len(headers) - 1
    if shrink is not None and terminal:
        # the column named first, then the last one (tags, a source), down to a minimum
        for column in dict.fromkeys((shrink, last)):
            excess = sum(widths) + 2 * last - size.columns
            if excess <= 0:
                break
            floor = max(len(headers[column]), MIN_CUT_WIDTH if column == shrink else 6)
            widths[column] = max(floor, widths[column] - excess)
            rows = [_cut_cell(row, column, widths[column]) for row in rows]

    def line(cells: Sequence[str], bold: bool = False) -> str:
        out = []
        for i, cell in enumerate(cells):
            text = cell if i == last else cell.ljust(widths[i])
            colour = styles[i] if i < len(styles) else ""
            out.append(click.style(text, fg=colour or None, bold=bold))
        return "  ".join(out).rstrip()

    lines = [line(headers, bold=True), *(line(row) for row in rows)]
    if terminal and len(lines) >= size.lines:
        ctx = click.get_current_context(silent=True)
        click.echo_via_pager("\n".join(lines) + "\n", color=ctx.color if ctx else None)
        return
    for text in lines:
        click.echo(text)


def _cut_cell(row: Sequence[str], index: int, width: int) -> list[str]:
    cells = list(row)
    cell = cells[index]
    if len(cell) > width:
        marker = next((m for m in MARKERS if cell.endswith(m)), "")
        head = cell[: len(cell) - len(marker)]
        room = max(width - len(marker) - 1, 1)
        cells[index] = head[:room].rstrip() + "\u2026" + marker
    return cells

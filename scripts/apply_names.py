#!/usr/bin/env python3
"""Set every registry entry's `translated_names` (ar, zh, fr, ru, es) from the names research.

    python3 apply_names.py [REGISTRY] [NAMES_TSV]
    (defaults: observances.yaml and tests/data/reference/names.tsv, from the repository root)

Idempotent: running it twice leaves the file as the first run did. It edits the registry as
text, entry by entry, so comments, order and every other field stay as they are: an entry's
existing `translated_names:` block is removed and the block built from the table is written
where it was (or before `notes:`, or at the end of the entry when it had none).

What is written, per language that the table gives a name for:
  name          the string as a source wrote it (never translated, never from memory)
  short_name    only where a source gives one
  status        confirmed (a primary source, or two independent copies agreeing) | single
  source        the address the name rests on: the first primary one, else the table's first
  source_class  primary | secondary | dataset, of `source`
  other_sources every other address, each with its class
  review        for rows the research flags CONFLICT or CAUTION (kept, with the flag: the
                recorded form has the better evidence, and a reader must see the doubt), and
                for the typographic repairs below

Source classes come from the project's one table of addresses (registry/sources.py), as every
other source in the registry does, so a name and a date are classed alike. It agrees with the
research's `classes` column except where the research classed a copy by what it copied
(PaperMonth's fr.wikipedia labels, sby168.com's copy of the UN list): the table classes an
address by its host alone. `status` is the research's.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

# the project's table: from the repository this script is in, or the one it is run from
sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "src"), str(Path.cwd() / "src")]
from observances.registry.sources import source_class  # noqa: E402

LANGS = ("ar", "zh", "fr", "ru", "es")

# Evident scrape defects repaired, with why. Both French copies (TR and PaperMonth) are scrapes
# of the same un.org/fr list, whose markup joins "crime" and "de"; the space is restored and the
# entry says so. Nothing else is changed in any name.
REPAIRS = {
    ("genocide-victims-commemoration", "fr"): (
        "crimede génocide",
        "crime de génocide",
        'both copies (scrapes of the un.org/fr list) read "crimede génocide"; the space was '
        "restored; check the current un.org/fr list",
    ),
}


def classify(address: str) -> str:
    """The project's one table (src/observances/registry/sources.py) classes every address; an
    entry that names no address (an unidentified repository) is a dataset."""
    if not address.startswith(("http://", "https://")):
        return "dataset"
    return str(source_class(address).value)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def review_of(note: str) -> str | None:
    flags = [part.strip() for part in note.split(" | ") if "CONFLICT" in part or "CAUTION" in part]
    if not flags:
        return None
    text = " ".join(flags)
    start = min(i for i in (text.find("CONFLICT"), text.find("CAUTION")) if i >= 0)
    return text[start:]


def block_for(rows: dict[str, dict[str, str]], indent: str) -> list[str]:
    out = [f"{indent}translated_names:"]
    for lang in LANGS:
        row = rows.get(lang)
        if row is None:
            continue
        sources = [s.strip() for s in row["sources"].split(" ; ") if s.strip()]
        classed = [(s, classify(s)) for s in sources]
        ordered = sorted(classed, key=lambda sc: sc[1] != "primary")  # else the table's order
        (source, source_class), others = ordered[0], ordered[1:]
        name, review = row["name"], review_of(row["note"])
        repair = REPAIRS.get((row["id"], lang))
        if repair is not None and repair[0] in name:
            name = name.replace(repair[0], repair[1])
            review = repair[2] + (f"; {review}" if review else "")
        i2, i3 = indent + "  ", indent + "    "
        out.append(f"{i2}{lang}:")
        out.append(f"{i3}name: {q(name)}")
        if row["short_name"].strip():
            out.append(f"{i3}short_name: {q(row['short_name'].strip())}")
        out.append(f"{i3}status: {row['status']}")
        out.append(f"{i3}source: {q(source)}")
        out.append(f"{i3}source_class: {source_class}")
        if others:
            out.append(f"{i3}other_sources:")
            out.extend(f"{i3}  - {{address: {q(s)}, source_class: {c}}}" for s, c in others)
        if review:
            out.append(f"{i3}review: {q(review)}")
    return out if len(out) > 1 else []


def apply(text: str, table: dict[str, dict[str, dict[str, str]]]) -> tuple[str, set[str]]:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"  - id: ", line)]
    if not starts:
        sys.exit("no entries found (expected '  - id: ...' lines)")
    out = lines[: starts[0]]
    seen: set[str] = set()
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        entry = lines[start:end]
        entry_id = entry[0].split("id:", 1)[1].strip()
        seen.add(entry_id)
        # drop the old block: its header and every line indented deeper than it
        kept: list[str] = []
        at: int | None = None
        skipping = False
        for line in entry:
            if line == "    translated_names:":
                skipping, at = True, len(kept)
                continue
            if skipping and line.startswith("      "):
                continue
            skipping = False
            kept.append(line)
        if at is None:
            notes = [i for i, line in enumerate(kept) if line.startswith("    notes:")]
            if notes:
                at = notes[0]
            else:
                at = len(kept)
                while at > 1 and kept[at - 1].strip() == "":
                    at -= 1
        block = block_for(table.get(entry_id, {}), "    ")
        out.extend(kept[:at] + block + kept[at:])
    return "\n".join(out), seen


def main() -> None:
    given = sys.argv[1:]
    defaults = ["observances.yaml", "tests/data/reference/names.tsv"]
    registry, names = (Path(p) for p in [*given, *defaults[len(given) :]][:2])
    table: dict[str, dict[str, dict[str, str]]] = {}
    with names.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["lang"] not in LANGS:
                sys.exit(f"{names}: unknown language {row['lang']!r} for {row['id']}")
            table.setdefault(row["id"], {})[row["lang"]] = row
    text, seen = apply(registry.read_text(encoding="utf-8"), table)
    unknown = sorted(set(table) - seen)
    if unknown:
        sys.exit(f"{names}: ids not in {registry}: {', '.join(unknown)}")
    registry.write_text(text, encoding="utf-8")
    counts = {lang: sum(lang in rows for rows in table.values()) for lang in LANGS}
    print(
        f"{registry}: translated names set for {len(table)} entries; "
        + ", ".join(f"{lang} {count}" for lang, count in counts.items())
    )


if __name__ == "__main__":
    main()

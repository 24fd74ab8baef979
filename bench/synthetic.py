"""A registry the size of the full UN list (about 270 observances), made from observances.yaml.

The committed registry holds a reviewed sample; the benchmarks need the full list's size. Each
observance is copied under new ids (`<id>-copy<n>`) until the count is reached, so the mix of
rules, names and citations is the real one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from observances.registry import Registry, load

ROOT = Path(__file__).resolve().parent.parent
TARGET = 270


def full_size_registry(count: int = TARGET) -> Registry:
    base = load(ROOT / "observances.yaml")
    copies = [
        dataclasses.replace(obs, id=f"{obs.id}-copy{n}", name=f"{obs.name} ({n})") if n else obs
        for n in range(count // len(base.observances) + 1)
        for obs in base.observances
    ][:count]
    return Registry(base.revision, base.tags, tuple(copies))


def write_full_size_yaml(target: Path, count: int = TARGET) -> Path:
    """The same registry as a YAML file, for the HTTP benchmark's server to watch."""
    data = yaml.safe_load((ROOT / "observances.yaml").read_text(encoding="utf-8"))
    base = data["observances"]
    data["observances"] = [
        {**obs, "id": f"{obs['id']}-copy{n}", "name": f"{obs['name']} ({n})"} if n else obs
        for n in range(count // len(base) + 1)
        for obs in base
    ][:count]
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return target

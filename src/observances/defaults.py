"""Where the tool finds its files when no option, environment variable or setting says
otherwise: the registry, profile and templates shipped inside the package.

The wheel carries copies of the repository's top-level `observances.yaml`, `profiles/` and
`templates/` under `observances/_data/` (hatch `force-include` in pyproject.toml; those
top-level files stay the source of truth). An editable install or a plain checkout has no
`_data/`, so the files are read from the checkout itself, where edits take effect at once.

A module of its own, importing nothing of the package, so that both the settings schema and
the CLI's fast commands (which never load the settings) take their defaults from one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

REGISTRY = "observances.yaml"
PROFILE = "profiles/aipr.yaml"
TEMPLATES = "templates"

MAX_BYTES = 4 * 1024 * 1024
"""The largest registry or profile file read: twelve times today's registry. Here rather than
in yamlsource.py so that reading a cached registry need not import the YAML readers."""

# what `observances init` copies for an organization to customize, besides observances.toml
CUSTOMIZABLE = (PROFILE, TEMPLATES)


@cache
def data_root() -> Path:
    """The directory holding the shipped registry, profile and templates."""
    package = Path(__file__).resolve().parent
    beside = package / "_data"
    checkout = package.parent.parent
    if beside.is_dir():
        # a wheel installed on a file system (pip and pipx never install zipped): the same
        # directory importlib.resources.files() gives, without importing it (and tempfile,
        # zipfile, random with it) on the fast commands' start-up
        return beside
    if package.parent.name == "src" and (checkout / REGISTRY).is_file():
        return checkout  # an editable install or a checkout: src/observances -> the checkout
    from importlib.resources import files

    shipped = files("observances") / "_data"
    if shipped.is_dir():  # a package imported some other way, e.g. from a zip: not yet seen
        raise RuntimeError(
            "the shipped files are inside an archive; install observances with pip or pipx"
        )
    raise RuntimeError(f"observances is installed without its data: no {beside}; reinstall it")


def shipped(name: str) -> Path:
    """The shipped copy of `name` (one of REGISTRY, PROFILE, TEMPLATES)."""
    return data_root() / name

"""observances: United Nations observances as a registry, calendar feeds and statement drafts."""

__version__ = "0.1.0"
"""The one place the version is written: pyproject.toml reads it (hatch), and the registry
cache keys on it without importing importlib.metadata at start-up."""

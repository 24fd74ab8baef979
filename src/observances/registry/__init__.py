"""What exists: the observances, their names, date rules and sources."""

from observances.registry.loader import load, loads
from observances.registry.models import Citation, DateSpan, Kind, Observance, Registry

__all__ = ["Citation", "DateSpan", "Kind", "Observance", "Registry", "load", "loads"]

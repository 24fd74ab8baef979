"""The validated-registry cache: a hit gives the same registry; any edit is validated afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from observances.errors import RegistryError
from observances.registry import load

SMALL = Path(__file__).parent / "data" / "registries" / "valid_every_rule.yaml"


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    target = tmp_path / "observances.yaml"
    shutil.copy(SMALL, target)
    return target


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("registry-*.pickle"))


def test_a_cache_hit_returns_an_equal_registry(registry_file: Path, tmp_path: Path) -> None:
    first = load(registry_file)
    assert len(cache_files(tmp_path)) == 1
    assert load(registry_file) == first


def test_an_edit_is_validated_not_served_from_the_cache(registry_file: Path) -> None:
    load(registry_file)
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(text.replace('"12-19"', '"12-32"'), encoding="utf-8")
    with pytest.raises(RegistryError, match="December has no day 32"):
        load(registry_file)
    registry_file.write_text(text.replace('"12-19"', '"12-18"'), encoding="utf-8")
    assert load(registry_file).get("fixed").dates[0].days(2004)[0][0].day == 18


def test_a_corrupt_cache_is_ignored(registry_file: Path, tmp_path: Path) -> None:
    expected = load(registry_file)
    for cached in cache_files(tmp_path):
        cached.write_bytes(b"not a pickle")
    assert load(registry_file) == expected


def test_caching_can_be_switched_off(
    registry_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVANCES_CACHE_DIR", "")
    load(registry_file)
    assert cache_files(tmp_path) == []

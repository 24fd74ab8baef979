"""The validated-registry cache: a hit gives the same registry; any edit is validated afresh."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from observances.errors import RegistryError
from observances.registry import cache as registry_cache
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


def test_the_key_follows_the_code_content_not_its_modification_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "models.py"
    module.write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(registry_cache, "SHAPING_CODE", (module,))

    def key() -> str:
        registry_cache.code_digest.cache_clear()  # once per process otherwise
        return registry_cache.location(tmp_path / "observances.yaml", b"revision: x")[1]

    before = key()
    stamp = module.stat().st_mtime_ns
    os.utime(module, ns=(stamp + 10**9, stamp + 10**9))
    assert key() == before  # touched, same code: the cache still serves
    module.write_text("A = 2\n", encoding="utf-8")
    os.utime(module, ns=(stamp, stamp))
    assert key() != before  # edited, same time: validated afresh
    module.write_text("A = 1\n", encoding="utf-8")
    assert key() == before
    monkeypatch.setattr(registry_cache, "__version__", "99.0")
    assert key() != before  # another release of the package
    registry_cache.code_digest.cache_clear()


def test_the_key_covers_the_registry_package_and_the_yaml_reader() -> None:
    names = {module.name for module in registry_cache.SHAPING_CODE}
    assert {"models.py", "rules.py", "checks.py", "loader.py", "yamlsource.py"} <= names


def test_the_version_constant_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    import observances

    assert observances.__version__ == version("observances")

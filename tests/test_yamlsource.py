"""The two YAML readers agree: the fast one only answers for files whose meaning is plain."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from observances.registry.loader import _loads_located, loads
from observances.yamlsource import fast_load, parse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import synthetic_registry  # noqa: E402


@pytest.mark.parametrize(
    "path", [ROOT / "observances.yaml", ROOT / "tests/data/registries/valid_every_rule.yaml"]
)
def test_fast_and_located_readers_build_the_same_registry(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert fast_load(text) is not None  # the fast path is really taken for these files
    assert loads(text) == _loads_located(text, str(path))


def test_the_same_for_a_synthetic_registry() -> None:
    text = synthetic_registry(200)
    assert fast_load(text) is not None
    assert loads(text) == _loads_located(text, "synthetic.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "a: no\n",
        "a: [x, Off]\n",
        "a: {b: 12:09}\n",
        "on: 1\n",
        "a: 1.5\n",
        "a: true\n",
        "a: [1\n",
        "a: 1\na: 2\n",
    ],
)
def test_fast_reader_declines_what_only_the_located_reader_may_judge(text: str) -> None:
    assert fast_load(text) is None


@pytest.mark.parametrize(
    "text", ["a: nothing\nb: 'onward'\n", "a: 2004-12-19\nb: ~\n", "a: '12-09'\nb: 2012\n"]
)
def test_fast_reader_answers_for_plain_files(text: str) -> None:
    assert fast_load(text) is not None


@pytest.mark.parametrize("text", ["a: 'no'\n", 'a: "12:09"\n', "a: nothing\nb: 'on'\n"])
def test_quoted_text_that_yaml_1_1_would_retype_is_judged_by_the_located_reader(
    text: str,
) -> None:
    # after parsing, a quoted 'no' and a plain no are the same text: the exact reader, which
    # sees the quotes, decides, and accepts the quoted form as the author's text
    assert fast_load(text) is None
    doc = parse(text, "f.yaml")
    assert doc.problems == []
    assert all(isinstance(value, str) for value in doc.data.values())


def test_located_reader_keeps_text_and_lines() -> None:
    doc = parse("a:\n  b: 2004-12-19\n  c: [1, '2']\n  d: >-\n    folded\n    text\n", "f.yaml")
    assert doc.problems == []
    assert doc.data == {"a": {"b": "2004-12-19", "c": [1, "2"], "d": "folded text"}}
    assert doc.line_of(("a", "c", 1)) == 3
    assert doc.line_of(("a", "d")) == 4
    assert doc.line_of(("a", "missing")) == 2  # falls back to where the mapping starts

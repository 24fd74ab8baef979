"""Wording a person would publish: the article of each name from the registry, ordinals first
to ninth in words (UN style), in English and Spanish drafts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from observances.drafts.render import render
from observances.drafts.templates import TemplateSet
from observances.occurrences import occurrences_in_year
from observances.profile import load_profile
from observances.registry import load

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = load(ROOT / "observances.yaml")
PROFILE = load_profile(ROOT / "profiles" / "aipr.yaml", REGISTRY)
TEMPLATES = TemplateSet.load(ROOT / "templates")


def heading(observance_id: str, year: int = 2027, language: str = "en") -> str:
    occurrence = occurrences_in_year(REGISTRY.get(observance_id), year)[0]
    draft = render(occurrence, PROFILE, TEMPLATES, language=language, today=dt.date(year, 1, 1))
    return draft.markdown.splitlines()[0]


def test_every_registry_entry_says_how_its_name_is_used_in_running_text() -> None:
    missing = [obs.id for obs in REGISTRY.observances if obs.article is None]
    assert missing == [], "run /work/research/apply_articles.py (or add `article:`) for these"


@pytest.mark.parametrize(
    ("observance_id", "expected"),
    [
        ("international-womens-day", "# AIPR marks International Women's Day"),
        (
            "chemical-warfare-victims-day",
            "# AIPR marks the Day of Remembrance for all Victims of Chemical Warfare",
        ),
        ("human-rights-day", "# AIPR marks Human Rights Day"),
        ("international-day-of-peace", "# AIPR marks the International Day of Peace"),
    ],
)
def test_the_article_comes_from_the_registry(observance_id: str, expected: str) -> None:
    assert heading(observance_id) == expected


def test_editions_first_to_ninth_are_spelled_out_in_both_languages() -> None:
    obs = REGISTRY.get("interfaith-harmony-week")  # first held in 2011
    for year, en, es in ((2017, "seventh", "séptima"), (2020, "10th", "10.ª")):
        occurrence = occurrences_in_year(obs, year)[0]
        english = render(occurrence, PROFILE, TEMPLATES, today=dt.date(year, 1, 1))
        spanish = render(occurrence, PROFILE, TEMPLATES, language="es", today=dt.date(year, 1, 1))
        assert f"the {en} World Interfaith Harmony Week" in english.markdown
        assert f": {es} " in spanish.markdown

"""Drafts: every template against every observance the profile marks, HTML escaping, reload."""

from __future__ import annotations

import datetime as dt
import shutil
from functools import cache
from pathlib import Path

import pytest

from observances.drafts.render import Draft, IncompleteDraftError, render
from observances.drafts.templates import TemplateError, TemplateSet
from observances.occurrences import Occurrence, occurrences_in_year
from observances.profile import Profile, load_profile
from observances.registry import Registry, load
from observances.words import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TODAY = dt.date(2027, 1, 15)


@cache
def registry() -> Registry:
    return load(ROOT / "observances.yaml")


@cache
def profile() -> Profile:
    return load_profile(ROOT / "profiles" / "aipr.yaml", registry())


@cache
def templates() -> TemplateSet:
    return TemplateSet.load(ROOT / "templates")


def first(observance_id: str, year: int, reg: Registry | None = None) -> Occurrence:
    return occurrences_in_year((reg or registry()).get(observance_id), year)[0]


def test_the_set_has_statements_in_both_languages() -> None:
    names = templates().statements()
    assert "statement.md.j2" in names
    assert "es/statement.md.j2" in names
    assert "kinds/week.md.j2" in names
    assert all("partials/" not in n for n in names)


MARKED = [obs.id for obs in profile().marked(registry())]
LANGUAGE_OF = {"en": "", "es": "es/"}


@pytest.mark.parametrize("name", templates().statements())
@pytest.mark.parametrize("observance_id", MARKED)
def test_every_template_renders_for_every_marked_observance(name: str, observance_id: str) -> None:
    obs = registry().get(observance_id)
    year = max(obs.since, 2027) if obs.dates[-1].until is None else obs.dates[-1].since
    found = occurrences_in_year(obs, year)
    assert found, observance_id
    prefix = name.split("/", 1)[0]
    language = prefix if prefix in LANGUAGES else "en"
    draft = render(found[0], profile(), templates(), language=language, today=TODAY, template=name)
    for text in (draft.subject, draft.markdown, draft.text, draft.html):
        assert "None" not in text
        assert "Undefined" not in text
        assert "[[TODO: ]]" not in text
    assert "\n" not in draft.subject
    assert draft.markdown.endswith("\n")
    assert not draft.markdown.endswith("\n\n")
    assert draft.placeholders  # quotes and the commitment are always left to a person


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_override_chain(language: str) -> None:
    prefix = LANGUAGE_OF[language]
    week = render(
        first("interfaith-harmony-week", 2027),
        profile(),
        templates(),
        language=language,
        today=TODAY,
    )
    day = render(
        first("genocide-victims-commemoration", 2027),
        profile(),
        templates(),
        language=language,
        today=TODAY,
    )
    if language == "en":
        assert week.template.endswith("templates/kinds/week.md.j2")
        assert day.template.endswith("templates/observances/genocide-victims-commemoration.md.j2")
    else:  # no Spanish override for these: the Spanish default, never the English override
        assert week.template.endswith(f"templates/{prefix}statement.md.j2")
        assert day.template.endswith(f"templates/{prefix}statement.md.j2")


def test_a_per_observance_override_wins(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "t")
    override = tmp_path / "t" / "observances" / "south-south-cooperation.md.j2"
    override.write_text("Subject: only for {{ observance.id }}\n\nbody\n", encoding="utf-8")
    draft = render(
        first("south-south-cooperation", 2027),
        profile(),
        TemplateSet.load(tmp_path / "t"),
        today=TODAY,
    )
    assert draft.subject == "only for south-south-cooperation"
    assert draft.template == str(override)


def test_unverified_observance_asks_for_a_check() -> None:
    draft = render(first("world-maritime-day", 2027), profile(), templates(), today=TODAY)
    assert any(
        p.startswith("[[TODO: check this observance's facts before publishing:")
        and "1978-1979" in p
        for p in draft.placeholders
    )
    es = render(
        first("world-maritime-day", 2027), profile(), templates(), language="es", today=TODAY
    )
    assert any(p.startswith("[[TODO: verificar los datos") for p in es.placeholders)


def test_a_notice_survives_a_template_that_leaves_it_out(tmp_path: Path) -> None:
    (tmp_path / "statement.md.j2").write_text("Subject: s\n\nbody\n", encoding="utf-8")
    draft = render(first("vesak", 2025), profile(), TemplateSet.load(tmp_path), today=TODAY)
    assert "[[TODO: check this observance's facts" in draft.markdown
    assert len(draft.placeholders) == 2  # and the first year behind the edition


def test_spanish_name_is_asked_for_never_invented() -> None:
    # the names research found no Spanish name for this day (tests/data/reference/names.tsv)
    solstice = "International Day of the Celebration of the Solstice"
    draft = render(
        first("solstice-day", 2027),
        profile(),
        templates(),
        language="es",
        today=TODAY,
    )
    wanted = f"[[TODO: nombre oficial en español de «{solstice}»]]"
    assert wanted in draft.subject
    assert wanted in draft.placeholders
    assert "21 de junio de 2027" in draft.markdown
    assert "9.º" in draft.markdown


def test_spanish_name_from_the_registry_when_a_source_gives_it() -> None:
    draft = render(
        first("south-south-cooperation", 2027), profile(), templates(), language="es", today=TODAY
    )
    assert "Día de las Naciones Unidas para la Cooperación Sur-Sur" in draft.subject
    assert not any("nombre oficial" in p for p in draft.placeholders)


def test_spanish_week_ordinal_is_feminine() -> None:
    draft = render(
        first("interfaith-harmony-week", 2027), profile(), templates(), language="es", today=TODAY
    )
    assert "17.ª" in draft.markdown


def test_unknown_language_is_bad_input() -> None:
    from observances.errors import InputError

    languages = "en, es, fr, ar, zh, ru"
    with pytest.raises(
        InputError, match=f"no wording for language 'de'; the languages are {languages}"
    ):
        render(
            first("south-south-cooperation", 2027),
            profile(),
            templates(),
            language="de",
            today=TODAY,
        )


def test_days_until_and_programs_from_the_profile() -> None:
    from observances.drafts.context import build_context

    context = build_context(
        first("south-south-cooperation", 2027), profile(), language="en", today=dt.date(2027, 9, 2)
    )
    assert context["occurrence"]["days_until"] == 10
    assert [p["id"] for p in context["programs"]] == ["africa", "latin-america"]


def test_html_escapes_registry_text() -> None:
    reg = load(DATA / "registries" / "script_injection.yaml")
    draft = render(first("injected-day", 2027, reg), profile(), templates(), today=TODAY)
    assert "<script>" in draft.markdown  # the source keeps the text as it is ...
    assert "<script" not in draft.html  # ... and the HTML shows it as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in draft.html
    assert "<img" not in draft.html
    assert "<mark>[[TODO:" in draft.html


def test_plain_text() -> None:
    draft = render(first("south-south-cooperation", 2027), profile(), templates(), today=TODAY)
    text = draft.text
    assert text.startswith("AIPR marks the United Nations Day for South-South Cooperation\n=====")
    assert "- A/RES/58/220, adopted 23 December 2003" in text
    assert "<https://" not in text
    assert "> [[TODO: a quote from the Director of the Africa Program]]" in text


def test_strict_completeness() -> None:
    draft = render(first("south-south-cooperation", 2027), profile(), templates(), today=TODAY)
    with pytest.raises(IncompleteDraftError) as caught:
        draft.check_complete()
    assert caught.value.exit_code == 1
    done = Draft(draft.occurrence, "en", draft.template, "s", "body\n", ())
    done.check_complete()
    assert done.complete


def test_reload_keeps_the_old_set_when_an_edit_breaks(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(ROOT / "templates", folder)
    before = TemplateSet.load(folder)
    (folder / "statement.md.j2").write_text("Subject: x\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"statement\.md\.j2:2: "):
        TemplateSet.load(folder)
    draft = render(first("south-south-cooperation", 2027), profile(), before, today=TODAY)
    assert draft.subject.startswith("AIPR marks")


def test_an_unconfirmed_first_year_asks_for_the_edition_to_be_checked() -> None:
    assert registry().get("international-day-for-tolerance").first_year.basis == "at_least"
    draft = render(
        first("international-day-for-tolerance", 2027), profile(), templates(), today=TODAY
    )
    assert "[[TODO: confirm the first year (1997) before quoting the edition number]]" in (
        draft.placeholders
    )
    stated = render(first("south-south-cooperation", 2027), profile(), templates(), today=TODAY)
    assert not any("first year" in p for p in stated.placeholders)

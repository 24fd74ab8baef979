"""Names and drafts in the UN's other languages: the names come from the research table with
their sources, validate counts them, a draft in each language says the facts in that
language's style, Arabic HTML runs right to left, and no English leaks into a draft except a
name or title that the draft marks as still to be translated."""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import recurring_ical_events
from conftest import run_cli as run
from icalendar import Calendar

from observances.drafts.render import Draft, render
from observances.drafts.templates import TemplateSet
from observances.occurrences import occurrences_in_year
from observances.profile import Profile, load_profile
from observances.registry import Registry, load
from observances.registry.models import NAME_LANGUAGES
from observances.registry.sources import source_class
from observances.words import for_language

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "drafts"
NAMES = ROOT / "tests" / "data" / "reference" / "names.tsv"
TODAY = dt.date(2027, 1, 15)
OTHER = ("fr", "ar", "zh", "ru")


@cache
def registry() -> Registry:
    return load(ROOT / "observances.yaml")


@cache
def profile() -> Profile:
    return load_profile(ROOT / "profiles" / "aipr.yaml", registry())


@cache
def templates() -> TemplateSet:
    return TemplateSet.load(ROOT / "templates")


@cache
def names_table() -> list[dict[str, str]]:
    with NAMES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def draft(observance_id: str, year: int, language: str, who: Profile | None = None) -> Draft:
    occurrence = occurrences_in_year(registry().get(observance_id), year)[0]
    return render(occurrence, who or profile(), templates(), language=language, today=TODAY)


# --- names -------------------------------------------------------------------------------------


def class_of(address: str) -> str:
    """The project's class of an address; an entry without one (an unidentified repository)
    is a dataset."""
    if not address.startswith(("http://", "https://")):
        return "dataset"
    return source_class(address).value


def test_every_name_in_the_registry_is_the_research_tables_with_its_sources() -> None:
    rows = {(r["id"], r["lang"]): r for r in names_table()}
    for obs in registry().observances:
        for language in NAME_LANGUAGES:
            given = (obs.translated_names or {}).get(language)
            row = rows.get((obs.id, language))
            if row is None:
                assert given is None, f"{obs.id} {language}: no source gives a name"
                continue
            assert given is not None, (obs.id, language)
            if given.name != row["name"]:
                # the one repaired scrape defect says so, for a person to check
                assert "restored" in (given.review or ""), (obs.id, language)
            assert given.status == row["status"]
            addresses = {given.source, *(s.address for s in given.other_sources)}
            for source in row["sources"].split(" ; "):
                assert any(a.startswith(source) for a in addresses), (obs.id, language, source)
            # classed by the project's one table of addresses, like every other source
            classes = {given.source_class, *(s.source_class for s in given.other_sources)}
            assert classes == {class_of(s) for s in row["sources"].split(" ; ")}, obs.id
            assert given.primary == ("primary" in classes)
            if "CONFLICT" in row["note"]:
                assert "CONFLICT" in (given.review or ""), (obs.id, language)


def test_validate_reports_name_coverage_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--registry", str(ROOT / "observances.yaml"))
    assert code == 0
    expected = []
    for language in NAME_LANGUAGES:
        rows = [r for r in names_table() if r["lang"] == language]
        confirmed = sum(r["status"] == "confirmed" for r in rows)
        primary = sum(
            any(class_of(s) == "primary" for s in r["sources"].split(" ; ")) for r in rows
        )
        total = len(registry().observances)
        expected.append(
            f"{language} {len(rows)}/{total} ({confirmed} confirmed, {primary} primary)"
        )
    assert "names: " + "; ".join(expected) in out
    assert "fr 253/" in out  # the research's own count of French names


# --- drafts in every language -------------------------------------------------------------------

SOUTH_SOUTH_2027 = {
    # language: (12 September 2027, 19 December, the 24th edition)
    "es": ("12 de septiembre de 2027", "19 de diciembre", "24.º"),
    "fr": ("12 septembre 2027", "19 décembre", "24e édition"),
    "ar": ("12 سبتمبر 2027", "19 ديسمبر", "للمرة الـ24"),
    "zh": ("2027年9月12日", "12月19日", "第24个"),
    "ru": ("12 сентября 2027 г.", "19 декабря", "в 24-й раз"),
}


@pytest.mark.parametrize("language", sorted(SOUTH_SOUTH_2027))
def test_the_golden_south_south_draft_says_the_facts_in_its_language(language: str) -> None:
    golden = (GOLDEN / f"south-south-cooperation-2027.{language}.md").read_text(encoding="utf-8")
    date, before, edition = SOUTH_SOUTH_2027[language]
    assert date in golden
    assert before in golden  # the move from 19 December
    assert edition in golden
    assert "A/RES/58/220" in golden
    assert "66/550" in golden  # both citations
    name = registry().get("south-south-cooperation").name_for(language, 2027)
    assert name is not None
    assert name in golden.splitlines()[0]  # the subject names the day in that language


def test_preview_prints_a_complete_draft_in_every_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths = [
        "--registry", str(ROOT / "observances.yaml"),
        "--profile", str(ROOT / "profiles" / "aipr.yaml"),
        "--templates", str(ROOT / "templates"),
    ]  # fmt: skip
    for language in ("es", *OTHER):
        code, out, _ = run(
            capsys, "preview", "south-south-cooperation", "--year", "2027", "--lang", language,
            *paths,
        )  # fmt: skip
        assert code == 0, language
        assert SOUTH_SOUTH_2027[language][0] in out


def test_french_ordinals_and_first_of_the_month() -> None:
    french = for_language("fr")
    assert french.ordinal(24) == "24e"
    assert french.ordinal(1) == "1re"  # la Journée
    assert french.long_date(dt.date(2027, 9, 1)) == "1er septembre 2027"
    assert french.month_day(dt.date(2027, 5, 1)) == "1er mai"
    assert french.the_name("Année internationale du quinoa") == "l’Année internationale du quinoa"


def test_arabic_html_runs_right_to_left_and_others_left_to_right() -> None:
    arabic = draft("south-south-cooperation", 2027, "ar").html
    assert arabic.startswith('<div lang="ar" dir="rtl">')
    for language in ("fr", "zh", "ru"):
        html = draft("south-south-cooperation", 2027, language).html
        assert html.startswith(f'<div lang="{language}" dir="ltr">')


def test_a_name_without_a_translation_is_asked_for_and_marked() -> None:
    cleanup = registry().get("world-cleanup-day")
    assert cleanup.name_for("fr", 2027) is None  # the research found no French name
    text = draft("world-cleanup-day", 2027, "fr").subject
    # a placeholder keeps single spaces: the no-break spaces inside « » become plain ones
    assert f"[[TODO: nom officiel en français de « {cleanup.name} »]]" in text


# English words that are also French, or symbols and proper names a draft may show
ALLOWED = {"aipr", "subject", "todo", "source", "sources", "page", "programme", "action", "nations"}
QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
LINK = re.compile(r"<https?://[^>]*>|https?://\S+")
WORD = re.compile(r"[A-Za-z]{2,}")


def other_name(observance_id: str, language: str) -> str:
    return registry().get(observance_id).name_for(language, 2027) or ""


def english_words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(LINK.sub(" ", text))}


@pytest.mark.parametrize("language", OTHER)
@pytest.mark.parametrize(
    "observance_id",
    ["south-south-cooperation", "genocide-victims-commemoration", "solstice-day",
     "international-day-of-peace", "interfaith-harmony-week", "world-cleanup-day"],
)  # fmt: skip
def test_no_english_leaks_into_a_draft_except_what_is_marked(
    language: str, observance_id: str
) -> None:
    english = draft(observance_id, 2027, "en")
    english_vocabulary = english_words(english.subject + english.markdown)
    other = draft(observance_id, 2027, language)
    # what a draft may show in English: text quoted inside a placeholder (an untranslated
    # name, title or registry note), addresses, and resolution symbols
    shown = QUOTED.sub(" ", other.subject + "\n" + other.markdown)
    shown = re.sub(r"\b[A-Z]+/[A-Z0-9./()]+", " ", LINK.sub(" ", shown))
    # the official name, as its source writes it, is not a leak even where a word is English too
    official = english_words(other_name(observance_id, language))
    latin = english_words(shown) - ALLOWED - official
    leaked = latin & english_vocabulary if language == "fr" else latin
    assert not leaked, f"{language} {observance_id}: {sorted(leaked)}"


def test_the_profile_gives_its_own_texts_in_a_language(tmp_path: Path) -> None:
    text = (ROOT / "profiles" / "aipr.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - id: africa\n    name: Africa Program\n",
        "  - id: africa\n    name: Africa Program\n"
        "    translations:\n      fr: {name: Programme Afrique, region: Afrique}\n",
    )
    text += "translations:\n  fr:\n    about: Texte de présentation fourni par le profil.\n"
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    french = draft("south-south-cooperation", 2027, "fr", load_profile(path, registry()))
    assert "### Programme Afrique (Afrique)" in french.markdown
    assert "Texte de présentation fourni par le profil." in french.markdown
    asked = [p for p in french.placeholders if "nom en français du programme" in p]
    assert len(asked) == 1
    assert "Latin American Program" in asked[0]


def test_every_template_in_another_language_is_marked_for_review_and_listed() -> None:
    listed = (ROOT / "docs" / "languages.md").read_text(encoding="utf-8")
    found = 0
    for language in OTHER:
        for path in sorted((ROOT / "templates" / language).rglob("*.md.j2")):
            found += 1
            header = path.read_text(encoding="utf-8").split("-#}", 1)[0]
            assert header.startswith("{#-"), path
            assert "REVIEW" in header, path
            assert path.relative_to(ROOT).as_posix() in listed, path
    assert found == 20


# --- feeds per language -------------------------------------------------------------------------


def feed_events(capsys: pytest.CaptureFixture[str], language: str) -> list[Any]:
    code, out, _ = run(
        capsys, "feed", "--registry", str(ROOT / "observances.yaml"), "--from", "2027-01-01",
        "--years", "1", "--lang", language,
    )  # fmt: skip
    assert code == 0
    calendar = Calendar.from_ical(out)
    found = recurring_ical_events.of(calendar).between(dt.date(2027, 1, 1), dt.date(2028, 1, 1))
    return sorted(found, key=lambda e: (str(e["UID"]), e.decoded("DTSTART")))


def test_a_feed_in_each_language_has_the_english_feeds_events_with_names_in_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    english = feed_events(capsys, "en")
    when = [(str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in english]
    for language in ("fr", "ar", "zh", "ru"):
        events = feed_events(capsys, language)
        assert [(str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in events] == when
        translated = 0
        for event in events:
            # the UID is <id>-<year>[-<n>]@observances
            uid = re.fullmatch(r"(.+)-2027(-\d+)?@observances", str(event["UID"]))
            assert uid is not None
            obs = registry().get(uid[1])
            name = obs.name_for(language, 2027)
            summary = event["SUMMARY"]
            if name is None:
                # the English name, said to be English, and the name asked for in that language
                assert summary.params["LANGUAGE"] == "en"
                assert str(event["DESCRIPTION"]).startswith("[[TODO: ")
            else:
                translated += 1
                assert str(summary) == name
                assert summary.params["LANGUAGE"] == language
            assert event["DESCRIPTION"].params["LANGUAGE"] == language
        assert translated > 100, language


def test_the_feed_server_serves_each_language_and_the_index_offers_them(tmp_path: Path) -> None:
    from starlette.testclient import TestClient
    from web_support import make_app, workspace

    app, _ = make_app(*workspace(tmp_path))
    with TestClient(app) as client:
        french = client.get("/feeds/all.fr.ics")
        assert french.status_code == 200
        assert french.headers["content-disposition"] == 'inline; filename="all.fr.ics"'
        assert b"DESCRIPTION;LANGUAGE=fr:" in french.content
        english = client.get("/feeds/all.ics")
        uids = [e["UID"] for e in Calendar.from_ical(english.content).walk("VEVENT")]
        assert [e["UID"] for e in Calendar.from_ical(french.content).walk("VEVENT")] == uids
        assert client.get("/feeds/all.de.ics").status_code == 404
        index = client.get("/").text
        assert 'href="http://testserver/feeds/all.ar.ics" hreflang="ar" lang="ar"' in index


def test_a_profile_text_in_a_language_without_wording_is_refused_at_load(tmp_path: Path) -> None:
    from observances.errors import RegistryError

    text = (ROOT / "profiles" / "aipr.yaml").read_text(encoding="utf-8")
    path = tmp_path / "profile.yaml"
    path.write_text(text + "translations:\n  de:\n    about: Text.\n", encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_profile(path, registry())
    (problem,) = caught.value.problems
    assert problem.path.endswith("translations.de")
    assert problem.line == text.count("\n") + 3  # where the texts of `de` start
    assert "no wording for language 'de'" in problem.message

"""The registry against the reference table it was built from.

Every row of `tests/data/reference/un-observances.tsv` either maps to a registry entry whose
computed dates agree with the row's `date_rule`, or is listed in `exclusions.tsv` with a reason.
The expected dates are computed here from the row's words, independently of the date engine.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from observances.cli import cli
from observances.profile import load_profile
from observances.registry import Observance, Registry, load

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "observances.yaml"
REFERENCE = Path(__file__).parent / "data" / "reference"
Runs = set[tuple[dt.date, dt.date]]

# Rows whose name in the table is not the entry's name (the table's is a label, not a name).
ALIASES = {
    "International Year of Peace and Trust (2025)": "international-year-of-peace-and-trust",
    (
        "United Nations Decade for afforestation and reforestation within sustainable forest "
        "management (unverified English title)"
    ): "afforestation-reforestation-decade",
}
# histories whose earlier years the table's rule does not describe: the year it applies from
TABLE_RULE_FROM = {"antimicrobial-resistance-week": 2020}
CHECKED_YEARS = (2019, *range(2024, 2031))  # 2019: the one year the road safety week is dated


@cache
def registry() -> Registry:
    return load(REGISTRY)


def read_tsv(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


ROWS = read_tsv("un-observances.tsv")
EXCLUSIONS = read_tsv("exclusions.tsv")
EXCLUDED = {row["name"] for row in EXCLUSIONS}
MAPPED = [row for row in ROWS if row["name"] not in EXCLUDED]


def entry_for(row: dict[str, str]) -> Observance:
    reg = registry()
    if row["name"] in ALIASES:
        return reg.get(ALIASES[row["name"]])
    found = [obs for obs in reg.observances if obs.name == row["name"]]
    assert len(found) == 1, f"no registry entry is named {row['name']!r}"
    return found[0]


@cache
def rows_by_entry() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    for row in MAPPED:
        rows.setdefault(entry_for(row).id, []).append(row)
    return rows


def nth_weekday(year: int, nth: str, weekday: str, month: str) -> dt.date:
    month_number = [m.lower() for m in calendar.month_name].index(month)
    weekday_number = [d.lower() for d in calendar.day_name].index(weekday)
    days = [
        dt.date(year, month_number, d)
        for d in range(1, calendar.monthrange(year, month_number)[1] + 1)
        if dt.date(year, month_number, d).weekday() == weekday_number
    ]
    order = ("first", "second", "third", "fourth")
    return days[-1] if nth == "last" else days[order.index(nth)]


def md(year: int, text: str) -> dt.date:
    return dt.date(year, int(text[:2]), int(text[3:]))


def expected(row: dict[str, str], year: int) -> Runs | None:
    """The runs the row's `date_rule` gives in `year`; None where the row says nothing."""
    rule = row["date_rule"].lower()
    if row["kind"] == "year":
        first, _, last = rule.partition("..")
        years = range(int(first), int(last or first) + 1)
        return {(dt.date(year, 1, 1), dt.date(year, 12, 31))} if year in years else set()
    if row["kind"] == "decade":
        first, _, last = rule.partition("..")
        if year == int(first):
            return {(dt.date(year, 1, 1), dt.date(int(last), 12, 31))}
        return set()
    if "biennial" in rule:  # only the 2019 week is given
        found = re.search(r"(\d{4}): (\d\d-\d\d)\.\.(\d\d-\d\d)", rule)
        assert found
        given = int(found[1])
        return {(md(given, found[2]), md(given, found[3]))} if year == given else None
    if "full moon" in rule:  # announced yearly; the row gives the 2025 date the list printed
        listed = dt.date(2025, 5, 12)
        return {(listed, listed)} if year == 2025 else None
    if "every five years" in rule:
        day = md(year, rule[:5])
        return {(day, day)} if (year - 2010) % 5 == 0 else set()
    if run := re.search(r"(\d\d-\d\d)\.\.(\d\d-\d\d)", rule):
        return {(md(year, run[1]), md(year, run[2]))}
    if re.match(r"\d\d-\d\d", rule):
        day = md(year, rule[:5])
        return {(day, day)}
    if words := re.search(r"(first|second|third|fourth|last) (\w+day) of (\w+)", rule):
        day = nth_weekday(year, words[1], words[2], words[3])
        return {(day, day)}
    if "week in which 11 november falls" in rule:
        eleventh = dt.date(year, 11, 11)
        monday = eleventh - dt.timedelta(days=eleventh.weekday())
        return {(monday, monday + dt.timedelta(days=6))}
    raise AssertionError(f"the test cannot read the rule {row['date_rule']!r}")


def actual(obs: Observance, year: int) -> Runs:
    return {(falls.start, falls.end) for falls in obs.days(year)}


def test_the_registry_validates_every_entry_in_the_file() -> None:
    # one model per `- id:` line of the file: nothing is dropped on the way in
    entries = REGISTRY.read_text(encoding="utf-8").count("\n  - id: ")
    assert len(registry().observances) == entries
    assert registry().get("south-south-cooperation").name == (
        "United Nations Day for South-South Cooperation"
    )


def test_exclusions_name_real_rows_and_give_reasons() -> None:
    names = {row["name"] for row in ROWS}
    for row in EXCLUSIONS:
        assert row["name"] in names, f"exclusions.tsv names {row['name']!r}, not in the table"
        assert row["kind"] == next(r["kind"] for r in ROWS if r["name"] == row["name"])
        assert len(row["reason"]) > 20, f"{row['name']!r}: give a reason"
    assert len(EXCLUDED) == len(EXCLUSIONS), "a row is excluded twice"


def test_no_excluded_row_is_also_in_the_registry_under_its_own_name() -> None:
    names = {obs.name for obs in registry().observances}
    assert not EXCLUDED & names


@pytest.mark.parametrize("row", MAPPED, ids=[row["name"][:60] for row in MAPPED])
def test_every_reference_row_maps_to_an_entry_with_the_same_rule(row: dict[str, str]) -> None:
    obs = entry_for(row)
    assert obs.kind.value == ("period" if row["kind"] == "other" else row["kind"])
    if row["kind"] in ("year", "decade"):
        years = tuple(range(2018, 2037))
    else:
        years = tuple(
            year for year in CHECKED_YEARS if year >= TABLE_RULE_FROM.get(obs.id, obs.since)
        )
    checked = 0
    for year in years:
        # rows that map to the same entry (two dates, two years) together give its dates
        wants = [expected(r, year) for r in rows_by_entry()[obs.id]]
        if any(w is None for w in wants):
            continue
        want: Runs = set().union(*(w for w in wants if w is not None))
        checked += 1
        got = actual(obs, year)
        if want:
            assert want <= got, f"{obs.id} in {year}: {sorted(got)}, the table says {sorted(want)}"
        else:
            assert not got, f"{obs.id} in {year}: {sorted(got)}, the table says none"
    assert checked, f"{obs.id}: no year was checked"


# years and decades added from the research table `years-decades.tsv` (its label, the name)
ADDED = {
    "International Decade for Action 'Water for Sustainable Development'": (
        'International Decade for Action "Water for Sustainable Development"'
    ),
    "International Decade for People of African Descent (first)": (
        "International Decade for People of African Descent"
    ),
}


def test_every_entry_comes_from_a_reference_row() -> None:
    mapped = {entry_for(row).id for row in MAPPED}
    added = {ADDED.get(row["name"], row["name"]) for row in read_tsv("years-decades.tsv")}
    extra = {obs.id for obs in registry().observances if obs.name in added}
    assert len(extra) == len(added) == 12
    assert {obs.id for obs in registry().observances} == mapped | extra


def test_every_entry_and_span_has_a_citation() -> None:
    for obs in registry().observances:
        symbols = {c.symbol for c in obs.citations}
        assert symbols, obs.id
        for span in obs.dates:
            assert span.cite in symbols, f"{obs.id}: span from {span.since} cites {span.cite!r}"
        for former in obs.former_names:
            assert former.cite in symbols, f"{obs.id}: former name cites {former.cite!r}"
        for move in obs.moves:
            assert move.cite in symbols, f"{obs.id}: move cites {move.cite!r}"


def test_ids_and_names_are_unique() -> None:
    observances = registry().observances
    assert len({obs.id for obs in observances}) == len(observances)
    assert len({obs.name for obs in observances}) == len(observances)


def test_every_entry_has_a_known_tag_and_the_notes_give_sources() -> None:
    reg = registry()
    for obs in reg.observances:
        assert obs.tags, f"{obs.id} has no tag"
        assert set(obs.tags) <= reg.tags.keys(), obs.id
        assert obs.name_sources, f"{obs.id}: the name needs its sources"


def test_single_source_rows_stay_unverified_until_a_primary_source_backs_their_act() -> None:
    from observances.registry.facts import FactKind
    from observances.registry.sources import SourceClass

    for row in MAPPED:
        single = "hyper-calendar" in row["proclaimed_by"] + row["notes"]
        if single or "(draft)" in row["proclaimed_by"]:
            obs = entry_for(row)
            if not obs.verified:
                continue
            # verified since: the act the reference had from one dataset now has a primary source
            for fact in obs.facts:
                if fact.kind is FactKind.ACT:
                    classes = {source.cls for source in fact.sources}
                    assert SourceClass.PRIMARY in classes, (row["name"], fact)


# translated names: tests/test_languages.py checks them against the names research table


ATROCITY_PREVENTION = {
    "holocaust-remembrance",
    "rwanda-genocide-reflection",
    "srebrenica-genocide-commemoration",
    "genocide-victims-commemoration",
    "slavery-victims-remembrance",
    "slave-trade-abolition-remembrance",
    "abolition-of-slavery-day",
    "religion-or-belief-violence-victims-day",
    "right-to-truth-day",
    "enforced-disappearances-day",
    "sexual-violence-in-conflict-day",
    "countering-hate-speech-day",
}


def test_atrocity_prevention_observances_are_tagged() -> None:
    tagged = {obs.id for obs in registry().select(tags=["atrocity-prevention"])}
    assert tagged >= ATROCITY_PREVENTION


def test_the_aipr_profile_marks_atrocity_prevention_human_rights_and_south_south() -> None:
    reg = registry()
    profile = load_profile(ROOT / "profiles" / "aipr.yaml", reg)
    marked = {obs.id for obs in profile.marked(reg)}
    themed = {obs.id for obs in reg.select(tags=["atrocity-prevention", "human-rights"])}
    assert themed <= marked
    assert "south-south-cooperation" in marked


def test_list_days_as_json_lists_every_day_of_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVANCES_CACHE_DIR", "")
    result = CliRunner().invoke(
        cli, ["list", "--kind", "day", "--json", "--registry", str(REGISTRY)]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    days = {row["name"] for row in MAPPED if row["kind"] == "day"}
    assert {item["name"] for item in listed} == days
    assert len(listed) == len(days) == 237  # 238 rows; World Migratory Bird Day has two
    assert all(item["kind"] == "day" for item in listed)


def test_show_south_south_prints_the_whole_history(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVANCES_CACHE_DIR", "")
    result = CliRunner().invoke(
        cli, ["show", "south-south-cooperation", "--registry", str(REGISTRY)]
    )
    assert result.exit_code == 0, result.output
    for text in ("19 December, 2004-2011", "12 September, from 2012", "A/RES/58/220", "66/550"):
        assert text in result.output

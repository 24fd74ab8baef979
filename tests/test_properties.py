"""Property tests: random valid rules behave, for any year."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from observances.occurrences import occurrences
from observances.registry.models import Citation, DateSpan, FirstYear, Kind, Observance
from observances.registry.rules import MONTHS, ORDINALS, WEEKDAYS, FixedDate, MonthDay, NthWeekday

years = st.integers(min_value=1950, max_value=2150)
nth_rules = st.builds(
    NthWeekday,
    nth=st.sampled_from(ORDINALS),
    weekday=st.sampled_from(WEEKDAYS),
    month=st.sampled_from(MONTHS),
)


def observance(rule: object, since: int = 1950, id: str = "x") -> Observance:
    return Observance(
        id=id,
        name=id.title(),
        kind=Kind.DAY,
        body="Test",
        citations=(Citation("S"),),
        dates=(DateSpan(since=since, rule=rule, cite="S"),),  # type: ignore[arg-type]
        first_year=FirstYear("stated", ("https://undocs.org/A/RES/1",)),
    )


@given(nth_rules, years)
def test_an_nth_weekday_lands_on_that_weekday_in_that_month(rule: NthWeekday, year: int) -> None:
    ((day, end),) = rule.days(year)
    assert day == end
    assert (day.year, day.month) == (year, MONTHS.index(rule.month) + 1)
    assert day.weekday() == WEEKDAYS.index(rule.weekday)
    if rule.nth == "last":
        assert (day + dt.timedelta(days=7)).month != day.month
    else:
        assert (day.day - 1) // 7 == ORDINALS.index(rule.nth)


def test_nth_weekdays_agree_with_dateutil_for_every_rule_over_a_century() -> None:
    from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

    for nth in ORDINALS:
        for weekday_index, weekday in enumerate(WEEKDAYS):
            for month_index, month in enumerate(MONTHS):
                rule = NthWeekday(nth=nth, weekday=weekday, month=month)  # type: ignore[arg-type]
                pick = (MO, TU, WE, TH, FR, SA, SU)[weekday_index]
                for year in range(1950, 2051):
                    first = dt.date(year, month_index + 1, 1)
                    if nth == "last":
                        expected = first + relativedelta(day=31, weekday=pick(-1))
                    else:
                        expected = first + relativedelta(weekday=pick(ORDINALS.index(nth) + 1))
                    assert rule.days(year) == ((expected, expected),), (rule, year)


# a non-leap year, so that every generated month-day exists in every year
fixed_rules = st.dates(dt.date(2001, 1, 1), dt.date(2001, 12, 31)).map(
    lambda d: FixedDate(date=MonthDay(d.month, d.day))
)


@st.composite
def registries(draw: st.DrawFn) -> list[Observance]:
    rules = draw(st.lists(st.one_of(nth_rules, fixed_rules), min_size=1, max_size=8))
    sinces = draw(st.lists(st.integers(1950, 2100), min_size=len(rules), max_size=len(rules)))
    return [
        observance(rule, since=since, id=f"o{i}")
        for i, (rule, since) in enumerate(zip(rules, sinces, strict=True))
    ]


@settings(max_examples=60)
@given(registries(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 800))
def test_occurrences_are_sorted_unique_and_inside_the_window(
    observances: list[Observance], start: dt.date, length: int
) -> None:
    end = start + dt.timedelta(days=length)
    found = occurrences(observances, start, end)
    keys = [(o.start, o.id) for o in found]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert all(start <= o.start <= end for o in found)
    assert all(o.start >= dt.date(o.observance.since, 1, 1) for o in found)
    # nothing is missed: each observance yields one per year it is in force
    for obs in observances:
        years = {o.year for o in found if o.id == obs.id}
        expected = {
            y
            for y in range(start.year, end.year + 1)
            if y >= obs.since and start <= obs.days(y)[0].start <= end
        }
        assert years == expected


@given(nth_rules, st.integers(1950, 2100), st.integers(1, 60))
def test_editions_rise_by_one_each_year_for_annual_days(
    rule: NthWeekday, since: int, span: int
) -> None:
    obs = observance(rule, since=since)
    found = occurrences((obs,), dt.date(since - 3, 1, 1), dt.date(since + span, 12, 31))
    assert [o.edition for o in found] == list(range(1, span + 2))
    assert [o.year for o in found] == list(range(since, since + span + 1))

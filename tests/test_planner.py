"""The planner: which drafts are sent and when, DST included. Pure, so no clock and no I/O."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from service_kit import profile, registry

from observances.delivery.planner import SendKey, lead_days_horizon, local_instant, plan, plan_ahead

NY = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC


def test_a_send_time_skipped_by_spring_forward_moves_forward_by_the_gap() -> None:
    # 2026-03-08 02:30 does not exist in New York: clocks go from 02:00 EST to 03:00 EDT
    instant = local_instant(dt.date(2026, 3, 8), dt.time(2, 30), NY)
    assert instant == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert instant.astimezone(NY).strftime("%H:%M %Z") == "03:30 EDT"


def test_a_send_time_repeated_by_fall_back_means_the_first_instant() -> None:
    # 2026-11-01 01:30 happens twice in New York: 01:30 EDT, then 01:30 EST an hour later
    instant = local_instant(dt.date(2026, 11, 1), dt.time(1, 30), NY)
    assert instant == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert instant.astimezone(NY).strftime("%H:%M %Z") == "01:30 EDT"


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        (dt.date(2026, 3, 7), dt.datetime(2026, 3, 7, 14, 0, tzinfo=UTC)),  # EST
        (dt.date(2026, 3, 8), dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),  # EDT
        (dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),  # EST again
    ],
)
def test_nine_oclock_is_nine_oclock_local_on_either_side_of_a_change(
    day: dt.date, expected_utc: dt.datetime
) -> None:
    assert local_instant(day, dt.time(9, 0), NY) == expected_utc


def test_a_time_of_day_with_a_fold_attribute_is_still_read_as_the_first_instant() -> None:
    later = dt.time(1, 30, fold=1)
    assert local_instant(dt.date(2026, 11, 1), later, NY).hour == 5


def test_plan_covers_marked_observances_and_each_lead_time() -> None:
    sends = plan(
        registry(),
        profile(),
        zone=UTC,
        send_time=dt.time(9, 0),
        first_day=dt.date(2027, 9, 1),
        last_day=dt.date(2027, 9, 30),
    )
    keys = {send.key for send in sends}
    # health-day is not marked; 09-12 is marked by id, 09-15 and 09-21 by tag
    assert {k.observance_id for k in keys} == {
        "south-south-cooperation",
        "democracy-day",
        "peace-day",
    }
    assert SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7) in keys
    assert len(keys) == 9
    ssc_7 = next(
        s for s in sends if s.key == SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)
    )
    assert ssc_7.send_at == dt.datetime(2027, 9, 5, 9, 0, tzinfo=UTC)
    assert ssc_7.occurrence.name == "United Nations Day for South-South Cooperation"


def test_plan_is_in_send_time_order_and_deterministic() -> None:
    def once() -> list[tuple[dt.datetime, SendKey]]:
        sends = plan(
            registry(),
            profile(),
            zone=NY,
            send_time=dt.time(9, 0),
            first_day=dt.date(2027, 9, 1),
            last_day=dt.date(2027, 9, 30),
        )
        return [(s.send_at, s.key) for s in sends]

    first = once()
    assert first == sorted(first)
    assert first == once()


def test_plan_respects_lead_days_by_id_and_the_window() -> None:
    sends = plan(
        registry(),
        profile((21, 7, 1), **{"peace-day": (3,)}),
        zone=UTC,
        send_time=dt.time(9, 0),
        first_day=dt.date(2027, 9, 20),
        last_day=dt.date(2027, 9, 21),
    )
    assert [s.key for s in sends] == [SendKey("peace-day", dt.date(2027, 9, 21), 3)]


def test_plan_ahead_reaches_the_longest_lead_time_plus_a_margin() -> None:
    reg = registry()
    prof = profile((30, 1))
    assert lead_days_horizon(prof, reg) == 30
    sends = plan_ahead(reg, prof, zone=UTC, send_time=dt.time(9, 0), today=dt.date(2027, 8, 10))
    # 30 + 7 days from 10 August reaches 16 September: 12 and 15 September, not the 21st
    assert {s.key.occurrence_date for s in sends} == {dt.date(2027, 9, 12), dt.date(2027, 9, 15)}
    # a send whose time has passed is still planned while its date is ahead (a catch-up)
    assert min(s.send_at for s in sends) < dt.datetime(2027, 8, 15, tzinfo=UTC)


def test_send_key_text_is_stable() -> None:
    assert str(SendKey("peace-day", dt.date(2027, 9, 21), 7)) == "peace-day/2027-09-21/7"

"""Commands of the sending service: plan, status, send-due, run."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from observances.cli.options import (
    format_option,
    profile_option,
    registry_option,
    settings_with,
    templates_option,
    window,
    window_options,
)
from observances.cli.output import echo_json, echo_records, table

if TYPE_CHECKING:
    from observances.profile import Profile
    from observances.registry.models import Registry
    from observances.settings import Settings


def _load(settings: Settings) -> tuple[Registry, Profile]:
    from observances.profile import load_profile
    from observances.registry import load

    registry = load(settings.registry)
    return registry, load_profile(settings.profile, registry)


def _local(instant: dt.datetime, zone: dt.tzinfo) -> str:
    return instant.astimezone(zone).isoformat(timespec="minutes")


def _human(instant: dt.datetime, zone: dt.tzinfo) -> str:
    """A send time as the other tables write dates: Thu 10 Dec 2026 09:00."""
    local = instant.astimezone(zone)
    return f"{_human_day(local.date())} {local:%H:%M}"


def _human_day(day: dt.date) -> str:
    from observances.words import for_language

    return for_language("en").short_range(day, day)


def _logging() -> None:
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # "Running job" every tick


@click.command()
@window_options(default_days=None)
@format_option
@registry_option
@profile_option
def plan(
    start: dt.date | None,
    end: dt.date | None,
    days: int | None,
    fmt: str,
    registry_path: str | None,
    profile_path: str | None,
) -> None:
    """The drafts to come: what is sent, and when, with its outbox status if known.

    Without --from, also the drafts whose send time passed while their date is still ahead:
    the service sends those at its next tick. --from, --to and --days are days of send
    times in the configured zone; the default is the longest lead time plus 7 days."""
    from observances import wiring
    from observances.delivery import planner

    settings = settings_with(registry_path, profile_path)
    registry, profile = _load(settings)
    schedule = wiring.schedule_for(settings)
    longest = planner.lead_days_horizon(profile, registry)
    today = wiring.local_today(settings)()
    first, last = window(start, end, days, today, longest + planner.MARGIN_DAYS)
    sends = [
        send
        for send in planner.plan(
            registry,
            profile,
            zone=schedule.zone,
            send_time=schedule.send_time,
            first_day=first,
            last_day=last + dt.timedelta(days=longest),
        )
        # without --from, catch-ups too: sends whose time passed while the date is ahead
        if (first if start else dt.date.min) <= schedule.date_at(send.send_at) <= last
    ]
    outbox = wiring.existing_outbox(settings)
    known = {row.key: row.status.value for row in outbox.rows(since=first)} if outbox else {}
    rows = [
        {
            "id": send.key.observance_id,
            "occurrence_date": send.key.occurrence_date.isoformat(),
            "lead_days": send.key.lead_days,
            "send_at": _local(send.send_at, schedule.zone),
            "status": known.get(send.key, "not in outbox"),
        }
        for send in sends
    ]
    if fmt != "table":
        echo_records(fmt, rows)
        return
    if not rows:
        click.echo(f"No drafts to send from {first} to {last}.")
        return
    table(
        ("SEND AT", "LEAD", "DATE", "ID", "STATUS"),
        [
            (
                _human(send.send_at, schedule.zone),
                f"{send.key.lead_days}d",
                _human_day(send.key.occurrence_date),
                send.key.observance_id,
                str(r["status"]),
            )
            for send, r in zip(sends, rows, strict=True)
        ],
        ("cyan", "", "", "", "bright_black"),
    )


@click.command()
@format_option(formats=("table", "json"))
def status(fmt: str) -> None:
    """The outbox: counts by status, what failed or was skipped and why, the next send."""
    from observances import clock, wiring
    from observances.settings import load_settings

    settings = load_settings()
    outbox = wiring.existing_outbox(settings)
    if outbox is None:
        if fmt == "json":
            echo_json({"outbox": None})
        else:
            click.echo(f"No outbox yet in {settings.data_dir}; `observances run` creates it.")
        return
    report = outbox.report(clock.now())
    if fmt == "json":
        echo_json(report.as_json())
        return
    counts = report.counts.items()
    click.echo("  ".join(f"{status}: {count}" for status, count in counts if count) or "empty")
    nxt = report.next_send
    if nxt is not None:
        click.echo(
            f"next: {nxt.key.observance_id} {_human_day(nxt.key.occurrence_date)} "
            f"({nxt.key.lead_days}d) at {_human(nxt.next_attempt_at, settings.zone)}"
        )
    for heading, found in (("Retrying", report.retrying), ("Problems", report.problems)):
        if found:
            click.echo(f"\n{heading}")
            table(
                ("ID", "DATE", "LEAD", "STATUS", "TRIES", "WHY"),
                [
                    (
                        r.key.observance_id,
                        _human_day(r.key.occurrence_date),
                        f"{r.key.lead_days}d",
                        r.status.value,
                        str(r.attempts),
                        r.last_error or "",
                    )
                    for r in found
                ],
            )


@click.command("send-due")
@click.option("--dry-run", is_flag=True, help="Log each due draft instead of sending it.")
@registry_option
@profile_option
@templates_option
def send_due(
    dry_run: bool, registry_path: str | None, profile_path: str | None, templates_dir: str | None
) -> None:
    """One pass: send every draft that is due, then exit (for cron instead of `run`)."""
    from observances import wiring

    # the service that `run` ticks, for one pass: a broken registry, profile or template
    # stops it with exit 2; a running service (or another cron run) holding the lock, exit 1

    _logging()
    settings = settings_with(registry_path, profile_path, templates_dir)
    report = wiring.send_due(settings, dry_run=dry_run or None)
    click.echo(
        f"sent {report.sent}, deferred {report.retried}, failed {report.failed}, "
        f"dry run {report.dry_run}, skipped late {report.late}"
    )


@click.command()
@click.option("--host", help="HTTP address of the feeds (env OBSERVANCES_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="HTTP port (env OBSERVANCES_PORT).")
@click.option("--unsafe-no-lock", is_flag=True, hidden=True, help="Testing only: no lock.")
@registry_option
@profile_option
@templates_option
def run(
    host: str | None,
    port: int | None,
    unsafe_no_lock: bool,
    registry_path: str | None,
    profile_path: str | None,
    templates_dir: str | None,
) -> None:
    """Run the service: serve the feeds, and send each draft when it falls due, until SIGTERM."""
    from observances.wiring import run as run_process

    _logging()
    settings = settings_with(registry_path, profile_path, templates_dir, host=host, port=port)
    run_process(settings, use_lock=not unsafe_no_lock)


COMMANDS = (plan, status, send_due, run)

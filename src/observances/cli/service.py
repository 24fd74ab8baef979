"""Commands of the sending service: plan, status, send-due, run."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from observances.cli.options import (
    date_option,
    json_option,
    profile_option,
    registry_option,
    settings_with,
    templates_option,
)
from observances.cli.output import echo_json, table

if TYPE_CHECKING:
    from observances.delivery.outbox import Outbox
    from observances.profile import Profile
    from observances.registry.models import Registry
    from observances.settings import Settings


def _load(settings: Settings) -> tuple[Registry, Profile]:
    from observances.profile import load_profile
    from observances.registry import load

    registry = load(settings.registry)
    return registry, load_profile(settings.profile, registry)


def _existing_outbox(settings: Settings) -> Outbox | None:
    """The outbox if there is one; `plan` and `status` never create it."""
    from observances.delivery.sending import outbox_for

    if settings.database_url is None and not (settings.data_dir / "outbox.sqlite3").exists():
        return None
    return outbox_for(settings)


def _local(instant: dt.datetime, settings: Settings) -> str:
    return instant.astimezone(settings.zone).isoformat(timespec="minutes")


def _logging() -> None:
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # "Running job" every tick


@click.command()
@date_option("--from", "start", "First day of send times (default: today, configured zone).")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    help="How many days of send times (default: the longest lead time plus 7).",
)
@json_option
@registry_option
@profile_option
def plan(
    start: dt.date | None,
    days: int | None,
    as_json: bool,
    registry_path: str | None,
    profile_path: str | None,
) -> None:
    """The drafts to come: what is sent, and when, with its outbox status if known.

    Without --from, also the drafts whose send time passed while their date is still ahead:
    the service sends those at its next tick."""
    from observances import clock
    from observances.delivery import planner

    settings = settings_with(registry_path, profile_path)
    registry, profile = _load(settings)
    first = start or clock.now().astimezone(settings.zone).date()
    longest = planner.lead_days_horizon(profile, registry)
    last = first + dt.timedelta(days=(days or longest + planner.MARGIN_DAYS) - 1)
    sends = [
        send
        for send in planner.plan(
            registry,
            profile,
            zone=settings.zone,
            send_time=settings.send_time,
            first_day=first,
            last_day=last + dt.timedelta(days=longest),
        )
        # without --from, catch-ups too: sends whose time passed while the date is ahead
        if (first if start else dt.date.min) <= send.send_at.astimezone(settings.zone).date()
        and send.send_at.astimezone(settings.zone).date() <= last
    ]
    outbox = _existing_outbox(settings)
    known = {row.key: row.status.value for row in outbox.rows(since=first)} if outbox else {}
    rows = [
        {
            "id": send.key.observance_id,
            "occurrence_date": send.key.occurrence_date.isoformat(),
            "lead_days": send.key.lead_days,
            "send_at": _local(send.send_at, settings),
            "status": known.get(send.key, "not in outbox"),
        }
        for send in sends
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(f"No drafts to send from {first} to {last}.")
        return
    table(
        ("SEND AT", "LEAD", "DATE", "ID", "STATUS"),
        [
            tuple(
                str(r[name]) for name in ("send_at", "lead_days", "occurrence_date", "id", "status")
            )
            for r in rows
        ],
        ("cyan", "", "", "", "bright_black"),
    )


@click.command()
@json_option
def status(as_json: bool) -> None:
    """The outbox: counts by status, what failed or was skipped and why, the next send."""
    from observances import clock
    from observances.settings import load_settings

    settings = load_settings()
    outbox = _existing_outbox(settings)
    if outbox is None:
        if as_json:
            echo_json({"outbox": None})
        else:
            click.echo(f"No outbox yet in {settings.data_dir}; `observances run` creates it.")
        return
    report = outbox.report(clock.now())
    if as_json:
        echo_json(report)
        return
    counts = report["counts"]
    assert isinstance(counts, dict)
    click.echo("  ".join(f"{name}: {count}" for name, count in counts.items() if count) or "empty")
    nxt = report["next_send"]
    if isinstance(nxt, dict):
        when = dt.datetime.fromisoformat(str(nxt["next_attempt_at"]))
        click.echo(
            f"next: {nxt['id']} {nxt['occurrence_date']} ({nxt['lead_days']}d) "
            f"at {_local(when, settings)}"
        )
    for heading, key in (("Retrying", "retrying"), ("Problems", "problems")):
        found = report[key]
        assert isinstance(found, list)
        if found:
            click.echo(f"\n{heading}")
            table(
                ("ID", "DATE", "LEAD", "STATUS", "TRIES", "WHY"),
                [
                    (
                        str(r["id"]),
                        str(r["occurrence_date"]),
                        f"{r['lead_days']}d",
                        str(r["status"]),
                        str(r["attempts"]),
                        str(r["last_error"] or ""),
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
    from observances import clock
    from observances.delivery.mail import transport_for
    from observances.delivery.sending import outbox_for
    from observances.delivery.sending import send_due as one_pass
    from observances.delivery.ticker import InstanceLock
    from observances.drafts.templates import TemplateSet
    from observances.wiring import draft_renderer

    _logging()
    settings = settings_with(registry_path, profile_path, templates_dir)
    registry, profile = _load(settings)
    templates = TemplateSet.load(settings.templates_dir)  # a broken template stops here: exit 2
    lock = InstanceLock(settings.data_dir / "observances.lock")
    lock.acquire()  # a running service (or another cron run) owns the outbox: exit 1
    outbox = outbox_for(settings)
    try:
        outbox.create()
        now = clock.now()
        outbox.recover_stuck(now, now + dt.timedelta(seconds=1))  # we hold the lock
        report = one_pass(
            outbox=outbox,
            registry=registry,
            profile=profile,
            settings=settings,
            renderer=draft_renderer(lambda: profile, lambda: templates, settings),
            transport=transport_for(settings, dry_run=dry_run or None),
            clock=clock.now,
        )
    finally:
        outbox.close()
        lock.release()
    click.echo(
        f"sent {report.sent}, deferred {report.retried}, failed {report.failed}, "
        f"dry run {report.dry_run}, skipped late {report.late}"
        + (f", superseded {report.superseded}" if report.superseded else "")
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

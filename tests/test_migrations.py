"""The schema is managed by migrations (observances/migrations/): an empty database, one at the
previous revision and an outbox made before migrations existed, on SQLite and on a real
PostgreSQL server; `run` and `send-due` refuse an out-of-date schema and say what to run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import run_cli
from service_kit import profile, registry

from observances import migrations
from observances.delivery.outbox import Outbox, Status
from observances.delivery.planner import PlannedSend, SendKey, plan
from observances.migrations import SchemaError

NOW = dt.datetime(2027, 9, 1, 9, 0, tzinfo=dt.UTC)
KEY = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'outbox.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def plan_sends() -> list[PlannedSend]:
    return plan(
        registry(),
        profile((7,)),
        zone=dt.UTC,
        send_time=dt.time(9, 0),
        first_day=dt.date(2027, 9, 1),
        last_day=dt.date(2027, 9, 30),
    )


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def legacy_outbox(url: str) -> None:
    """The outbox exactly as `metadata.create_all` made it before migrations, with one row."""
    old = sa.MetaData()
    table = sa.Table(
        "outbox",
        old,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("observance_id", sa.String(200), nullable=False),
        sa.Column("occurrence_date", sa.Date, nullable=False),
        sa.Column("lead_days", sa.Integer, nullable=False),
        sa.Column("send_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False, index=True),
        sa.Column("last_error", sa.Text),
        sa.Column("message_id", sa.String(100), nullable=False),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("refused", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("observance_id", "occurrence_date", "lead_days", name="outbox_key"),
    )
    engine = sa.create_engine(url)
    when = NOW.replace(tzinfo=None)
    try:
        if engine.dialect.name == "sqlite":
            Path(str(engine.url.database)).parent.mkdir(parents=True, exist_ok=True)
        old.create_all(engine)
        with engine.begin() as conn:
            conn.execute(
                table.insert(),
                {
                    "observance_id": KEY.observance_id,
                    "occurrence_date": KEY.occurrence_date,
                    "lead_days": KEY.lead_days,
                    "send_at": when,
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": when,
                    "message_id": "<obs.1@example.org>",
                    "sent_at": when,
                    "created_at": when,
                    "updated_at": when,
                },
            )
    finally:
        engine.dispose()


def test_an_empty_database_is_created_at_the_newest_revision(url: str) -> None:
    outbox = Outbox(url)
    try:
        outbox.create()
        assert migrations.state(outbox.engine).current == migrations.head()
        assert outbox.rows() == []
    finally:
        outbox.close()
    assert {"outbox", "workers", "plan_inputs", "alembic_version", "outbox_schema"} <= tables(url)


@pytest.mark.parametrize("previous", ["0001", "0002"])
def test_a_database_at_an_older_revision_is_refused_then_upgraded(url: str, previous: str) -> None:
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        Path(str(engine.url.database)).parent.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(engine, previous)
    engine.dispose()
    outbox = Outbox(url)
    try:
        with pytest.raises(SchemaError, match=rf"at {previous}.*observances db upgrade"):
            outbox.create()
        before, after = migrations.upgrade(outbox.engine)
        assert (before.current, after.current) == (previous, migrations.head())
        outbox.create()  # now accepted
        [send] = [s for s in plan_sends() if s.key == KEY]
        outbox.sync([send], KEY.occurrence_date, NOW)
        row = outbox.claim(outbox.due(send.send_at)[0].id, send.send_at)
        assert row is not None
        assert row.ambiguous == 0
    finally:
        outbox.close()


def test_an_outbox_from_before_migrations_keeps_its_rows(url: str) -> None:
    legacy_outbox(url)
    outbox = Outbox(url)
    try:
        assert migrations.state(outbox.engine).legacy
        with pytest.raises(SchemaError, match=r"before migrations.*observances db upgrade"):
            outbox.create()
        before, after = migrations.upgrade(outbox.engine)
        assert before.legacy
        assert after.current == migrations.head()
        [row] = outbox.rows()
        assert (row.key, row.status, row.ambiguous) == (KEY, Status.SENT, 0)
    finally:
        outbox.close()
    assert "workers" in tables(url)


def test_a_revision_this_code_does_not_know_is_refused(url: str) -> None:
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        Path(str(engine.url.database)).parent.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    outbox = Outbox(url)
    try:
        with pytest.raises(SchemaError, match=r"9999, which this observances does not know"):
            outbox.create()
        with pytest.raises(SchemaError, match="9999"):
            migrations.upgrade(outbox.engine)
    finally:
        outbox.close()


def test_db_upgrade_and_send_due_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("OBSERVANCES_DATA_DIR", str(data))
    url = f"sqlite:///{data / 'outbox.sqlite3'}"
    legacy_outbox(url)

    code, out, _ = run_cli(capsys, "db", "current")
    assert code == 0
    assert "before migrations" in out
    assert "observances db upgrade" in out

    code, _, err = run_cli(capsys, "send-due")
    assert code == 1
    assert "observances db upgrade" in err
    assert "Traceback" not in err

    code, out, _ = run_cli(capsys, "db", "upgrade")
    assert code == 0
    assert f"upgraded from 0001 (an outbox from before migrations) to {migrations.head()}" in out
    code, out, _ = run_cli(capsys, "db", "upgrade")
    assert (code, out.strip().endswith(f"already at {migrations.head()}")) == (0, True)
    code, out, _ = run_cli(capsys, "db", "current")
    assert "up to date" in out


def test_the_head_constant_names_the_newest_migration() -> None:
    assert migrations.head() == migrations.HEAD

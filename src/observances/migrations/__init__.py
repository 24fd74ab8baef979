"""The database's schema, managed by Alembic: one migration per change in `versions/`, the same
on SQLite and PostgreSQL, shipped inside the package.

- `upgrade(engine)` brings a database to the newest revision (`observances db upgrade`); an
  outbox made before migrations existed (by `metadata.create_all`) is recognised as revision
  0001 and upgraded from there.
- `check(engine)` is what `run` and `send-due` call: an empty database is created at the newest
  revision; an older one is refused with what to run (exit 1); a newer one too.

Adding a change (another table, a column): copy the newest file in `versions/`, give it the
next number as `revision` and the newest as `down_revision`, write `upgrade()` with `op.*`
(never import the live tables: a migration describes one moment), update the tables in
`delivery/schema.py` (or your own module's) to match, and add a case to
tests/test_migrations.py. There are no downgrades: restore the backup taken before upgrading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from observances.errors import ObservancesError

HEAD = "0005"
"""The newest revision in versions/ (a test checks that they agree): `check` compares the
database's with it in one query, so that starting the service does not load Alembic."""

LEGACY_REVISION = "0001"
"""What an outbox made by `metadata.create_all` before migrations is: it has this layout."""

_PG_LOCK = 0x0B5E_0001
"""pg_advisory_xact_lock key: instances starting together upgrade one at a time."""


class SchemaError(ObservancesError):
    """The database's schema is not the one this code needs. Exit 1, saying what to run."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    """The revision the database records; None when it has no outbox at all."""
    head: str
    """The newest revision this code knows."""
    legacy: bool = False
    """An outbox from before migrations: no revision recorded, the layout of 0001."""

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(__file__).parent))
    found = script.get_current_head()
    if found is None:
        raise SchemaError(f"no migrations in {script.versions}: the package is incomplete")
    return found


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(__file__).parent))
    return {rev.revision for rev in script.walk_revisions()}


def _state(connection: Connection) -> SchemaState:
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    if current is None and inspect(connection).has_table("outbox"):
        return SchemaState(LEGACY_REVISION, head(), legacy=True)
    return SchemaState(current, head())


def state(engine: Engine) -> SchemaState:
    with engine.connect() as connection:
        return _state(connection)


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def upgrade(engine: Engine, target: str = "head") -> tuple[SchemaState, SchemaState]:
    """Bring the database to the newest revision (or `target`, for tests of an older
    database); returns the state before and after. In one
    transaction: on PostgreSQL a failed migration leaves nothing half done (SQLite cannot roll
    back every DDL statement, hence the backup the documentation asks for)."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        before = _state(connection)
        _refuse_newer(before, engine)
        config = _config(connection)
        if before.legacy:
            if not inspect(connection).has_table("outbox_schema"):
                # made before the schema-version table: add it as 0001 has it
                connection.execute(text("CREATE TABLE outbox_schema (version INTEGER PRIMARY KEY)"))
                connection.execute(text("INSERT INTO outbox_schema (version) VALUES (1)"))
            command.stamp(config, LEGACY_REVISION)  # type: ignore[arg-type]
        command.upgrade(config, target)  # type: ignore[arg-type]
        after = _state(connection)
    return before, after


def _refuse_newer(found: SchemaState, engine: Engine) -> None:
    if found.current is not None and found.current not in known_revisions():
        raise SchemaError(
            f"the database {_where(engine)} is at schema revision {found.current}, which this "
            f"observances does not know (its newest is {found.head}): a newer observances "
            "upgraded it; run that version, or point OBSERVANCES_DATABASE_URL elsewhere"
        )


def _recorded(engine: Engine) -> str | None:
    """The revision in alembic_version, read directly; None when there is none (yet)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)


def check(engine: Engine) -> SchemaState:
    """Before `run` or `send-due`: create the schema in an empty database; refuse an older or a
    newer one with what to do. Returns the state found."""
    if _recorded(engine) == HEAD:
        return SchemaState(HEAD, HEAD)  # the usual case, without loading Alembic
    found = state(engine)
    if found.current is None:
        upgrade(engine)  # nothing to lose: a new outbox
        return state(engine)
    _refuse_newer(found, engine)
    if not found.up_to_date:
        what = "an outbox from before migrations" if found.legacy else f"at {found.current}"
        raise SchemaError(
            f"the database {_where(engine)} is {what}, and this observances needs schema "
            f"revision {found.head}: stop every instance, back the database up, run "
            "`observances db upgrade` once, then start the instances again"
        )
    return found

"""Alembic's entry point, run by `observances.migrations.upgrade()` (never by the `alembic`
command line: there is no alembic.ini). The caller hands over the connection, so a migration
runs in the caller's transaction, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things in place; batch mode copies the table
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

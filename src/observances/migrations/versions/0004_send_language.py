"""Each program in its language: a send's `language` ("" for the profile's own) joins the key,
so that a Spanish-language program's draft of an occurrence is its own row, sent once. The
`superseded` status needs no column, but older code cannot read it: the recorded version
rises, and older code stops instead of misreading rows.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode rebuilds the table on SQLite, which cannot change a constraint in place
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))
        batch.drop_constraint("outbox_key", type_="unique")
        batch.create_unique_constraint(
            "outbox_key", ["observance_id", "occurrence_date", "lead_days", "language"]
        )
    op.execute("INSERT INTO outbox_schema (version) VALUES (3)")

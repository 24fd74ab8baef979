"""Claims by owner: a `workers` table with heartbeats, and on each claimed row the worker that
claimed it and its lease; `ambiguous` counts the sends whose outcome the mail server left
unknown (DATA sent, no final reply).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("heartbeat_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64)))
        batch.add_column(sa.Column("lease_until", sa.DateTime))
        batch.add_column(sa.Column("ambiguous", sa.Integer, nullable=False, server_default="0"))
    # older code reads this table and refuses an outbox newer than it knows
    op.execute("INSERT INTO outbox_schema (version) VALUES (2)")

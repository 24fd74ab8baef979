"""The desk: each occurrence's state and owner, and the history of every change (who, what,
when). A person can skip an occurrence this year, which gives outbox rows the status
`skipped`: older code cannot read it, so the recorded version rises.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_state",
        sa.Column("observance_id", sa.String(200), nullable=False),
        sa.Column("occurrence_date", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("owner", sa.String(100)),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("observance_id", "occurrence_date", name="desk_state_key"),
    )
    op.create_table(
        "desk_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("observance_id", sa.String(200), nullable=False, index=True),
        sa.Column("occurrence_date", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("what", sa.Text, nullable=False),
    )
    op.execute("INSERT INTO outbox_schema (version) VALUES (4)")

"""The outbox as `metadata.create_all` made it before migrations, and the schema-version table.

An outbox created before migrations existed has exactly this layout; `upgrade()` recognises it
and records this revision without running it.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("observance_id", sa.String(200), nullable=False),
        sa.Column("occurrence_date", sa.Date, nullable=False),
        sa.Column("lead_days", sa.Integer, nullable=False),
        sa.Column("send_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("message_id", sa.String(100), nullable=False),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("refused", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("observance_id", "occurrence_date", "lead_days", name="outbox_key"),
    )
    op.create_index("ix_outbox_status", "outbox", ["status"])
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    version = op.create_table(
        "outbox_schema", sa.Column("version", sa.Integer, primary_key=True, autoincrement=False)
    )
    op.bulk_insert(version, [{"version": 1}])

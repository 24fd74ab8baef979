"""Version fencing: what the last plan was made from (the registry's revision and a digest of
the registry, profile and schedule), so that an instance with older inputs sends but does not
plan over it during a rolling deploy.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_inputs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1
        sa.Column("registry_revision", sa.Date, nullable=False),
        sa.Column("inputs_digest", sa.String(64), nullable=False),
        sa.Column("planned_by", sa.String(64), nullable=False),
        sa.Column("planned_at", sa.DateTime, nullable=False),
    )

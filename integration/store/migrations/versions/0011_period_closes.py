"""period closes: each month's latest reconciliation, its sign-off and reopening

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import integration.store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = integration.store.types.UTCDateTime(timezone=True)
    op.create_table(
        "period_closes",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("reconciled_at", moment, nullable=False),
        sa.Column("signed_off_by", sa.String(length=100), nullable=True),
        sa.Column("signed_off_at", moment, nullable=True),
        sa.Column("signed_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("reopened_at", moment, nullable=True),
        sa.Column("reopened_because", sa.String(length=500), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_period_closes")),
    )


def downgrade() -> None:
    op.drop_table("period_closes")

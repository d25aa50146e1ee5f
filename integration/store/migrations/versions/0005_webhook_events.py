"""xero webhook events, stored before the answer

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import integration.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=False),
        sa.Column("tenant_id", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("event_at", sa.String(length=64), nullable=False),
        sa.Column("received_at", integration.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", integration.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("event_key", name=op.f("uq_webhook_events_event_key")),
    )
    op.create_index(op.f("ix_webhook_events_processed_at"), "webhook_events", ["processed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_events_processed_at"), table_name="webhook_events")
    op.drop_table("webhook_events")

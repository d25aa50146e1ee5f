"""removed allocations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import integration.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "removed_allocations",
        sa.Column("allocation_id", sa.String(length=64), nullable=False),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("old_invoice_id", sa.String(length=64), nullable=False),
        sa.Column("credit_note_id", sa.String(length=64), nullable=False),
        sa.Column("credit_note_number", sa.String(length=255), nullable=True),
        sa.Column("old_invoice_number", sa.String(length=255), nullable=True),
        sa.Column("amount", integration.store.types.Money(precision=19, scale=4), nullable=False),
        sa.Column("allocated_on", sa.String(length=10), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=True),
        sa.Column("invoice_number", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("removed_at", integration.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", integration.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("allocation_id", name=op.f("pk_removed_allocations")),
    )
    op.create_index(op.f("ix_removed_allocations_state"), "removed_allocations", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_removed_allocations_state"), table_name="removed_allocations")
    op.drop_table("removed_allocations")

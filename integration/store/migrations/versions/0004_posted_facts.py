"""what the bot posted, kept on each link for drift

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import integration.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(
            sa.Column("posted_tax", integration.store.types.Money(precision=19, scale=4), nullable=True)
        )
        batch.add_column(sa.Column("posted_date", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("posted_contact_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("settles_xero_id", sa.String(length=100), nullable=True))
    op.create_index(op.f("ix_links_settles_xero_id"), "links", ["settles_xero_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_links_settles_xero_id"), table_name="links")
    with op.batch_alter_table("links") as batch:
        batch.drop_column("settles_xero_id")
        batch.drop_column("posted_contact_id")
        batch.drop_column("posted_date")
        batch.drop_column("posted_tax")

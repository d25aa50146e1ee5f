"""what drift compares and what drift alerts say, kept as data: posted lines and allocations on links, facts on
alerts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("posted_lines", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("posted_allocations", sa.JSON(), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("facts")
    with op.batch_alter_table("links") as batch:
        batch.drop_column("posted_allocations")
        batch.drop_column("posted_lines")

"""oauth states: connect tickets, OAuth states and organisation switches, each usable once

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import integration.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauth_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("remote", sa.String(length=32), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=True),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("created_at", integration.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", integration.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", integration.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("consumed_at", integration.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_states")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_oauth_states_token_hash")),
    )
    op.create_index("ix_oauth_states_switch", "oauth_states", ["purpose", "remote", "subject"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_oauth_states_switch", table_name="oauth_states")
    op.drop_table("oauth_states")

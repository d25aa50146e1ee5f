"""xero payment decisions: adopt and post anyway, a record of their own

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:00:00.000000

Until now "Post anyway" was kept only as an audit event (`payment.post_anyway`, target `document:<kind>:<id>`)
that the sync read back. Those events are copied into the new table, so a decision made before the upgrade still
lets its payment be sent; the events stay in the audit log as the trail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import integration.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xero_payment_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("xero_payment_id", sa.String(length=100), nullable=False),
        sa.Column("xero_document_id", sa.String(length=100), nullable=True),
        sa.Column("source_kind", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.String(length=100), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", integration.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xero_payment_decisions")),
        sa.UniqueConstraint(
            "xero_payment_id", "decision", name=op.f("uq_xero_payment_decisions_xero_payment_id_decision")
        ),
    )
    op.create_index(
        op.f("ix_xero_payment_decisions_xero_document_id"),
        "xero_payment_decisions",
        ["xero_document_id"],
        unique=False,
    )
    _copy_post_anyway_events()


def _copy_post_anyway_events() -> None:
    audit = sa.table(
        "audit_events",
        sa.column("at", integration.store.types.UTCDateTime(timezone=True)),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("target", sa.String),
        sa.column("detail", sa.JSON),
    )
    decisions = sa.table(
        "xero_payment_decisions",
        sa.column("xero_payment_id", sa.String),
        sa.column("source_kind", sa.String),
        sa.column("source_id", sa.String),
        sa.column("decision", sa.String),
        sa.column("decided_by", sa.String),
        sa.column("decided_at", integration.store.types.UTCDateTime(timezone=True)),
        sa.column("alert_id", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(audit.c.at, audit.c.actor, audit.c.target, audit.c.detail).where(
            audit.c.action == "payment.post_anyway"
        )
    )
    seen: set[str] = set()
    for at, actor, target, detail in rows:
        payment = str((detail or {}).get("xero_payment") or "").lower()
        kind, _, source_id = str(target or "").removeprefix("document:").partition(":")
        if not payment or payment in seen or not source_id:
            continue
        seen.add(payment)
        alert = (detail or {}).get("alert")
        connection.execute(
            decisions.insert().values(
                xero_payment_id=payment,
                source_kind=kind,
                source_id=source_id,
                decision="post_anyway",
                decided_by=actor,
                decided_at=at,
                alert_id=int(alert) if alert is not None else None,
            )
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_xero_payment_decisions_xero_document_id"), table_name="xero_payment_decisions")
    op.drop_table("xero_payment_decisions")

"""one pending unlink request per document

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00.000000
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unlink_requests") as batch:
        batch.add_column(sa.Column("pending_document", sa.String(length=150), nullable=True))
    _mark_waiting_requests()
    op.create_index(
        "uq_unlink_requests_pending_document", "unlink_requests", ["pending_document"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_unlink_requests_pending_document", table_name="unlink_requests")
    with op.batch_alter_table("unlink_requests") as batch:
        batch.drop_column("pending_document")


def _mark_waiting_requests() -> None:
    """Requests waiting for confirmation now name their document; of several for one document, the newest keeps
    the key (the others can still be confirmed or cancelled, and expire as before)."""
    connection = op.get_bind()
    requests = sa.table(
        "unlink_requests",
        sa.column("id", sa.Integer),
        sa.column("plan", sa.JSON),
        sa.column("state", sa.String),
        sa.column("expires_at", sa.DateTime),
        sa.column("pending_document", sa.String),
    )
    rows = connection.execute(
        sa.select(requests.c.id, requests.c.plan, requests.c.expires_at)
        .where(requests.c.state == "pending")
        .order_by(requests.c.id.desc())
    )
    now, seen = datetime.now(UTC), set()
    for request_id, plan, expires_at in rows.all():
        document = _document(plan)
        if document is None or document in seen or _aware(expires_at) <= now:
            continue
        seen.add(document)
        connection.execute(
            sa.update(requests).where(requests.c.id == request_id).values(pending_document=document)
        )


def _document(plan: Any) -> str | None:
    if isinstance(plan, str):
        plan = json.loads(plan)
    source = ((plan or {}).get("link") or {}).get("source")
    return str(source) if source else None


def _aware(moment: datetime | str) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

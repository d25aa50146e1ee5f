"""The ledger's tables (SQLAlchemy 2 typed mappings). Alembic owns the schema; these describe it.

Constraints carry the guarantees the engine relies on, so a bug or a race cannot break them:
- one LINKED link per source document, and per Xero document (partial unique indexes);
- one outbox row per source document version, one per idempotency key;
- one outcome per document per run; one alert per fingerprint; one lease per name;
- one decision of each kind per Xero payment (adopt, post anyway), however many people click;
- one pending unlink request per document.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from integration.store.types import Money, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Money(), dict[str, Any]: JSON()}  # noqa: RUF012


class ConnectionRow(Base):
    """OAuth tokens for one remote (xero / actionstep), encrypted; `version` guards concurrent refreshes."""

    __tablename__ = "connections"
    id: Mapped[int] = mapped_column(primary_key=True)
    remote: Mapped[str] = mapped_column(String(32), unique=True)
    tenant_id: Mapped[str | None] = mapped_column(String(100))
    tenant_name: Mapped[str | None] = mapped_column(String(255))
    token_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime | None]
    refresh_expires_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    connected_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccountMappingRow(Base):
    """Actionstep side (an account, a timekeeper, a tax code, a role) -> Xero account code or tax type."""

    __tablename__ = "account_mappings"
    __table_args__ = (UniqueConstraint("kind", "source_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(100))
    source_name: Mapped[str | None] = mapped_column(String(255))
    xero_account: Mapped[str] = mapped_column(String(50))
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LinkRow(Base):
    """A source document (one version) and the Xero document it became."""

    __tablename__ = "links"
    __table_args__ = (
        Index(
            "uq_links_active_source",
            "source_kind",
            "source_id",
            unique=True,
            sqlite_where=text("state = 'linked'"),
            postgresql_where=text("state = 'linked'"),
        ),
        Index(
            "uq_links_active_xero",
            "xero_id",
            unique=True,
            sqlite_where=text("state = 'linked'"),
            postgresql_where=text("state = 'linked'"),
        ),
        Index("ix_links_source", "source_kind", "source_id"),
        Index("ix_links_xero_number", "xero_number"),
        Index("ix_links_source_number", "source_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[str] = mapped_column(String(100))
    source_number: Mapped[str] = mapped_column(String(100))
    xero_type: Mapped[str] = mapped_column(String(32))
    xero_id: Mapped[str] = mapped_column(String(100))
    xero_number: Mapped[str | None] = mapped_column(String(255))
    total: Mapped[Decimal]
    state: Mapped[str] = mapped_column(String(16), default="linked")
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by: Mapped[str | None] = mapped_column(String(100))
    unlinked_at: Mapped[datetime | None]
    unlinked_by: Mapped[str | None] = mapped_column(String(100))
    voided_in_xero: Mapped[bool] = mapped_column(default=False)
    # What the bot posted, for drift: a change made in Xero is found by comparing with these (0004).
    posted_tax: Mapped[Decimal | None]
    posted_date: Mapped[str | None] = mapped_column(String(10))
    posted_contact_id: Mapped[str | None] = mapped_column(String(100))
    settles_xero_id: Mapped[str | None] = mapped_column(String(100), index=True)
    # The summarised lines posted and the credit-note allocations made, as JSON with amounts as text (0007).
    posted_lines: Mapped[list[Any] | None] = mapped_column(JSON)
    posted_allocations: Mapped[list[Any] | None] = mapped_column(JSON)


class PostingRow(Base):
    """The outbox: written before a document is sent, settled after; the key makes resends idempotent."""

    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", "source_version"),
        Index("ix_postings_state", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    source_kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[str] = mapped_column(String(100))
    source_number: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    xero_id: Mapped[str | None] = mapped_column(String(100))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncRunRow(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_started_at", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    api_calls: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None]


class SyncItemRow(Base):
    """One document's outcome in one run."""

    __tablename__ = "sync_items"
    __table_args__ = (
        UniqueConstraint("run_id", "source_kind", "source_id"),
        Index("ix_sync_items_recorded_at", "recorded_at"),
        Index("ix_sync_items_outcome", "outcome", "recorded_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    source_kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(100))
    source_number: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(32))
    total: Mapped[Decimal]
    tax: Mapped[Decimal]
    xero_id: Mapped[str | None] = mapped_column(String(100))
    error_code: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRow(Base):
    """A failure or mapping problem raised once in Slack, then counted, then resolved."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_open", "resolved_at", "first_seen"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(255), unique=True)
    code: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None]
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    ignored_at: Mapped[datetime | None]
    ignored_by: Mapped[str | None] = mapped_column(String(100))
    ignore_reason: Mapped[str | None] = mapped_column(Text)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    facts: Mapped[
        dict[str, Any] | None
    ]  # the problem's facts as data (a drift's number, changes, who, when; 0007)


class UnlinkRequestRow(Base):
    """An unlink request. `pending_document` names the document while the request waits for confirmation and is
    cleared when it is decided or a newer request replaces it after expiry: unique, so one document has at most one
    pending request however many people ask at once."""

    __tablename__ = "unlink_requests"
    __table_args__ = (
        Index("ix_unlink_requests_state", "state", "expires_at"),
        Index("uq_unlink_requests_pending_document", "pending_document", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100))
    pending_document: Mapped[str | None] = mapped_column(String(150))
    plan: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="pending")
    void_in_xero: Mapped[bool | None]
    requested_by: Mapped[str] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    steps_done: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(255))
    allowed: Mapped[bool] = mapped_column(default=True)
    detail: Mapped[dict[str, Any] | None]


class CursorRow(Base):
    """How far incremental reads have got, per stream."""

    __tablename__ = "cursors"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PendingDocumentRow(Base):
    """A source document left blocked or failed by a sync: read again by id each sync until it finishes, so its
    kind's cursor can move on past it."""

    __tablename__ = "pending_documents"
    source_kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(64))
    since: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RemovedAllocationRow(Base):
    """A credit-note allocation an unlink removed from a voided invoice, until it is applied again to the corrected
    invoice (or alerted as impossible). One row per Xero allocation, so an unlink step run twice records it once."""

    __tablename__ = "removed_allocations"
    allocation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(100))
    old_invoice_id: Mapped[str] = mapped_column(String(64))
    credit_note_id: Mapped[str] = mapped_column(String(64))
    credit_note_number: Mapped[str | None] = mapped_column(String(255))
    old_invoice_number: Mapped[str | None] = mapped_column(String(255))
    amount: Mapped[Decimal]
    allocated_on: Mapped[str | None] = mapped_column(String(10))
    request_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(32), index=True)
    invoice_id: Mapped[str | None] = mapped_column(String(64))
    invoice_number: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LeaseRow(Base):
    """A named, expiring lock in the database: single-flight sync, token refresh, scheduled jobs across replicas.

    `last_slot` records the last scheduled time a job ran for, so a replica never repeats it.
    """

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[str | None] = mapped_column(String(255))
    acquired_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    last_slot: Mapped[datetime | None]


class XeroPaymentDecisionRow(Base):
    """What a person decided about a payment Xero shows that the bot did not post: `adopt` (it is the firm's
    money: drift does not count it, and the Actionstep payment links to it) or `post_anyway` (other money: the held
    Actionstep payment is sent beside it). Once per payment and decision; ids are kept in lower case."""

    __tablename__ = "xero_payment_decisions"
    __table_args__ = (UniqueConstraint("xero_payment_id", "decision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    xero_payment_id: Mapped[str] = mapped_column(String(100))
    xero_document_id: Mapped[str | None] = mapped_column(String(100), index=True)
    source_kind: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    alert_id: Mapped[int | None] = mapped_column(Integer)


class WebhookEventRow(Base):
    """One event of a Xero webhook, stored before the webhook is answered, so a crash after the answer loses none.

    `event_key` (tenant, resource, time, type and category) is unique: a redelivered webhook stores nothing new.
    `outcome` is None until processed; then what came of it (`checked`, `not_ours`, `other_tenant`), set in the
    same transaction that records it processed.
    """

    __tablename__ = "webhook_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(100))
    resource_id: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(32))
    event_at: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))


class SeenRequestRow(Base):
    """A Slack request already served, kept for Slack's replay window so that no replica serves it again.

    `request_key` is a digest of what identifies the request (its signature, which covers its timestamp and body;
    an event's `event_id`; an interaction's `trigger_id`): unique, so of two replicas racing on one request exactly
    one records it. Rows whose `expires_at` has passed are deleted.
    """

    __tablename__ = "seen_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_key: Mapped[str] = mapped_column(String(80), unique=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class OAuthStateRow(Base):
    """One secret of the connect flow, kept so it can be used once: a connect link's `ticket`, an OAuth `state`,
    or an approver's confirmation that the next connect may `switch` organisation (migration 0010).

    Only a hash of the secret is stored (`token_hash`, unique), with its `purpose`, so a ticket is never accepted
    as a state nor a state as a ticket. A state carries the hash of the browser cookie set when it was issued
    (`browser_hash`) and the PKCE verifier, encrypted (`secret_ciphertext`). `consumed_at` is set by the one
    `UPDATE ... WHERE consumed_at IS NULL` that wins; a switch is usable once `approved_at` is set. `subject` is the
    organisation a switch leads to.
    """

    __tablename__ = "oauth_states"
    __table_args__ = (Index("ix_oauth_states_switch", "purpose", "remote", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    remote: Mapped[str] = mapped_column(String(32))
    started_by: Mapped[str] = mapped_column(String(100))
    browser_hash: Mapped[str | None] = mapped_column(String(64))
    secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    subject: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None]
    consumed_at: Mapped[datetime | None]


class PeriodCloseRow(Base):
    """A month's close (migration 0011): the latest reconciliation's fingerprint, whether it agreed and was ready
    to sign, and the sign-off. `period` is `YYYY-MM`. The sign-off is one `UPDATE ... WHERE fingerprint = :seen AND
    state <> 'signed_off'`, so two clicks sign off once, and only the reconciliation the approver saw; a later
    reconciliation with another fingerprint reopens a signed-off period (`reopened_at`, `reopened_because`)."""

    __tablename__ = "period_closes"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    fingerprint: Mapped[str] = mapped_column(String(64))
    agrees: Mapped[bool] = mapped_column(default=False)
    ready: Mapped[bool] = mapped_column(default=False)
    reconciled_at: Mapped[datetime]
    signed_off_by: Mapped[str | None] = mapped_column(String(100))
    signed_off_at: Mapped[datetime | None]
    signed_fingerprint: Mapped[str | None] = mapped_column(String(64))
    reopened_at: Mapped[datetime | None]
    reopened_because: Mapped[str | None] = mapped_column(String(500))
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))

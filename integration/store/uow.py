"""The unit of work: one transaction, the repositories that share it, and rollback unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from integration.store.alerts import AlertRepository
from integration.store.audit import AuditRepository
from integration.store.closes import PeriodCloseRepository
from integration.store.connections import ConnectionRepository
from integration.store.cursors import CursorRepository
from integration.store.decisions import PaymentDecisionRepository
from integration.store.leases import LeaseRepository
from integration.store.links import LinkRepository
from integration.store.mappings import MappingRepository
from integration.store.oauth_states import OAuthStateRepository
from integration.store.outbox import OutboxRepository
from integration.store.pending import PendingRepository
from integration.store.reallocations import ReallocationRepository
from integration.store.runs import RunRepository
from integration.store.secrets import TokenCipher
from integration.store.seen_requests import SeenRequestRepository
from integration.store.unlinks import UnlinkRepository
from integration.store.webhooks import WebhookRepository


class UnitOfWork:
    """`with store.unit_of_work() as uow: ...; uow.commit()`. Leaving the block without `commit()` (or by an
    exception) rolls everything back."""

    links: LinkRepository
    outbox: OutboxRepository
    runs: RunRepository
    connections: ConnectionRepository
    mappings: MappingRepository
    cursors: CursorRepository
    pending: PendingRepository
    audit: AuditRepository
    leases: LeaseRepository
    alerts: AlertRepository
    unlinks: UnlinkRepository
    reallocations: ReallocationRepository
    webhooks: WebhookRepository
    payment_decisions: PaymentDecisionRepository
    seen_requests: SeenRequestRepository
    oauth_states: OAuthStateRepository
    closes: PeriodCloseRepository

    def __init__(self, session_factory: sessionmaker[Session], cipher: TokenCipher) -> None:
        self._session_factory = session_factory
        self._cipher = cipher

    def __enter__(self) -> UnitOfWork:
        self.session = session = self._session_factory()
        self.links = LinkRepository(session)
        self.outbox = OutboxRepository(session)
        self.runs = RunRepository(session)
        self.connections = ConnectionRepository(session, self._cipher)
        self.mappings = MappingRepository(session)
        self.cursors = CursorRepository(session)
        self.pending = PendingRepository(session)
        self.audit = AuditRepository(session)
        self.leases = LeaseRepository(session)
        self.alerts = AlertRepository(session)
        self.unlinks = UnlinkRepository(session)
        self.reallocations = ReallocationRepository(session)
        self.webhooks = WebhookRepository(session)
        self.payment_decisions = PaymentDecisionRepository(session)
        self.seen_requests = SeenRequestRepository(session)
        self.oauth_states = OAuthStateRepository(session, self._cipher)
        self.closes = PeriodCloseRepository(session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

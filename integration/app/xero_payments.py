"""Acting on a `payment.paid_in_xero` alert: link the Actionstep payment to the payment Xero already shows, or post
it anyway.

Both re-read Xero and Actionstep before acting, run under a lease named after the alert so concurrent clicks act
once, and are audited. Link records the same kind of link a sync's adoption does and resolves the alert; a second
click finds the link and changes nothing. Post anyway records the decision once (`xero_payment_decisions`, which
the sync reads), then runs a sync through the alert's retry, whose lease and the outbox make it post exactly once.
`link_adopted` is Link on behalf of an adoption made on a drift alert: only the same money, to an adopted payment.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta

from integration.alerting.desk import AlertDesk, alert_target
from integration.app.syncing import RetryResult, Syncing
from integration.domain import (
    Alert,
    AlertState,
    Document,
    DocumentKind,
    Link,
    PaymentDecision,
    PaymentDecisionKind,
    SourceRef,
)
from integration.errors import AlreadyLinked
from integration.leases import LeaseBusy, held
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.bankfeed import PaymentMatching, XeroPaymentMatch, match_payment
from integration.store import Store
from integration.sync.delivery import PAID_IN_XERO
from integration.sync.kind_pass import Progress

ACT_TTL = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PaymentAction:
    """What a click did: `changed` when this call linked (or allowed the post), `text` says what happened."""

    alert: Alert
    changed: bool
    text: str
    retry: RetryResult | None = None


@dataclass(frozen=True, slots=True)
class _Found:
    """The Actionstep payment as it is now, the Xero document it pays, and the Xero payment it matches now."""

    document: Document
    invoice_id: str
    match: XeroPaymentMatch | None


class XeroPayments:
    """Link or Post anyway for the payments Xero already shows paid; `Service.xero_payments`."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        desk: AlertDesk,
        syncing: Syncing,
        matching: PaymentMatching,
    ) -> None:
        self._store = store
        self._actionstep = actionstep
        self._xero = xero
        self._desk = desk
        self._syncing = syncing
        self._matching = matching

    def link(self, alert_id: int, actor: str) -> PaymentAction:
        """Link the alert's Actionstep payment to the payment Xero shows now, once, and resolve the alert."""
        alert = self._desk.get(alert_id)
        if (done := self._settled(alert)) is not None:
            return done
        try:
            with held(self._store, f"alert-payment:{alert_id}", ACT_TTL, detail=actor):
                return self._link(alert, actor)
        except LeaseBusy as busy:
            who = f" by {busy.detail}" if busy.detail else ""
            return PaymentAction(self._desk.get(alert_id), False, f"Already being linked{who}.")

    def link_adopted(
        self, alert_id: int, actor: str, invoice_id: str, adopted: Collection[str]
    ) -> PaymentAction | None:
        """Link the alert's Actionstep payment when it pays `invoice_id` and is the same money (amount, and date
        within the window) as one of the `adopted` Xero payments; None when the alert is not such a one."""
        alert = self._desk.get(alert_id)
        if self._settled(alert) is not None:
            return None
        only = {a.lower() for a in adopted}
        try:
            with held(self._store, f"alert-payment:{alert_id}", ACT_TTL, detail=actor):
                found = self._read(alert)
                if isinstance(found, str) or found.invoice_id.lower() != invoice_id.lower():
                    return None
                match = found.match
                if match is None or not match.exact or match.payment.xero_id.lower() not in only:
                    return None
                return self._link(alert, actor, found)
        except LeaseBusy:
            return None

    def post_anyway(
        self, alert_id: int, actor: str, *, progress: Callable[[Progress], None] | None = None
    ) -> PaymentAction:
        """Allow the held payment to be posted beside Xero's, then sync; the post happens once however many click."""
        alert = self._desk.get(alert_id)
        if (done := self._settled(alert)) is not None:
            return done
        found = self._read(alert)
        if isinstance(found, str):
            return PaymentAction(alert, False, found)
        document, match = found.document, found.match
        changed = False
        if match is not None:
            decision = PaymentDecision(
                match.payment.xero_id, found.invoice_id, PaymentDecisionKind.POST_ANYWAY, actor,
                source=document.ref, alert_id=alert_id,
            )  # fmt: skip
            with self._store.unit_of_work() as uow:
                if uow.payment_decisions.record(decision):
                    detail = {"xero_payment": match.payment.xero_id, "document": str(document.ref)}
                    uow.audit.record(actor, "alert.post_anyway", alert_target(alert_id), detail=detail)
                    changed = True
                uow.commit()
        retry = self._syncing.retry(alert_id, actor, progress=progress)
        text = retry.busy or f"{document.number} is posted beside Xero's payment by a sync."
        return PaymentAction(retry.alert, changed, text, retry)

    def _settled(self, alert: Alert) -> PaymentAction | None:
        if alert.code != PAID_IN_XERO or not alert.documents:
            return PaymentAction(alert, False, "This alert is not about a payment already in Xero.")
        if alert.state is not AlertState.OPEN:
            return PaymentAction(alert, False, f"Nothing to do: this alert is already {alert.state.value}.")
        return None

    def _read(self, alert: Alert) -> _Found | str:
        """The Actionstep payment as it is now, and the Xero payment it matches now; or why there is none."""
        kind, _, source_id = alert.documents[0].ref.partition(":")
        ref = SourceRef(DocumentKind(kind), source_id)
        document = next(
            (d for d in self._actionstep.documents_by_id(ref.kind, [ref.id]) if isinstance(d, Document)), None
        )
        if document is None:
            return "Actionstep no longer has this payment approved: nothing to link."
        with self._store.unit_of_work() as uow:
            if (link := uow.links.active(ref)) is not None:
                return f"Nothing to do: {document.number} is already linked to Xero {link.xero_number}."
            invoices = uow.links.active_for(document.depends_on)
        if not invoices:
            return f"The invoice {document.number} pays is not linked in Xero any more."
        invoice_id = next(iter(invoices.values())).xero_id
        seen = self._xero.payments_on([invoice_id]).get(invoice_id.lower(), [])
        with self._store.unit_of_work() as uow:
            ours = uow.links.active_by_xero_id(p.xero_id for p in seen)
        others = [p for p in seen if p.xero_id.lower() not in ours]
        match = match_payment(document.total, document.date, others, days=self._matching.days)
        return _Found(document, invoice_id, match)

    def _link(self, alert: Alert, actor: str, found: _Found | str | None = None) -> PaymentAction:
        found = found or self._read(alert)
        if isinstance(found, str):
            return PaymentAction(self._desk.get(alert.id), False, found)
        document, match = found.document, found.match
        if match is None:
            return PaymentAction(
                alert, False, f"Xero no longer shows a payment for {document.number} to link to: sync again."
            )
        payment = match.payment
        link = Link(
            source=document.ref,
            source_version=document.version,
            source_number=document.number,
            xero_id=payment.xero_id,
            xero_number=payment.reference or document.number,
            xero_type="PAYMENT",
            total=document.total,
            linked_by=actor,
        )
        with self._store.unit_of_work() as uow:
            try:
                uow.links.add(link)
            except AlreadyLinked:
                return PaymentAction(self._desk.get(alert.id), False, f"{document.number} is already linked.")
            detail = {"xero_payment": payment.xero_id, "document": str(document.ref)}
            uow.audit.record(actor, "alert.link_xero_payment", alert_target(alert.id), detail=detail)
            uow.payment_decisions.name_source(payment.xero_id, PaymentDecisionKind.ADOPT, document.ref)
            uow.pending.remove([document.ref])
            uow.commit()
        self._desk.resolve(alert.id)
        text = f"Linked {document.number} to the payment Xero already shows (Xero id {payment.xero_id})."
        return PaymentAction(self._desk.get(alert.id), True, text)

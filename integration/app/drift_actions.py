"""Acting on a drift alert: Check again, Unlink in the ledger, Adopt Xero's payment.

Each click runs under a lease named after the alert (one action at a time per alert, whoever clicks), re-reads
Xero before acting, is audited, and ends with the alert resolved when its drift is dealt with; a click on an alert
already resolved changes nothing and says so.

- Check again compares the document with Xero now (`DriftWatching.check_ids`, the webhook's path) and resolves the
  alert when the drift is gone.
- Unlink in the ledger turns the bot's link into history (Xero is never written to), and for an invoice or credit
  note Xero deleted or voided also the links of the bot's payments on it that Xero no longer has; the reply says
  what the next sync does with it (`rules.drift_unlink`).
- Adopt Xero's payment records, per payment on the document the bot did not post, a decision
  (`xero_payment_decisions`): drift stops counting it as paid elsewhere, the sync links the Actionstep payment to it
  when it arrives with the same amount and date (`sync.delivery`), and a `payment.paid_in_xero` alert already
  holding that Actionstep payment is linked now (`XeroPayments.link_adopted`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from integration.alerting.desk import AlertDesk, alert_target
from integration.app.drift import DriftWatching
from integration.app.xero_payments import XeroPayments
from integration.domain import (
    Alert,
    AlertChanges,
    AlertSource,
    AlertState,
    DocumentKind,
    DriftFinding,
    DriftKind,
    DriftPass,
    Link,
    PaymentDecision,
    PaymentDecisionKind,
    XeroPaymentState,
)
from integration.errors import describe
from integration.leases import LeaseBusy, held
from integration.ports import XeroGateway
from integration.rules.bankfeed import PaymentMatching
from integration.rules.drift_unlink import next_sync
from integration.rules.posting import ENDPOINT_OF_KIND
from integration.store import Store
from integration.sync.delivery import PAID_IN_XERO

ACT_TTL = timedelta(minutes=5)
ADOPTABLE = frozenset({DriftKind.PAID_ELSEWHERE.code})
UNLINKABLE = frozenset(
    k.code for k in (DriftKind.DELETED, DriftKind.VOIDED, DriftKind.EDITED, DriftKind.PAYMENT_DELETED)
)
GONE = frozenset({DriftKind.DELETED, DriftKind.VOIDED, DriftKind.PAYMENT_DELETED})  # Xero's copy is gone


@dataclass(frozen=True, slots=True)
class DriftAction:
    """What a click did: `changed` when this call acted, `text` says what happened; `changes` are other alerts it
    raised, counted or resolved (their messages need updating too)."""

    alert: Alert
    changed: bool
    text: str
    changes: AlertChanges = field(default_factory=AlertChanges)


class DriftActions:
    """The buttons of drift alerts; `Service.drift_actions`."""

    def __init__(
        self,
        store: Store,
        xero: XeroGateway,
        drift: DriftWatching | None,
        desk: AlertDesk,
        payments: XeroPayments,
        matching: PaymentMatching,
    ) -> None:
        self._store = store
        self._xero = xero
        self._drift = drift
        self._desk = desk
        self._payments = payments
        self._matching = matching

    def check_again(self, alert_id: int, actor: str) -> DriftAction:
        """Compare the alert's document with Xero now; resolve the alert when the drift is gone."""
        return self._act(alert_id, actor, None, self._check_again)

    def unlink(self, alert_id: int, actor: str) -> DriftAction:
        """Unlink the drifted document in the ledger (never in Xero), once, after reading Xero again."""
        return self._act(alert_id, actor, UNLINKABLE, self._unlink)

    def adopt(self, alert_id: int, actor: str) -> DriftAction:
        """Adopt the payments Xero shows on the document that the bot did not post, once, after reading Xero."""
        return self._act(alert_id, actor, ADOPTABLE, self._adopt)

    def _act(
        self,
        alert_id: int,
        actor: str,
        codes: frozenset[str] | None,
        act: Callable[[Alert, str], DriftAction],
    ) -> DriftAction:
        alert = self._desk.get(alert_id)
        if (refusal := _refusal(alert, codes)) is not None:
            return DriftAction(alert, False, refusal)
        try:
            with held(self._store, f"alert-drift:{alert_id}", ACT_TTL, detail=actor):
                alert = self._desk.get(alert_id)  # a click that held the lease before may have settled it
                if (refusal := _refusal(alert, codes)) is not None:
                    return DriftAction(alert, False, refusal)
                done = act(alert, actor)
                # The clicked alert's own message is updated by the caller; `changes` are the others.
                others = [a for a in done.changes.resolved if a.id != alert_id]
                done.changes.resolved[:] = others
                return done
        except LeaseBusy as busy:
            who = f" by {busy.detail}" if busy.detail else ""
            return DriftAction(self._desk.get(alert_id), False, f"Already being handled{who}.")

    # Check again -------------------------------------------------------------------------------------------------

    def _check_again(self, alert: Alert, actor: str) -> DriftAction:
        found = self._look(alert)
        if isinstance(found, str):
            return DriftAction(alert, False, found)
        now = self._desk.get(alert.id)
        if now.state is AlertState.RESOLVED:
            text = "Xero matches what the bot posted again: the alert is resolved."
            others = [a for a in found.changes.new if a.id != alert.id]
            if others:
                text = f"Xero changed it again: it is now {_titles(others)}, raised as a new alert."
        else:
            text = "Still there: Xero still differs from what the bot posted, as the alert says."
        self._audit(actor, "alert.check_again", alert.id, {"result": _result(now)})
        return DriftAction(now, now.state is AlertState.RESOLVED, text, found.changes)

    # Unlink in the ledger ----------------------------------------------------------------------------------------

    def _unlink(self, alert: Alert, actor: str) -> DriftAction:
        link = self._link_of(alert)
        if link is None:
            return self._resolved(alert, "The document is not linked any more: nothing to unlink.")
        found = self._look(alert)
        if isinstance(found, str):
            return DriftAction(alert, False, f"{found} Nothing was unlinked.")
        finding = next((f for f in found.findings if f.subject == alert.subject), None)
        if finding is None:
            text = "Xero matches what the bot posted again: nothing to unlink."
            return self._resolved(alert, text, found.changes)
        kinds = [d.kind for d in finding.drifts if d.kind.code in UNLINKABLE]
        if not kinds:
            text = f"Xero no longer shows what this alert says: it is now {_titles_of(finding)}. Nothing was unlinked."
            return DriftAction(self._desk.get(alert.id), False, text, found.changes)
        drift = min(kinds, key=list(DriftKind).index)
        gone = drift in GONE
        still: set[str] = set()
        if gone and link.settles_xero_id is None and drift is not DriftKind.PAYMENT_DELETED:
            still = {
                p.xero_id.lower()
                for p in self._xero.payments_on([link.xero_id]).get(link.xero_id.lower(), [])
            }
        reason = f"{drift.code}: Xero shows it {_words(drift)}; unlinked in the ledger by {actor}"
        with self._store.unit_of_work() as uow:
            unlinked = uow.links.unlink(link.source, by=actor, voided_in_xero=gone)
            if unlinked is None:
                return self._resolved(alert, "Nothing to do: it was already unlinked.")
            payments: list[Link] = []
            if gone and link.settles_xero_id is None:
                for paying in uow.links.active_settling([link.xero_id]).get(link.xero_id.lower(), []):
                    if paying.xero_id.lower() not in still:
                        uow.links.unlink(paying.source, by=actor, voided_in_xero=True)
                        payments.append(paying)
            detail = {
                "document": str(link.source),
                "xero": link.xero_id,
                "drift": drift.code,
                "reason": reason,
                "payments": [p.source_number for p in payments],
                "result": f"{link.source_number} unlinked in the ledger",
            }
            uow.audit.record(actor, "alert.unlink_in_ledger", alert_target(alert.id), detail=detail)
            uow.commit()
        subjects = {alert.subject, *(f"xero:{p.xero_id.lower()}" for p in payments)}
        changes = self._resolve_subjects(subjects, found.changes)
        text = next_sync(link.source_number, link.source.kind, link.xero_type, drift)
        if payments:
            numbers = ", ".join(p.source_number for p in payments)
            text += (
                f" Its payments {numbers}, which Xero no longer has, are unlinked too; each is posted again once it "
                "changes in Actionstep."
            )
        return DriftAction(self._desk.get(alert.id), True, text, changes)

    # Adopt Xero's payment ----------------------------------------------------------------------------------------

    def _adopt(self, alert: Alert, actor: str) -> DriftAction:
        link = self._link_of(alert)
        if link is None:
            return self._resolved(alert, "The document is not linked any more: nothing to adopt.")
        number = link.xero_number or link.source_number
        seen = self._xero.payments_on([link.xero_id]).get(link.xero_id.lower(), [])
        with self._store.unit_of_work() as uow:
            ours = uow.links.active_by_xero_id(p.xero_id for p in seen)
            earlier = uow.payment_decisions.of_kind(PaymentDecisionKind.ADOPT, [p.xero_id for p in seen])
        foreign = [p for p in seen if p.xero_id.lower() not in ours and p.xero_id.lower() not in earlier]
        if not foreign:
            text = (
                f"Nothing to do: the payments Xero shows on {number} that the bot did not post are already adopted."
                if earlier
                else f"Xero no longer shows a payment on {number} that the bot did not post: nothing to adopt."
            )
            return self._resolved(alert, text)
        with self._store.unit_of_work() as uow:
            adopted = [
                p
                for p in foreign
                if uow.payment_decisions.record(
                    PaymentDecision(
                        p.xero_id, link.xero_id, PaymentDecisionKind.ADOPT, actor, alert_id=alert.id
                    )
                )
            ]
            if adopted:
                detail = {
                    "document": str(link.source),
                    "xero": link.xero_id,
                    "payments": [p.xero_id for p in adopted],
                    "result": f"{len(adopted)} payment(s) on {number} adopted",
                }
                uow.audit.record(actor, "alert.adopt_xero_payment", alert_target(alert.id), detail=detail)
            uow.commit()
        # Compared again now that the payments count as the firm's: the alert resolves, and a change it also
        # carried (an edit, say) is raised on its own.
        found = self._look(alert)
        changes = self._resolve_subjects({alert.subject}, None if isinstance(found, str) else found.changes)
        text = _adopted_words(number, adopted or foreign, self._matching.days)
        if others := [a for a in changes.new if a.id != alert.id]:
            text += f" Xero also shows {_titles(others)} on {number}: raised as its own alert."
        ids = {p.xero_id.lower() for p in adopted or foreign}
        for held_alert in [a for a in self._desk.unresolved() if a.code == PAID_IN_XERO]:
            linked = self._payments.link_adopted(held_alert.id, actor, link.xero_id, ids)
            if linked is not None and linked.changed:
                changes.resolved.append(linked.alert)
                text += f" {linked.text}"
        return DriftAction(self._desk.get(alert.id), bool(adopted), text, changes)

    # Shared ------------------------------------------------------------------------------------------------------

    def _look(self, alert: Alert) -> DriftPass | str:
        """Compare the alert's document (or contact) with Xero now, raising and resolving as a webhook does; why not
        when Xero could not be read."""
        if self._drift is None:
            return "Xero is not watched for changes here, so it cannot be read again."
        endpoint, xero_id = _target(alert)
        found = self._drift.check_ids(endpoint, [xero_id])
        if found.skipped or found.error:
            return f"Xero could not be read now ({found.skipped or found.error}); try again later."
        return found

    def _link_of(self, alert: Alert) -> Link | None:
        xero_id = alert.subject.partition(":")[2]
        with self._store.unit_of_work() as uow:
            return uow.links.active_by_xero_id([xero_id]).get(xero_id.lower())

    def _resolved(self, alert: Alert, text: str, changes: AlertChanges | None = None) -> DriftAction:
        self._desk.resolve(alert.id)
        return DriftAction(self._desk.get(alert.id), False, text, changes or AlertChanges())

    def _resolve_subjects(self, subjects: set[str], changes: AlertChanges | None = None) -> AlertChanges:
        """Resolve the open drift alerts about `subjects`; the changes with the ones resolved added."""
        changes = changes or AlertChanges()
        for other in self._desk.unresolved():
            if (
                other.source is AlertSource.DRIFT
                and other.subject in subjects
                and self._desk.resolve(other.id)
            ):
                changes.resolved.append(self._desk.get(other.id))
        return changes

    def _audit(self, actor: str, action: str, alert_id: int, detail: dict[str, object]) -> None:
        with self._store.unit_of_work() as uow:
            uow.audit.record(actor, action, alert_target(alert_id), detail=detail)
            uow.commit()


def _refusal(alert: Alert, codes: frozenset[str] | None) -> str | None:
    if alert.source is not AlertSource.DRIFT or (codes is not None and alert.code not in codes):
        return "This button does not fit this alert."
    if alert.state is AlertState.RESOLVED:
        return "Nothing to do: this alert is already resolved."
    if alert.state is AlertState.IGNORED and codes is not None:
        return "Nothing to do: this alert is ignored; Undo the ignore first."
    return None


def _target(alert: Alert) -> tuple[str, str]:
    """The endpoint and Xero id the alert is about: a contact, or the document its Actionstep document became."""
    prefix, _, xero_id = alert.subject.partition(":")
    if prefix == "xero-contact":
        return "Contacts", xero_id
    kind = DocumentKind(alert.documents[0].ref.partition(":")[0]) if alert.documents else None
    endpoint = ENDPOINT_OF_KIND.get(kind) if kind is not None else None
    return (endpoint.value if endpoint is not None else "Invoices"), xero_id


def _words(drift: DriftKind) -> str:
    return {
        DriftKind.DELETED: "deleted",
        DriftKind.VOIDED: "voided",
        DriftKind.PAYMENT_DELETED: "deleted",
        DriftKind.EDITED: "edited",
    }.get(drift, drift.value)


def _titles(alerts: list[Alert]) -> str:
    return ", ".join(describe(a.code).title.lower() for a in alerts)


def _titles_of(finding: DriftFinding) -> str:
    return ", ".join(dict.fromkeys(describe(d.kind.code).title.lower() for d in finding.drifts))


def _result(alert: Alert) -> str:
    return "resolved: Xero matches again" if alert.state is AlertState.RESOLVED else "still there"


def _adopted_words(number: str, payments: list[XeroPaymentState], days: int) -> str:
    shown = "; ".join(
        f"{p.amount:,.2f}" + (f" dated {p.date:%d %b %Y}" if p.date else "") + f" (Xero id {p.xero_id})"
        for p in payments
    )
    what = "payment" if len(payments) == 1 else "payments"
    return (
        f"Adopted Xero's {what} on {number}: {shown}. It no longer counts as paid elsewhere. When the Actionstep "
        f"payment for {number} arrives with the same amount, dated within {days} days, the sync links it to "
        "Xero's instead of posting a second one; a different amount or date is still asked about."
    )

"""One drift pass: poll each endpoint, compare every changed linked document with what the bot posted, ask Xero's
History who changed each drifted one (one call per drifted document), and move the cursors on.

A pass stops at the first error it cannot get past (an outage, the daily limit): what it compared before is
returned, and the endpoint it was reading keeps its cursor, so the next pass reads those changes again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain

from integration.domain import (
    AllocationSummary,
    Drift,
    DriftFinding,
    DriftKind,
    Link,
    PaymentDecisionKind,
    XeroChangeRecord,
    XeroRecord,
)
from integration.drift.polling import ENDPOINTS, Poller
from integration.errors import Fatal, Retriable
from integration.ports import XeroWatch
from integration.rules.drift import (
    DELETED_PAYMENT,
    DOCUMENT_ENDPOINTS,
    bot_allocations,
    compare,
    deleted_bot_payments,
)
from integration.store import Store

log = logging.getLogger(__name__)
SWEEP_CURSOR = "xero:BankTransfers:sweep"  # the Xero id (lower case) of the transfer the sweep read last
TRANSFER = "TRANSFER"  # the Xero type of a linked bank transfer


@dataclass(slots=True)
class WatchResult:
    """What a pass found (`findings`), which linked Xero ids it compared (`examined`, lower case, contacts
    included), and why it stopped early (`error`: None when every endpoint was read)."""

    findings: list[DriftFinding] = field(default_factory=list)
    examined: set[str] = field(default_factory=set)
    calls: int = 0
    error: str | None = None


class DriftWatcher:
    """Finds drift by polling; `DriftWatching` (app) raises what it finds as alerts."""

    def __init__(self, store: Store, watch: XeroWatch) -> None:
        self._store = store
        self._watch = watch
        self._poller = Poller(store, watch)

    def run(self) -> WatchResult:
        """One pass over every polled endpoint."""
        result = WatchResult()
        before = self._watch.api_calls
        try:
            for endpoint in ENDPOINTS:
                since, records = self._poller.changes(endpoint)
                self._found(result, endpoint, records)
                result.examined |= self._examined(endpoint, records)
                self._poller.advance(endpoint, since, records)
            self._sweep(result)
        except (Retriable, Fatal) as error:
            log.warning("The drift pass stopped early and resumes from its cursors next time: %s", error)
            result.error = str(error)
        result.calls = self._watch.api_calls - before
        return result

    def check(self, endpoint: str, xero_ids: Iterable[str]) -> WatchResult:
        """Compare the named records now, as a pass compares what polling lists (a webhook names them): the same
        comparison and History, so the findings are the same as polling's. A linked document Xero no longer has is
        found deleted. Cursors do not move: polling still reads every change in its turn."""
        result = WatchResult()
        before = self._watch.api_calls
        wanted = {i.lower() for i in xero_ids}
        try:
            records = self._watch.records(endpoint, wanted) if wanted else []
            self._found(result, endpoint, records)
            if endpoint != "Contacts":
                for finding in self._gone(wanted - {r.xero_id.lower() for r in records}):
                    result.findings.append(self._who(finding, endpoint))
            result.examined |= self._examined(endpoint, records) | (
                wanted if endpoint != "Contacts" else set()
            )
        except (Retriable, Fatal) as error:
            log.warning("A webhook check stopped early; its events are checked again next time: %s", error)
            result.error = str(error)
        result.calls = self._watch.api_calls - before
        return result

    def _found(self, result: WatchResult, endpoint: str, records: list[XeroRecord]) -> None:
        """Add what `records` of `endpoint` show, with who changed it; a subject already found in this pass (a
        deleted payment seen both on its document and as its own record) is not asked about twice."""
        if endpoint == "Contacts":
            found = [(f, endpoint) for f in self._contacts(records)]
        else:
            found = [(f, endpoint) for f in self._documents(records)]
            if endpoint in DOCUMENT_ENDPOINTS:
                found += [(f, "Payments") for f in self._deleted_payments(records)]
        seen = {f.subject for f in result.findings}
        for finding, asked in found:
            if finding.subject not in seen:
                seen.add(finding.subject)
                result.findings.append(self._who(finding, asked))

    def _deleted_payments(self, records: list[XeroRecord]) -> list[DriftFinding]:
        """The bot's payments that their documents no longer list: deleted in Xero (`deleted_bot_payments`)."""
        ids = [r.xero_id for r in records]
        if not ids:
            return []
        with self._store.unit_of_work() as uow:
            settling = uow.links.active_settling(ids)
        return [
            _finding(link, [DELETED_PAYMENT])
            for record in records
            for link in deleted_bot_payments(record, settling.get(record.xero_id.lower(), ()))
        ]

    def _gone(self, missing: set[str]) -> list[DriftFinding]:
        """Linked documents Xero no longer has at all: deleted (History then finds nothing to add)."""
        if not missing:
            return []
        with self._store.unit_of_work() as uow:
            linked = uow.links.active_by_xero_id(missing)
        return [_finding(link, [Drift(DriftKind.DELETED, "no longer in Xero")]) for link in linked.values()]

    def _linked(self, records: list[XeroRecord]) -> dict[str, Link]:
        with self._store.unit_of_work() as uow:
            return uow.links.active_by_xero_id(r.xero_id for r in records)

    def _examined(self, endpoint: str, records: list[XeroRecord]) -> set[str]:
        if endpoint == "Contacts":
            return {r.xero_id.lower() for r in records}
        return set(self._linked(records))

    def _documents(self, records: list[XeroRecord]) -> list[DriftFinding]:
        linked = self._linked(records)
        listed = [p.payment_id for r in records for p in r.payments]
        with self._store.unit_of_work() as uow:
            bot_payments = set(uow.links.active_by_xero_id(listed)) if listed else set()
            # A payment a person adopted (Adopt Xero's payment) is the firm's own: not paid elsewhere.
            bot_payments |= (
                set(uow.payment_decisions.of_kind(PaymentDecisionKind.ADOPT, listed)) if listed else set()
            )
        allocations = self._bot_allocations(
            [link for link in linked.values() if link.posted_allocations is not None]
        )
        found = []
        for record in records:
            link = linked.get(record.xero_id.lower())
            if link is None:
                continue
            drifts = compare(
                link,
                record,
                bot_payment_ids=bot_payments,
                bot_allocations=allocations.get(link.xero_id.lower()),
            )
            if drifts:
                found.append(_finding(link, drifts))
        return found

    def _bot_allocations(self, notes: list[Link]) -> dict[str, tuple[AllocationSummary, ...]]:
        """The allocations each linked credit note should still have in Xero (by its Xero id, lower case), the
        invoices named by their Xero numbers where the ledger has them. Reads the ledger only when a changed credit
        note has allocations the bot made."""
        if not notes:
            return {}
        with self._store.unit_of_work() as uow:
            removed = uow.reallocations.all()
            expected = {n.xero_id.lower(): bot_allocations(n, removed) or () for n in notes}
            invoices = uow.links.active_by_xero_id({a.invoice_id for a in chain(*expected.values())})
        return {
            note: tuple(
                replace(
                    a,
                    invoice_number=a.invoice_number
                    or getattr(invoices.get(a.invoice_id.lower()), "xero_number", None),
                )
                for a in wanted
            )
            for note, wanted in expected.items()
        }

    def _sweep(self, result: WatchResult) -> None:
        """Read one linked bank transfer by id, the next after the sweep's cursor (wrapping round), and compare it.

        Why: a transfer carries only its creation date, so `If-Modified-Since` never lists one a person deleted
        later. The trade-off: a quiet pass costs one call more (none while no transfer is linked), and a deleted
        transfer is found within one turn of the sweep, that is (linked transfers) passes after the delete; with
        200 transfers and a pass every 15 minutes, within about two days. Reading them all at once would find it
        at the next pass for the same one call, but only by trusting that Xero's unpaged list is whole, where a
        missing record would be a false "deleted"; read by id, a 404 or DELETED is Xero's own word."""
        with self._store.unit_of_work() as uow:
            after = uow.cursors.get(SWEEP_CURSOR)
            link = uow.links.next_active(TRANSFER, after)
        if link is None:
            return
        records = self._watch.records("BankTransfers", [link.xero_id])
        drifts = compare(link, records[0] if records else None)
        if drifts:
            result.findings.append(self._who(_finding(link, drifts), "BankTransfers"))
        result.examined.add(link.xero_id.lower())
        with self._store.unit_of_work() as uow:
            uow.cursors.set(SWEEP_CURSOR, link.xero_id.lower())
            uow.commit()

    def _contacts(self, records: list[XeroRecord]) -> list[DriftFinding]:
        """One finding per merged or archived contact the bot posted documents for (not one per document: a
        contact may have hundreds), naming its documents. A merged contact is archived too; the merge says more."""
        changed = {
            r.xero_id.lower(): r for r in records if r.merged_to or (r.status or "").upper() == "ARCHIVED"
        }
        if not changed:
            return []
        with self._store.unit_of_work() as uow:
            by_contact = uow.links.active_by_contact(changed)
        found = []
        for contact_id, links in sorted(by_contact.items()):
            numbers = sorted(link.source_number for link in links)
            shown = ", ".join(numbers[:5]) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
            merged_to = changed[contact_id].merged_to
            drift = (
                Drift(DriftKind.CONTACT_MERGED, "contact", contact_id, f"merged into contact {merged_to}")
                if merged_to
                else Drift(DriftKind.CONTACT_ARCHIVED, "contact", "active", "archived")
            )
            found.append(
                DriftFinding(
                    contact_id, None, links[0].source, shown, "the contact of", (drift,), contact=True
                )
            )
        return found

    def _who(self, finding: DriftFinding, endpoint: str) -> DriftFinding:
        """The finding with who changed it and when (Xero's History); a record Xero no longer has is deleted."""
        history = self._watch.history(endpoint, finding.xero_id)
        if history is None:
            gone = DriftKind.PAYMENT_DELETED if endpoint == "Payments" else DriftKind.DELETED
            return replace(finding, drifts=(Drift(gone, "no longer in Xero"),))
        latest = _latest(history)
        if latest is None:
            return finding
        return replace(finding, changed_by=latest.user, changed_at=latest.at)


def _finding(link: Link, drifts: list[Drift]) -> DriftFinding:
    return DriftFinding(
        link.xero_id,
        link.xero_number,
        link.source,
        link.source_number,
        link.source.kind.label,
        tuple(drifts),
    )


def _latest(history: list[XeroChangeRecord]) -> XeroChangeRecord | None:
    dated = [(h.at, index, h) for index, h in enumerate(history) if h.at is not None]
    if dated:
        return max(dated, key=lambda entry: (entry[0], entry[1]))[2]
    return history[-1] if history else None

"""Delivers one batch to Xero exactly once: outbox row before the send, outcome and link after it.

1. Each document version has an outbox row keyed by a deterministic Idempotency-Key. A row left SENT by an
   interrupted run means "may be in Xero": it is settled by looking the document up before anything is resent.
2. The rows are marked SENT and committed, then the batch goes out under one key derived from the documents and
   their bodies, so a retry of the same request replays instead of duplicating.
3. Each element's outcome is committed with its link in one transaction. A duplicate-number refusal is settled by
   lookup too: the same number and total is adopted, a different total is a conflict, never a second copy.
4. Supplier bills and credit notes carry the supplier's own number, which Xero does not keep unique across
   suppliers: one is adopted only when contact, number, date and total all match, and another supplier's
   document is never taken for ours (freakboy3742/pyxero #328).
5. A copy an earlier version was posted as, and that was unlinked since (`superseded`), is never adopted: it is the
   uncorrected version, so a re-post either creates the corrected copy or fails saying why.
6. A receipt or supplier payment is first compared with the payments Xero already shows on its invoice that the bot
   did not post (a bank-feed match made in Xero first): one with the same amount and a date within the window is
   the same money, so a second payment is never sent. Per `PaymentMatching.mode` it is linked at once (`auto`,
   reported as adopted from Xero) or held with a `payment.paid_in_xero` problem for a person to decide (`ask`); a
   close one that differs is always held. The invoices a batch pays are read first (one `GET /Invoices?IDs=` per
   51): an invoice that lists no payment, or only payments this bot posted, cannot hold a bank-feed match, and only
   the others are asked `GET /Payments` (one per 25); in `off`, only when a person adopted a payment on one of
   those invoices. A person's decisions (`xero_payment_decisions`) come first: a payment they adopted (Adopt Xero's
   payment, on a drift alert) takes the same money in every mode, and one they chose to "Post anyway" beside is not
   matched again.
7. Xero's own words are kept verbatim in the item's note, with the catalogue code of the first reason; a reason
   the catalogue does not know (`xero.unknown`) is logged once, when the item is judged, so it can be added.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from integration.domain import (
    Document,
    DocumentKind,
    ElementOutcome,
    Endpoint,
    Identity,
    ItemResult,
    Link,
    Outcome,
    PaymentDecision,
    PaymentDecisionKind,
    PostingState,
    SourceRef,
    XeroDocument,
    XeroPaymentState,
)
from integration.errors import describe
from integration.ports import XeroGateway
from integration.rules.bankfeed import (
    AdoptMode,
    PaymentMatching,
    XeroPaymentMatch,
    adopted_note,
    describe_match,
    match_payment,
)
from integration.rules.posting import (
    XeroPosting,
    batch_key,
    document_key,
    posted_allocations,
    posted_lines,
)
from integration.store import Store

TAXED = (Endpoint.INVOICES, Endpoint.CREDIT_NOTES)  # where the posting's tax is the document's own
log = logging.getLogger(__name__)

LIVE = frozenset({"DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "ACTIVE"})
SUPPLIER_TYPES = frozenset({"ACCPAY", "ACCPAYCREDIT"})
PAYMENT_KINDS = frozenset({DocumentKind.PAYMENT_RECEIVED, DocumentKind.SUPPLIER_PAYMENT})
PAID_IN_XERO = "payment.paid_in_xero"


def body_digest(body: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(slots=True)
class BatchResult:
    items: list[ItemResult] = field(default_factory=list)
    linked: dict[SourceRef, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Settled:
    outcome: Outcome
    xero: XeroDocument | None = None
    code: str | None = None
    message: str | None = None
    adopted: PaymentDecision | None = None  # the person's adoption this outcome follows


class Delivery:
    """Sends batches for one run and records everything it learns in the ledger."""

    def __init__(
        self, store: Store, xero: XeroGateway, *, run_id: int, matching: PaymentMatching | None = None
    ) -> None:
        self._store = store
        self._xero = xero
        self._run_id = run_id
        self._matching = matching or PaymentMatching()

    def send(
        self,
        endpoint: Endpoint,
        batch: Sequence[tuple[Document, XeroPosting]],
        superseded: Mapping[SourceRef, Collection[str]] | None = None,
    ) -> BatchResult:
        """Send `batch`; `superseded` names, per document, the Xero ids of copies unlinked since they were posted."""
        result = BatchResult()
        old = superseded or {}
        keys = {doc.ref: document_key(doc.ref, doc.version) for doc, _ in batch}
        with self._store.unit_of_work() as uow:
            postings = uow.outbox.ensure_many(
                [(doc.ref, doc.version, doc.number, keys[doc.ref]) for doc, _ in batch], run_id=self._run_id
            )
            uow.commit()
        entries: list[tuple[Document, XeroPosting, _Settled, str]] = []
        to_send: list[tuple[Document, XeroPosting]] = []
        for doc, posting in batch:
            if postings[doc.ref].state is PostingState.SENT:  # an earlier send may have reached Xero
                settled = self._settle(posting, old.get(doc.ref, ()))
                if settled is not None:
                    entries.append((doc, posting, settled, keys[doc.ref]))
                    continue
            to_send.append((doc, posting))
        to_send = self._paid_in_xero(to_send, old, keys, entries)
        if to_send:
            with self._store.unit_of_work() as uow:
                uow.outbox.mark_sent_many([keys[doc.ref] for doc, _ in to_send], run_id=self._run_id)
                uow.commit()
            key = batch_key(f"{keys[doc.ref]}:{body_digest(p.body)}" for doc, p in to_send)
            outcomes = self._xero.create(endpoint, [p.body for _, p in to_send], key)
            for (doc, posting), outcome in zip(to_send, outcomes, strict=True):
                judged = self._judge(posting, outcome, old.get(doc.ref, ()))
                entries.append((doc, posting, judged, keys[doc.ref]))
        self._record(result, entries)
        return result

    def _paid_in_xero(
        self,
        to_send: list[tuple[Document, XeroPosting]],
        superseded: Mapping[SourceRef, Collection[str]],
        keys: Mapping[SourceRef, str],
        entries: list[tuple[Document, XeroPosting, _Settled, str]],
    ) -> list[tuple[Document, XeroPosting]]:
        """Take out of `to_send` the payments Xero already shows, settled as adopted or held in `entries`."""
        payments = [
            (doc, posting)
            for doc, posting in to_send
            if doc.ref.kind in PAYMENT_KINDS and posting.identity.settles
        ]
        if not payments:
            return to_send
        settles = {(p.identity.settles or "").lower() for _, p in payments}
        with self._store.unit_of_work() as uow:
            adopted = uow.payment_decisions.adopted_on(settles)
        if self._matching.mode is AdoptMode.OFF and not adopted:
            return to_send
        asked = self._paid_by_others(settles)
        if not asked:
            return to_send
        seen = self._xero.payments_on(asked)
        every = [p.xero_id for found in seen.values() for p in found]
        if not every:
            return to_send
        with self._store.unit_of_work() as uow:
            ours = set(uow.links.active_by_xero_id(every))
            invoices = uow.links.active_for(r for d, _ in payments for r in d.depends_on)
            anyway = uow.payment_decisions.of_kind(PaymentDecisionKind.POST_ANYWAY, every)
        taken = set(ours)
        held: dict[SourceRef, _Settled] = {}
        for doc, posting in payments:
            gone = {x.lower() for x in superseded.get(doc.ref, ())}
            others = [
                p
                for p in seen.get((posting.identity.settles or "").lower(), [])
                if p.xero_id.lower() not in gone and not _posted_anyway(anyway, p.xero_id, doc.ref)
            ]
            match, decided = self._match(doc, posting, others, adopted, taken)
            if match is None:
                continue
            taken.add(match.payment.xero_id.lower())
            invoice = next(
                (
                    invoices[r].xero_number or invoices[r].source_number
                    for r in doc.depends_on
                    if r in invoices
                ),
                "its invoice",
            )
            if match.exact and (decided is not None or self._matching.mode is AdoptMode.AUTO):
                held[doc.ref] = _adopted(match.payment, invoice, decided)
            else:
                message = describe_match(doc.number, invoice, match, posting.total, doc.date)
                held[doc.ref] = _Settled(Outcome.BLOCKED, code=PAID_IN_XERO, message=message)
        for doc, posting in to_send:
            if doc.ref in held:
                entries.append((doc, posting, held[doc.ref], keys[doc.ref]))
        return [(doc, posting) for doc, posting in to_send if doc.ref not in held]

    def _paid_by_others(self, invoice_ids: Iterable[str]) -> list[str]:
        """The invoices among `invoice_ids` that Xero shows paid by a payment this bot did not post, or paid more
        than the payments they list: only those need `GET /Payments` (one invoice read per 51 invoices first)."""
        listed = self._xero.payments_listed_on(invoice_ids)
        known = [p for payments in listed.values() for p in payments or ()]
        if known:
            with self._store.unit_of_work() as uow:
                ours = set(uow.links.active_by_xero_id(known))
        else:
            ours = set()
        return sorted(i for i, payments in listed.items() if payments is None or not payments <= ours)

    def _match(
        self,
        doc: Document,
        posting: XeroPosting,
        others: Sequence[XeroPaymentState],
        adopted: Mapping[str, PaymentDecision],
        taken: Collection[str],
    ) -> tuple[XeroPaymentMatch | None, PaymentDecision | None]:
        """The Xero payment this one may be, and the person's adoption of it when there is one. A payment a person
        adopted is tried first, in every mode: the same money links to it; a close one that differs is held (asked
        about). Otherwise, unless the mode is `off`, any payment the bot did not post is tried."""
        mine = [p for p in others if p.xero_id.lower() in adopted]
        days = self._matching.days
        found = match_payment(posting.total, doc.date, mine, days=days, taken=taken) if mine else None
        if found is not None and (found.exact or self._matching.mode is AdoptMode.OFF):
            return found, adopted[found.payment.xero_id.lower()] if found.exact else None
        if self._matching.mode is AdoptMode.OFF:
            return None, None
        return match_payment(posting.total, doc.date, others, days=days, taken=taken), None

    def _judge(self, posting: XeroPosting, outcome: ElementOutcome, superseded: Collection[str]) -> _Settled:
        if outcome.ok and outcome.xero_id:
            found = XeroDocument(
                outcome.xero_id,
                posting.identity.xero_type,
                outcome.number,
                None,
                outcome.total or posting.total,
                "AUTHORISED",
            )
            return _Settled(Outcome.POSTED, found)
        codes = [code for code, _ in outcome.errors]
        if "xero.duplicate_number" in codes:
            settled = self._settle(posting, superseded)
            if settled is not None:
                return settled
        code = codes[0] if codes else "xero.unknown"
        message = (
            "; ".join(text for _, text in outcome.errors) or "Xero refused the document without a reason."
        )
        _log_unknown(posting.identity.number or posting.identity.reference, outcome.errors, code)
        return _Settled(Outcome.FAILED, code=code, message=message)

    def _settle(self, posting: XeroPosting, superseded: Collection[str]) -> _Settled | None:
        """Look the document up in Xero: adopt a live copy with the same total, report a conflicting one;
        None when Xero has no copy (other than superseded ones), so it is safe to send."""
        gone = {x.lower() for x in superseded}
        identity = posting.identity
        copies = [
            doc
            for doc in self._xero.find(identity)
            if doc.status in LIVE and doc.xero_id.lower() not in gone and _ours(identity, doc)
        ]
        same = [doc for doc in copies if not _differences(identity, posting, doc)]
        if same:
            return _Settled(Outcome.ADOPTED, same[0])
        if copies:
            other = copies[0]
            return _Settled(
                Outcome.FAILED,
                code="doc.conflict",
                message=f"Xero already has {other.number or other.reference} "
                + ", and ".join(_differences(identity, posting, other))
                + ".",
            )
        return None

    def _record(
        self, result: BatchResult, entries: list[tuple[Document, XeroPosting, _Settled, str]]
    ) -> None:
        """Allocate what needs allocating, then record every outcome and link of the batch in one transaction."""
        allocation_failures = {
            key: self._allocate(settled.xero.xero_id, posting, key)
            for _, posting, settled, key in entries
            if settled.xero is not None and posting.allocations and not settled.xero.allocated
        }
        notes = {key: failure[1] for key, failure in allocation_failures.items() if failure}
        succeeded: dict[str, str] = {}
        failed: dict[str, tuple[str, str]] = {}
        links = [
            self._link(doc, posting, settled, refused_allocation=bool(allocation_failures.get(key)))
            for doc, posting, settled, key in entries
            if settled.xero is not None
        ]
        with self._store.unit_of_work() as uow:
            already = uow.links.add_many(links)
            for doc, posting, settled, key in entries:
                outcome, message, code = settled.outcome, settled.message or notes.get(key), settled.code
                if code is None and (failure := allocation_failures.get(key)):
                    code = failure[0]  # posted, but its allocation was refused: the reason's own code and fix
                if settled.xero is not None:
                    if doc.ref in already:
                        outcome, message = Outcome.ALREADY_LINKED, None
                    elif settled.adopted is not None:
                        uow.payment_decisions.name_source(
                            settled.xero.xero_id, PaymentDecisionKind.ADOPT, doc.ref
                        )
                    succeeded[key] = result.linked[doc.ref] = settled.xero.xero_id
                else:
                    failed[key] = (code or "xero.unknown", message or "")
                result.items.append(
                    ItemResult(
                        doc.ref,
                        doc.number,
                        outcome,
                        posting.total,
                        posting.tax,
                        xero_id=settled.xero.xero_id if settled.xero else None,
                        error_code=code,
                        message=message,
                        fix=describe(code).fix if code else None,
                    )
                )
            uow.outbox.settle_many(succeeded, failed)
            uow.commit()

    def _link(
        self, doc: Document, posting: XeroPosting, settled: _Settled, *, refused_allocation: bool
    ) -> Link:
        """The link a settled document gets: what the bot posted, as drift will compare it."""
        assert settled.xero is not None
        return Link(
            source=doc.ref,
            source_version=doc.version,
            source_number=doc.number,
            xero_id=settled.xero.xero_id,
            xero_number=settled.xero.number or settled.xero.reference or doc.number,
            xero_type=settled.xero.xero_type,
            total=posting.total,
            linked_by=f"run:{self._run_id}",
            posted_tax=posting.tax if posting.endpoint in TAXED else None,
            # An adopted copy is linked as Xero holds it, so drift compares like with like.
            posted_date=_adopted_date(settled) or posting.identity.date,
            posted_contact_id=settled.xero.contact_id or _contact_of(posting),
            settles_xero_id=posting.identity.settles,
            # An adopted copy's lines are Xero's, unread: not compared rather than guessed.
            posted_lines=None if settled.outcome is Outcome.ADOPTED else posted_lines(posting),
            # A refused allocation was not made: none is the bot's to miss later.
            posted_allocations=() if refused_allocation else posted_allocations(posting),
        )

    def _allocate(self, credit_note_id: str, posting: XeroPosting, key: str) -> tuple[str, str] | None:
        """Apply a posted credit note's allocations; on a refusal, the code of Xero's first reason and the note."""
        outcome = self._xero.allocate(credit_note_id, list(posting.allocations), f"{key}-alloc")
        if outcome.ok:
            return None
        code = outcome.errors[0][0] if outcome.errors else "xero.unknown"
        _log_unknown(posting.identity.number, outcome.errors, code)
        reason = "; ".join(text for _, text in outcome.errors)
        return code, f"Posted, but its allocation could not be applied in Xero: {reason}"


def _posted_anyway(anyway: Mapping[str, PaymentDecision], payment_id: str, ref: SourceRef) -> bool:
    """Whether a person chose to post `ref` although Xero shows `payment_id` (a decision without a document, from
    before documents were named, counts for any)."""
    decision = anyway.get(payment_id.lower())
    return decision is not None and decision.source in (None, ref)


def _adopted(payment: XeroPaymentState, invoice: str, decided: PaymentDecision | None) -> _Settled:
    """The outcome of linking to a payment Xero already shows: the same money, never sent again."""
    found = XeroDocument(
        payment.xero_id, "PAYMENT", None, payment.reference, payment.amount, "AUTHORISED", date=payment.date
    )
    note = adopted_note(invoice, payment, decided.decided_by if decided is not None else None)
    return _Settled(Outcome.ADOPTED, found, message=note, adopted=decided)


def _contact_of(posting: XeroPosting) -> str | None:
    """The ContactID the posting named, when it named one by id."""
    contact = posting.body.get("Contact")
    return str(contact["ContactID"]) if isinstance(contact, dict) and contact.get("ContactID") else None


def _log_unknown(number: str | None, errors: Sequence[tuple[str, str]], code: str) -> None:
    """Log, once per judged item, a refusal whose words the catalogue does not know yet, verbatim."""
    if code == "xero.unknown":
        words = "; ".join(text for _, text in errors) or "(no reason given)"
        log.warning("xero.unknown: Xero refused %s: %s", number or "a document", words)


def _differences(identity: Identity, posting: XeroPosting, doc: XeroDocument) -> list[str]:
    """How Xero's copy differs from the document we would send; empty when it is ours to adopt. A copy of the same
    number for another contact is never ours; a supplier's copy must also carry the same date."""
    found: list[str] = []
    if identity.contact_id and doc.contact_id and doc.contact_id.lower() != identity.contact_id.lower():
        found.append("for another contact")
    if doc.total != posting.total:
        found.append(f"with total {doc.total:,.2f}, but Actionstep's total is {posting.total:,.2f}")
    if identity.xero_type in SUPPLIER_TYPES and doc.date != identity.date:
        found.append(f"dated {doc.date}, but Actionstep's is dated {identity.date}")
    return found


def _ours(identity: Identity, doc: XeroDocument) -> bool:
    """Whether `doc` may be the copy of `identity`: for a supplier document, the same supplier and number."""
    if identity.xero_type not in SUPPLIER_TYPES:
        return True
    return (
        (doc.contact_id or "").lower() == (identity.contact_id or "").lower()
        and bool(identity.contact_id)
        and doc.number == identity.number
    )


def _adopted_date(settled: _Settled) -> date | None:
    """The date of the Xero copy an adoption linked (None for a copy the bot posted itself)."""
    return settled.xero.date if settled.outcome is Outcome.ADOPTED and settled.xero is not None else None

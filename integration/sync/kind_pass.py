"""One run's passes over the kinds: list what changed, decide each document, deliver what is to be sent.

`KindPasses.execute` reads what every kind needs once (Xero's organisation, chart and enabled currencies, Actionstep's books, the
mappings), then takes the kinds in `KIND_ORDER`: documents before the payments and allocations that settle them.
Per kind it lists what changed since the kind's cursor, classifies each document (`classify`: the verdict),
translates the ones to send (`posting`), delivers them in batches (`delivery`) and records every outcome as it
goes; what is left unfinished is kept pending and read again by id next time, so the cursor moves on past it
(`cursor`). A document posted again after an unlink is checked against the copy it was posted as before
(`_after_unlink`), and once the invoices have posted, credit an unlink removed goes back on the corrected ones
(`reallocate`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from integration.domain import (
    AccountingBasis,
    Document,
    DocumentKind,
    ItemResult,
    LinedDocument,
    Link,
    LinkState,
    MalformedDocument,
    Matter,
    Outcome,
    SourceRef,
    SyncReport,
    XeroOrganisation,
)
from integration.errors import CashBasis, PostingError, Retriable, describe
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.bankfeed import PaymentMatching
from integration.rules.classify import Verdict, classify, fix_for
from integration.rules.deeplinks import xero_url
from integration.rules.mapping import Mapper
from integration.rules.posting import ENDPOINT_OF_KIND, PostingContext, XeroPosting, translate
from integration.store import Store
from integration.sync import cursor
from integration.sync.contacts import ContactDirectory
from integration.sync.delivery import Delivery
from integration.sync.problems import ProblemBook, subject_of
from integration.sync.reallocate import Reallocator

KIND_ORDER = (
    DocumentKind.SALES_INVOICE,
    DocumentKind.SUPPLIER_INVOICE,
    DocumentKind.CREDIT_NOTE,
    DocumentKind.PAYMENT_RECEIVED,
    DocumentKind.SUPPLIER_PAYMENT,
    DocumentKind.BANK_TRANSFER,
    DocumentKind.TRUST_RECEIPT,
    DocumentKind.TRUST_PAYMENT,
    DocumentKind.TRUST_TRANSFER,
    DocumentKind.BANK_DEPOSIT,
    DocumentKind.BANK_WITHDRAWAL,
    DocumentKind.GENERAL_JOURNAL,
)
PREVIEW_ID = "(posted by this sync)"
# Credit an unlink removed goes back on the corrected invoices once both invoice kinds posted, before the payments.
REALLOCATE_AFTER = DocumentKind.SUPPLIER_INVOICE


@dataclass(frozen=True, slots=True)
class Progress:
    kind: DocumentKind
    listed: int
    posted: int
    failed: int


class KindPasses:
    """The state of one run in progress, carried from one kind's pass to the next."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        batch_size: int,
        report: SyncReport,
        progress: Callable[[Progress], None] | None,
        matching: PaymentMatching | None = None,
    ) -> None:
        self.store = store
        self.actionstep = actionstep
        self.xero = xero
        self.batch_size = batch_size
        self.report = report
        self.progress = progress
        self.matching = matching
        self.problems = ProblemBook()
        self.in_xero: dict[SourceRef, str] = {}
        self.counts: dict[Outcome, int] = defaultdict(int)
        self.matters: dict[str, Matter] = {}

    def execute(self) -> None:
        if self.actionstep.accounting_basis() is AccountingBasis.CASH:
            raise CashBasis(
                "Actionstep is set to the Cash basis; posting to Xero needs Accrual. "
                "Set it in Actionstep (Admin > Accounting), then sync again."
            )
        self.organisation: XeroOrganisation = self.xero.organisation()
        self.report.xero_short_code = self.organisation.short_code
        # One call a run: Xero accepts a document only in a currency the organisation has enabled.
        self.currencies = self.xero.currencies() | {self.organisation.base_currency.upper()}
        with self.store.unit_of_work() as uow:
            mappings = uow.mappings.all()
        self.mapper = Mapper(mappings, self.actionstep.books(), self.xero.chart())
        # Xero's "no tax" type differs by region: BASEXCLUDED in Australia, NONE elsewhere.
        self.no_tax_type = "BASEXCLUDED" if "BASEXCLUDED" in self.mapper.chart.taxes else "NONE"
        self.contacts = ContactDirectory(self.xero, self.actionstep)
        assert self.report.run_id is not None
        self.delivery = Delivery(self.store, self.xero, run_id=self.report.run_id, matching=self.matching)
        try:
            for kind in KIND_ORDER:
                self._kind(kind)
                if kind is REALLOCATE_AFTER and not self.report.dry_run:
                    reallocator = Reallocator(
                        self.store, self.xero, self.problems, actor=f"run:{self.report.run_id}"
                    )
                    self.report.reallocations.extend(reallocator.run())
        finally:
            self.report.problems = self.problems.problems()

    def _kind(self, kind: DocumentKind) -> None:
        state = cursor.KindCursor(kind, cursor.pending(self.store, kind), began=self.report.started_at)
        pending: list[tuple[Document, XeroPosting]] = []
        listed = 0
        listing = state.read(
            self.actionstep.documents(kind, cursor.since(self.store, kind)),
            lambda ids: self.actionstep.documents_by_id(kind, ids),
        )
        for chunk in _chunks(listing, self.batch_size):
            listed += len(chunk)
            pending.extend(self._prepare(chunk, state))
            while len(pending) >= self.batch_size:
                self._deliver(kind, pending[: self.batch_size], state)
                del pending[: self.batch_size]
            self._tell(kind, listed)
        if pending:
            self._deliver(kind, pending, state)
        self._tell(kind, listed)
        if not self.report.dry_run:
            state.save(self.store)

    def _prepare(
        self, chunk: list[Document | MalformedDocument], state: cursor.KindCursor
    ) -> list[tuple[Document, XeroPosting]]:
        """Classify a listed chunk; record what is decided now; return what is to be sent."""
        documents = [item for item in chunk if isinstance(item, Document)]
        with self.store.unit_of_work() as uow:
            latest = uow.links.latest_for(d.ref for d in documents)
            dependencies = {ref for d in documents for ref in d.depends_on if ref not in self.in_xero}
            for ref, link in uow.links.active_for(dependencies).items():
                self.in_xero[ref] = link.xero_id
        to_send: list[tuple[Document, Verdict]] = []
        decided: list[ItemResult] = []
        for item in chunk:
            if isinstance(item, MalformedDocument):
                verdict = classify(item, link=None, lock_date=None, mapper=self.mapper, in_xero=self.in_xero)
                decided.append(self._decided(item.source, item.number or item.source.id, None, verdict))
                # Failed, so kept pending like any failed document: read again until corrected or gone.
                state.saw(item.modified_at, decided[-1].outcome.finished, decided[-1])
                continue
            verdict = self._verdict(item, latest.get(item.ref))
            if verdict.send:
                to_send.append((item, verdict))
            else:
                decided.append(self._decided(item.ref, item.number, item, verdict))
                state.saw(item.modified_at, decided[-1].outcome.finished, decided[-1])
        self.contacts.ensure(
            (d.contact_id for d, _ in to_send if d.contact_id), create=not self.report.dry_run
        )
        unknown = {d.matter_id for d, _ in to_send if d.matter_id and d.matter_id not in self.matters}
        if unknown:
            self.matters.update(self.actionstep.matters(unknown))
        context = PostingContext(
            contact_ids=self.contacts.ids,
            xero_ids=self.in_xero,
            matters=self.matters,
            no_tax_type=self.no_tax_type,
        )
        ready: list[tuple[Document, XeroPosting]] = []
        for document, verdict in to_send:
            assert verdict.targets is not None
            try:
                posting = translate(document, verdict.targets, context)
            except PostingError as error:
                contact_failure = self.contacts.failures.get(document.contact_id or "")
                failed = Verdict(
                    Outcome.FAILED,
                    code="contact.refused" if contact_failure else error.code,
                    message=f"{document.number}: {contact_failure or error}",
                )
                decided.append(self._decided(document.ref, document.number, document, failed))
                state.saw(document.modified_at, False, decided[-1])
                continue
            if self.report.dry_run:
                decided.append(
                    ItemResult(document.ref, document.number, Outcome.WOULD_POST, posting.total, posting.tax)
                )
                self.in_xero[document.ref] = PREVIEW_ID  # what depends on it would be sent after it
                continue
            ready.append((document, posting))
        self._record(decided, state)
        return ready

    def _verdict(self, document: Document, link: Link | None) -> Verdict:
        if link is not None and link.state is LinkState.UNLINKED and link.source_version == document.version:
            when = f"{link.unlinked_at:%d %b %Y}" if link.unlinked_at else "earlier"
            return Verdict(
                Outcome.AWAITING_CHANGE,
                message=f"Unlinked {when} by {link.unlinked_by or 'a bookkeeper'}; it is posted again once it "
                "changes in Actionstep.",
            )
        active = link if link is not None and link.state is LinkState.LINKED else None
        return classify(
            document,
            link=active,
            lock_date=self.organisation.lock_date,
            mapper=self.mapper,
            in_xero=self.in_xero,
            currencies=self.currencies,
        )

    def _decided(
        self, ref: SourceRef, number: str, document: Document | None, verdict: Verdict
    ) -> ItemResult:
        assert verdict.outcome is not None
        total = document.total if document is not None else Decimal(0)
        tax = document.total_tax if isinstance(document, LinedDocument) else Decimal(0)
        fix = fix_for(verdict)
        if verdict.code and verdict.code != "doc.waiting_on_dependency":
            subject = verdict.failures[0].subject if verdict.failures else subject_of(verdict.code, ref)
            self.problems.add(
                verdict.code, subject, verdict.message or describe(verdict.code).cause, fix or "", ref
            )
        return ItemResult(
            ref,
            number,
            verdict.outcome,
            total,
            tax,
            error_code=verdict.code,
            message=verdict.message,
            fix=fix,
        )

    def _deliver(
        self, kind: DocumentKind, batch: list[tuple[Document, XeroPosting]], state: cursor.KindCursor
    ) -> None:
        with self.store.unit_of_work() as uow:
            latest = uow.links.latest_for(d.ref for d, _ in batch)
            unlinked = {ref: link for ref, link in latest.items() if link.state is LinkState.UNLINKED}
            superseded = uow.links.superseded_for(unlinked)
        try:
            result = self.delivery.send(ENDPOINT_OF_KIND[kind], batch, superseded)
        except Retriable as error:
            # Their outbox rows stay SENT: the next run looks each one up before sending again.
            self._record(
                [
                    ItemResult(
                        d.ref,
                        d.number,
                        Outcome.FAILED,
                        p.total,
                        p.tax,
                        error_code=error.code,
                        message=f"Not confirmed by Xero ({error}); checked and retried next sync.",
                        fix=describe(error.code).fix,
                    )
                    for d, p in batch
                ]
            )
            raise
        self.in_xero.update(result.linked)
        by_ref = {d.ref: d for d, _ in batch}
        items = [self._after_unlink(item, unlinked.get(item.source)) for item in result.items]
        for item in items:
            state.saw(by_ref[item.source].modified_at, item.outcome.finished, item)
            if item.outcome in (Outcome.FAILED, Outcome.BLOCKED) and item.error_code:
                self.problems.add(
                    item.error_code, f"post:{item.source}", item.message or "", item.fix or "", item.source
                )
        self._record(items, state)

    def _after_unlink(self, item: ItemResult, old: Link | None) -> ItemResult:
        """A document posted again after an unlink: when the copy it was posted as before is still in Xero, say
        so naming both copies (the duplicate sentinel); when that copy still holds its number, say why Xero refused
        the corrected version and what to do."""
        if old is None:
            return item
        earlier = self._copy(item.source.kind, old.xero_number or old.source_number, old.xero_id)
        if item.outcome in (Outcome.POSTED, Outcome.ADOPTED) and item.xero_id != old.xero_id:
            if not old.voided_in_xero:
                message = (
                    f"{item.number} was unlinked without voiding its Xero copy, and is now in Xero twice: the earlier "
                    f"copy {earlier} and the new copy {self._copy(item.source.kind, item.number, item.xero_id)}."
                )
                fix = describe("doc.duplicate_copy").fix
                self.problems.add("doc.duplicate_copy", f"duplicate:{item.source}", message, fix, item.source)
            return item
        if item.outcome is Outcome.FAILED and item.error_code == "xero.duplicate_number":
            how = "voided when it was unlinked" if old.voided_in_xero else "unlinked without being voided"
            code = "doc.number_held_by_old_copy"
            message = (
                f"{item.number} was not posted again: Xero still holds the number on the earlier copy {earlier}, "
                f"{how}, and Xero keeps a sales document's number even once it is voided."
            )
            return replace(item, error_code=code, message=message, fix=describe(code).fix)
        return item

    def _copy(self, kind: DocumentKind, number: str, xero_id: str | None) -> str:
        """A Xero copy as a message names it: its number and, where Xero has a page for it, the deep link."""
        url = xero_url(self.organisation.short_code, kind, xero_id)
        return f"{number} ({url})" if url else f"{number} (Xero id {xero_id})"

    def _record(self, items: list[ItemResult], state: cursor.KindCursor | None = None) -> None:
        """Record outcomes in the run, and with them (not in a dry run) the pending set's changes they made."""
        if not items:
            return
        self.report.items.extend(items)
        for item in items:
            self.counts[item.outcome] += 1
        assert self.report.run_id is not None
        with self.store.unit_of_work() as uow:
            uow.runs.record(self.report.run_id, items)
            if state is not None and not self.report.dry_run:
                state.settle(uow)
            uow.commit()

    def _tell(self, kind: DocumentKind, listed: int) -> None:
        if self.progress is not None:
            posted = self.counts[Outcome.POSTED] + self.counts[Outcome.ADOPTED]
            self.progress(Progress(kind, listed, posted, self.counts[Outcome.FAILED]))


def _chunks(
    items: Iterable[Document | MalformedDocument], size: int
) -> Iterator[list[Document | MalformedDocument]]:
    chunk: list[Document | MalformedDocument] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

"""`SyncEngine.run`: push every approved Actionstep document to Xero exactly once, and say what happened.

The run, as DESIGN.md §3 describes it:
1. take the single-flight lease (a second run is refused, naming who started the first and when);
2. refuse a Cash-basis Actionstep; read Xero's organisation (lock dates) and chart, Actionstep's books, the mappings;
3. per kind, in dependency order (documents before the payments and allocations that settle them), list what changed
   since the kind's cursor, classify each document (`classify`), translate the ones to send (`posting`) and deliver
   them in batches of at most 50 (`delivery`: outbox before send, outcome and link after);
4. a kind's cursor advances only past documents that are finished, so anything blocked or failed is listed again
   next time; a Xero outage stops the run cleanly with the unsent documents left for the next one;
5. an unlinked document waits until it changes in Actionstep (a new version), then is posted again; when its earlier
   Xero copy was left in Xero the report names both copies (`doc.duplicate_copy`), and when that copy still holds
   the number Xero refuses the new one and the report says so with the fix (`doc.number_held_by_old_copy`).
Errors follow the tree in `errors`: fatal ones (auth, daily limit, Cash basis) stop the run; remote outages
interrupt it; a bad document fails alone.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from integration.clock import Clock, SystemClock
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
    Problem,
    RunStatus,
    Severity,
    SourceRef,
    SyncReport,
    XeroOrganisation,
)
from integration.errors import CashBasis, PostingError, Retriable, SyncInProgress, XerobotError, describe
from integration.leases import Heartbeat, dead_here, lease_holder
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.classify import Verdict, classify, fix_for
from integration.rules.deeplinks import xero_url
from integration.rules.mapping import Mapper
from integration.rules.posting import ENDPOINT_OF_KIND, PostingContext, XeroPosting, translate
from integration.store import Store
from integration.store.leases import LeaseHolder
from integration.sync.contacts import ContactDirectory
from integration.sync.delivery import Delivery

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
logger = logging.getLogger(__name__)
SYNC_LEASE = "sync"
# Re-read this much before the cursor: clocks and commits are not perfectly ordered.
OVERLAP = timedelta(minutes=10)
AGGREGATED = ("mapping.", "xero.lock_date")
PREVIEW_ID = "(posted by this sync)"


@dataclass(frozen=True, slots=True)
class Progress:
    kind: DocumentKind
    listed: int
    posted: int
    failed: int


class ProblemBook:
    """Collects problems across a run: one per broken thing, with every document it holds back."""

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, str, str, str]] = {}
        self._documents: dict[str, list[SourceRef]] = defaultdict(list)

    def add(self, code: str, subject: str, message: str, fix: str, document: SourceRef) -> None:
        self._first.setdefault(subject, (code, subject, message, fix))
        self._documents[subject].append(document)

    def problems(self) -> list[Problem]:
        out = []
        for subject, (code, _, message, fix) in self._first.items():
            documents = tuple(self._documents[subject])
            if code.startswith(AGGREGATED):
                count = len(documents)
                message = f"{message} It blocks {count} document{'s' if count != 1 else ''}."
            out.append(Problem(code, subject, message, fix, Severity.BLOCKING, documents))
        return sorted(out, key=lambda p: (-len(p.documents), p.subject))


class _KindState:
    """Per-kind cursor bookkeeping: the newest change seen, and the oldest document not yet finished."""

    def __init__(self) -> None:
        self.newest: datetime | None = None
        self.oldest_unfinished: datetime | None = None

    def saw(self, modified_at: datetime, finished: bool) -> None:
        self.newest = modified_at if self.newest is None else max(self.newest, modified_at)
        if not finished:
            old = self.oldest_unfinished
            self.oldest_unfinished = modified_at if old is None else min(old, modified_at)

    def cursor(self) -> datetime | None:
        return self.oldest_unfinished or self.newest


class SyncEngine:
    """Runs syncs against one Actionstep and one Xero, recording everything in the ledger."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        *,
        clock: Clock | None = None,
        batch_size: int = 50,
        lease_ttl: timedelta = timedelta(seconds=90),
    ) -> None:
        if not 1 <= batch_size <= 50:
            raise ValueError("Xero batches hold 1 to 50 elements")
        self.store = store
        self.actionstep = actionstep
        self.xero = xero
        self.clock = clock or SystemClock()
        self.batch_size = batch_size
        self.lease_ttl = lease_ttl

    def run(
        self,
        trigger: str,
        actor: str,
        *,
        dry_run: bool = False,
        progress: Callable[[Progress], None] | None = None,
    ) -> SyncReport:
        """One sync. Raises `SyncInProgress` if another (real) run holds the lease; every other failure is in the
        returned report (`status`, `error`) and in the ledger."""
        holder = lease_holder()
        heartbeat = None
        if not dry_run:
            detail = json.dumps({"trigger": trigger, "actor": actor})
            self._take_lease(holder, detail)
            heartbeat = Heartbeat(lambda: self.renew_lease(holder, detail), self.lease_ttl / 4)
        report = SyncReport(None, trigger, actor, self.clock.now(), dry_run=dry_run)
        calls_before = self.actionstep.api_calls + self.xero.api_calls
        try:
            with self.store.unit_of_work() as uow:
                report.run_id = uow.runs.start(trigger, actor, dry_run=dry_run, at=report.started_at)
                uow.commit()
            _Run(self, report, progress).execute()
            report.status = RunStatus.OK
        except Retriable as error:
            report.status, report.error, report.error_code = RunStatus.INTERRUPTED, str(error), error.code
        except XerobotError as error:
            report.status, report.error, report.error_code = RunStatus.FAILED, str(error), error.code
        finally:
            report.api_calls = self.actionstep.api_calls + self.xero.api_calls - calls_before
            report.finished_at = self.clock.now()
            self._finish(report)
            if heartbeat is not None:
                heartbeat.stop()
                with self.store.unit_of_work() as uow:
                    uow.leases.release(SYNC_LEASE, holder)
                    uow.commit()
        return report

    def _take_lease(self, holder: str, detail: str) -> None:
        # Leases compare wall-clock times across processes, so they use real time whatever clock the run uses.
        with self.store.unit_of_work() as uow:
            acquired = uow.leases.acquire(SYNC_LEASE, holder, self.lease_ttl, detail=detail)
            current = None if acquired else uow.leases.current(SYNC_LEASE)
            if current is not None and dead_here(current.holder):
                acquired = uow.leases.take_over(
                    SYNC_LEASE, current.holder, holder, self.lease_ttl, detail=detail
                )
            uow.commit()
        if not acquired:
            raise in_progress(current)

    def since(self, kind: DocumentKind) -> datetime | None:
        """Where the next listing of `kind` starts: its cursor, less the overlap window."""
        with self.store.unit_of_work() as uow:
            stored = uow.cursors.get(f"documents:{kind.value}")
        return datetime.fromisoformat(stored) - OVERLAP if stored else None

    def renew_lease(self, holder: str, detail: str) -> None:
        with self.store.unit_of_work() as uow:
            uow.leases.acquire(SYNC_LEASE, holder, self.lease_ttl, detail=detail)
            uow.commit()

    def _finish(self, report: SyncReport) -> None:
        if report.run_id is None:
            return
        summary = {o.value: report.count(o) for o in Outcome if report.count(o)}
        with self.store.unit_of_work() as uow:
            uow.runs.finish(
                report.run_id, status=report.status, api_calls=report.api_calls, summary=summary,
                error=report.error, at=report.finished_at,
            )  # fmt: skip
            uow.commit()


class _Run:
    """The state of one run in progress."""

    def __init__(
        self, engine: SyncEngine, report: SyncReport, progress: Callable[[Progress], None] | None
    ) -> None:
        self.engine = engine
        self.report = report
        self.progress = progress
        self.problems = ProblemBook()
        self.in_xero: dict[SourceRef, str] = {}
        self.counts: dict[Outcome, int] = defaultdict(int)
        self.matters: dict[str, Matter] = {}

    def execute(self) -> None:
        engine = self.engine
        if engine.actionstep.accounting_basis() is AccountingBasis.CASH:
            raise CashBasis(
                "Actionstep is set to the Cash basis; posting to Xero needs Accrual. "
                "Set it in Actionstep (Admin > Accounting), then sync again."
            )
        self.organisation: XeroOrganisation = engine.xero.organisation()
        self.report.xero_short_code = self.organisation.short_code
        with engine.store.unit_of_work() as uow:
            mappings = uow.mappings.all()
        self.mapper = Mapper(mappings, engine.actionstep.books(), engine.xero.chart())
        # Xero's "no tax" type differs by region: BASEXCLUDED in Australia, NONE elsewhere.
        self.no_tax_type = "BASEXCLUDED" if "BASEXCLUDED" in self.mapper.chart.taxes else "NONE"
        self.contacts = ContactDirectory(engine.xero, engine.actionstep)
        assert self.report.run_id is not None
        self.delivery = Delivery(engine.store, engine.xero, run_id=self.report.run_id)
        try:
            for kind in KIND_ORDER:
                self._kind(kind)
        finally:
            self.report.problems = self.problems.problems()

    def _kind(self, kind: DocumentKind) -> None:
        engine = self.engine
        since = engine.since(kind)
        state = _KindState()
        pending: list[tuple[Document, XeroPosting]] = []
        listed = 0
        for chunk in _chunks(engine.actionstep.documents(kind, since), engine.batch_size):
            listed += len(chunk)
            pending.extend(self._prepare(chunk, state))
            while len(pending) >= engine.batch_size:
                self._deliver(kind, pending[: engine.batch_size], state)
                del pending[: engine.batch_size]
            self._tell(kind, listed)
        if pending:
            self._deliver(kind, pending, state)
        self._tell(kind, listed)
        cursor = state.cursor()
        if cursor is not None and not self.report.dry_run:
            with engine.store.unit_of_work() as uow:
                uow.cursors.set(f"documents:{kind.value}", cursor.isoformat())
                uow.commit()

    def _prepare(
        self, chunk: list[Document | MalformedDocument], state: _KindState
    ) -> list[tuple[Document, XeroPosting]]:
        """Classify a listed chunk; record what is decided now; return what is to be sent."""
        documents = [item for item in chunk if isinstance(item, Document)]
        with self.engine.store.unit_of_work() as uow:
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
                if item.modified_at is not None:  # a corrected record gets a new timestamp and is read again
                    state.saw(item.modified_at, True)
                continue
            verdict = self._verdict(item, latest.get(item.ref))
            if verdict.send:
                to_send.append((item, verdict))
            else:
                decided.append(self._decided(item.ref, item.number, item, verdict))
                state.saw(item.modified_at, verdict.outcome is not None and verdict.outcome.finished)
        self.contacts.ensure(
            (d.contact_id for d, _ in to_send if d.contact_id), create=not self.report.dry_run
        )
        unknown = {d.matter_id for d, _ in to_send if d.matter_id and d.matter_id not in self.matters}
        if unknown:
            self.matters.update(self.engine.actionstep.matters(unknown))
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
                state.saw(document.modified_at, False)
                continue
            if self.report.dry_run:
                decided.append(
                    ItemResult(document.ref, document.number, Outcome.WOULD_POST, posting.total, posting.tax)
                )
                self.in_xero[document.ref] = PREVIEW_ID  # what depends on it would be sent after it
                continue
            ready.append((document, posting))
        self._record(decided)
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
        )

    def _decided(
        self, ref: SourceRef, number: str, document: Document | None, verdict: Verdict
    ) -> ItemResult:
        assert verdict.outcome is not None
        total = document.total if document is not None else Decimal(0)
        tax = document.total_tax if isinstance(document, LinedDocument) else Decimal(0)
        fix = fix_for(verdict)
        if verdict.code and verdict.code != "doc.waiting_on_dependency":
            subject = verdict.failures[0].subject if verdict.failures else _subject(verdict.code, ref)
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
        self, kind: DocumentKind, batch: list[tuple[Document, XeroPosting]], state: _KindState
    ) -> None:
        engine = self.engine
        with engine.store.unit_of_work() as uow:
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
            state.saw(by_ref[item.source].modified_at, item.outcome.finished)
            if item.outcome is Outcome.FAILED and item.error_code:
                self.problems.add(
                    item.error_code, f"post:{item.source}", item.message or "", item.fix or "", item.source
                )
        self._record(items)

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

    def _record(self, items: list[ItemResult]) -> None:
        if not items:
            return
        self.report.items.extend(items)
        for item in items:
            self.counts[item.outcome] += 1
        assert self.report.run_id is not None
        with self.engine.store.unit_of_work() as uow:
            uow.runs.record(self.report.run_id, items)
            uow.commit()

    def _tell(self, kind: DocumentKind, listed: int) -> None:
        if self.progress is not None:
            posted = self.counts[Outcome.POSTED] + self.counts[Outcome.ADOPTED]
            self.progress(Progress(kind, listed, posted, self.counts[Outcome.FAILED]))


def in_progress(current: LeaseHolder | None) -> SyncInProgress:
    """The error that describes the sync holding the lease `current`."""
    try:
        started_by = json.loads(current.detail) if current and current.detail else {}
    except ValueError:  # a lease written by an older version
        started_by = {}
    actor, trigger = started_by.get("actor"), started_by.get("trigger")
    started = current.acquired_at if current else None
    who = (
        f" ({trigger} by {actor}" + (f", started at {started:%H:%M UTC})" if started else ")")
        if actor
        else ""
    )
    return SyncInProgress(
        f"A sync is already running{who}. Wait for it to finish.",
        actor=actor,
        trigger=trigger,
        started=started,
    )


def _subject(code: str, ref: SourceRef) -> str:
    return "lock_date" if code == "xero.lock_date" else f"{code.split('.')[0]}:{ref}"


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

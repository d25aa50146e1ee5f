"""Carrying out an unlink request's steps, in order, once its document's lease is held (see `unlink`).

Xero is read again first and the plan worked out anew: anything on the document the confirmed plan did not show stops
the run (`unlink.changed`), and so does a void Xero would now refuse. Then each step not yet done makes its Xero
change, unless Xero already shows it made (by us before a crash, or by a person), and commits its link change, its
record in the request and its audit event in one transaction. The first step that fails stops the run with the
request FAILED and the error naming the step; its Idempotency-Keys carry the request's version, so a retry never
replays a failure Xero remembered. A credit-note allocation taken off an invoice is remembered in the ledger in the
same transaction as its step, so the sync applies it again to the corrected invoice (`sync.reallocate`).
"""

from __future__ import annotations

from collections.abc import Callable

from integration.clock import Clock
from integration.domain import (
    DocumentKind,
    ElementOutcome,
    Link,
    RemovedAllocation,
    StepRecord,
    UnlinkPlan,
    UnlinkRequest,
    UnlinkState,
    UnlinkStep,
    XeroChange,
    XeroDocumentState,
)
from integration.errors import StepFailed, XerobotError
from integration.ports import XeroGateway
from integration.rules.unlink_plan import status_change
from integration.store import Store

OnStep = Callable[[UnlinkRequest], None]
INVOICE_KINDS = frozenset({DocumentKind.SALES_INVOICE, DocumentKind.SUPPLIER_INVOICE})


def request_target(request_id: int) -> str:
    """How audit events name an unlink request."""
    return f"unlink:{request_id}"


class StepRunner:
    """Runs the steps of one request; `replan` reads the live state of a link's document again."""

    def __init__(
        self, store: Store, xero: XeroGateway, clock: Clock, replan: Callable[[Link], UnlinkPlan]
    ) -> None:
        self._store = store
        self._xero = xero
        self._clock = clock
        self._replan = replan

    def get(self, request_id: int) -> UnlinkRequest:
        with self._store.unit_of_work() as uow:
            request = uow.unlinks.get(request_id)
        assert request is not None
        return request

    def run(self, request: UnlinkRequest, actor: str, progress: OnStep | None) -> None:
        void = bool(request.void_in_xero)
        stored = request.plan.steps(void)
        try:
            live = self._replan(request.plan.link)
        except XerobotError as error:
            self._finish(request.id, UnlinkState.FAILED, actor, f"Could not read Xero: {error}")
            return
        unseen = [s.description for s in live.steps(void) if s.key not in {t.key for t in stored}]
        if unseen:
            self._finish(request.id, UnlinkState.FAILED, actor, "Xero changed since the plan was shown: it now also "
                         f"needs {'; '.join(unseen)}. Ask again for a fresh plan.", code="unlink.changed")  # fmt: skip
            return
        if void and live.void_refused and live.xero is not None and live.xero.live:
            self._finish(request.id, UnlinkState.FAILED, actor, live.void_refused, code="unlink.void_refused")
            return
        done = request.done_keys
        for number, step in enumerate(stored, 1):
            if step.key in done:
                continue
            try:
                already = self._change(request, step, live.xero, void)
            except XerobotError as error:  # a StepFailed, or Xero not answering
                self._finish(request.id, UnlinkState.FAILED, actor,
                             f"Step {number} of {len(stored)} ({step.description}) failed: {error}")  # fmt: skip
                if progress is not None:
                    progress(self.get(request.id))
                return
            self._record(request, step, actor, already=already, copy_gone=void or _gone(live.xero))
            if progress is not None:
                progress(self.get(request.id))
        self._finish(request.id, UnlinkState.DONE, actor)

    def _change(
        self, request: UnlinkRequest, step: UnlinkStep, xero: XeroDocumentState | None, void: bool
    ) -> bool:
        """Make the step's Xero change; True when Xero already shows it done (nothing was sent)."""
        if not void or step.change is None or step.xero_id is None:
            return False
        if _already(step, xero):
            return True
        key = f"xerobot-unlink-{request.id}-{request.version}-{step.key}"[:128]
        if step.change is XeroChange.DELETE_PAYMENT:
            outcome = self._xero.delete_payment(step.xero_id, key)
        elif step.change is XeroChange.REMOVE_ALLOCATION:
            assert step.parent_id is not None
            outcome = self._xero.remove_allocation(step.parent_id, step.xero_id)
        else:
            assert xero is not None
            deleting = status_change(xero.status) is XeroChange.DELETE
            outcome = self._xero.set_status(
                xero.xero_type, step.xero_id, "DELETED" if deleting else "VOIDED", key
            )
        _check(outcome)
        return False

    def _record(
        self, request: UnlinkRequest, step: UnlinkStep, actor: str, *, already: bool, copy_gone: bool
    ) -> None:
        record = StepRecord(step.key, step.description, self._clock.now(), already)
        with self._store.unit_of_work() as uow:
            if step.unlink is not None:
                uow.links.unlink(step.unlink, by=actor, voided_in_xero=copy_gone, at=record.at)
            removed = _removed(request, step)
            if removed is not None:
                uow.reallocations.remember(removed)
            uow.unlinks.record_step(request.id, record)
            uow.audit.record(
                actor, "unlink.step", request_target(request.id),
                detail={"step": step.key, "description": step.description, "already": already},
            )  # fmt: skip
            uow.commit()

    def stopped(self, request: UnlinkRequest, actor: str, error: str) -> None:
        """Record that a run ended without finishing (its process stopped), unless the request moved on since."""
        with self._store.unit_of_work() as uow:
            if uow.unlinks.finish(request.id, UnlinkState.FAILED, now=self._clock.now(), error=error,
                                  version=request.version):  # fmt: skip
                uow.audit.record(actor, "unlink.failed", request_target(request.id), detail={"error": error})
            uow.commit()

    def _finish(
        self, request_id: int, state: UnlinkState, actor: str, error: str | None = None, *,
        code: str = "unlink.step_failed",
    ) -> None:  # fmt: skip
        with self._store.unit_of_work() as uow:
            uow.unlinks.finish(request_id, state, now=self._clock.now(), error=error)
            detail = {"state": state.value} | ({"error": error, "code": code} if error else {})
            uow.audit.record(actor, f"unlink.{state.value}", request_target(request_id), detail=detail)
            uow.commit()


def _removed(request: UnlinkRequest, step: UnlinkStep) -> RemovedAllocation | None:
    """The credit-note allocation `step` took off an invoice, to apply again to the corrected invoice once it
    posts (see `sync.reallocate`). A credit note's own allocations are not kept: the corrected credit note carries
    them from Actionstep when it posts again."""
    plan = request.plan
    if step.change is not XeroChange.REMOVE_ALLOCATION or plan.kind not in INVOICE_KINDS:
        return None
    found = next((a for a in plan.allocations if a.allocation_id == step.xero_id), None)
    if found is None:
        return None
    return RemovedAllocation(
        allocation_id=found.allocation_id,
        source=plan.source,
        old_invoice_id=plan.link.xero_id,
        credit_note_id=found.credit_note_id,
        credit_note_number=found.credit_note_number,
        old_invoice_number=found.invoice_number or plan.link.xero_number,
        amount=found.amount,
        date=found.date,
        request_id=request.id,
    )


def _gone(xero: XeroDocumentState | None) -> bool:
    return xero is None or not xero.live


def _already(step: UnlinkStep, xero: XeroDocumentState | None) -> bool:
    """Whether Xero already shows the step's change made: the payment or allocation is gone from the document,
    or the document (or payment) itself is voided or deleted."""
    if xero is None or not xero.live:
        return True
    if step.key.startswith("payment:"):
        return all(p.xero_id != step.xero_id for p in xero.payments)
    if step.key.startswith("allocation:"):
        return all(a.allocation_id != step.xero_id for a in xero.allocations)
    return False


def _check(outcome: ElementOutcome) -> None:
    if not outcome.ok:
        raise StepFailed("; ".join(text for _, text in outcome.errors) or "Xero refused without a reason.")

"""Unlinking: plan what unlinking a document takes, record the request, and carry it out once it is confirmed.

`plan(number)` finds the linked document and reads Xero's live state (`unlink_plan` works out the steps). A request
records the plan shown, who asked and when it expires. Confirming decides it once (a conditional UPDATE; see
`store.unlinks`): the requester may not confirm their own request when the two-person rule is on, an expired one
cannot be confirmed, and the void path is refused when Xero would refuse it.

Carrying it out (`confirm`, `retry`) happens under a lease named after the document, so two requests for it never
run at once, and the decision is taken under it; `unlink_steps` then runs the steps against Xero's live state,
recording each as it completes. A request that is done does nothing when run again; one that stopped at a step is
carried on from there by `retry` (also one whose runner died: its lease expires).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from integration.clock import Clock
from integration.domain import (
    UNLINKABLE_KINDS,
    DocumentKind,
    Link,
    LinkState,
    SourceRef,
    UnlinkPlan,
    UnlinkRequest,
    UnlinkState,
)
from integration.errors import (
    AlreadyUnlinked,
    AmbiguousNumber,
    NothingToUnlink,
    NotUnlinkable,
    Refused,
    TwoPersonRule,
    UnlinkExpired,
    UnlinkPending,
    VoidRefused,
)
from integration.leases import LeaseBusy, held
from integration.ports import XeroGateway
from integration.rules.unlink_plan import Facts, build
from integration.store import Store, UnitOfWork
from integration.unlinking.steps import OnStep, StepRunner, request_target

LEASE_TTL = timedelta(minutes=2)
SUGGESTIONS = 3
STOPPED = "The bot stopped while carrying it out; the steps marked done are done. Retry carries it on."


@dataclass(frozen=True, slots=True)
class UnlinkPolicy:
    """How long a request may wait for confirmation, and whether a second person must confirm it."""

    expiry: timedelta = timedelta(minutes=30)
    two_person: bool = False


@dataclass(frozen=True, slots=True)
class UnlinkOutcome:
    """What a confirm, retry or cancel did: `changed` when this call moved the request on; otherwise `request`
    (its state, `approved_by`) says who got there first."""

    changed: bool
    request: UnlinkRequest
    busy_by: str | None = None


class Unlinker:
    """Unlink requests for one firm; `Service.unlinks`."""

    def __init__(
        self, store: Store, xero: XeroGateway, clock: Clock, policy: UnlinkPolicy | None = None
    ) -> None:
        self._store = store
        self._xero = xero
        self._clock = clock
        self.policy = policy or UnlinkPolicy()
        self._runner = StepRunner(store, xero, clock, self._plan_for)

    # Planning ------------------------------------------------------------------------------------------------

    def plan(self, number: str) -> UnlinkPlan:
        """The plan for the document (or payment) linked under `number`. Raises `XerobotError` when there is none
        (with the closest linked numbers), when it was already unlinked (when and by whom), or when its kind is not
        unlinked by the bot."""
        wanted = number.strip()
        with self._store.unit_of_work() as uow:
            source = _source(wanted)
            links = list(reversed(uow.links.history(source))) if source else uow.links.by_number(wanted)
            suggestions = [] if links else uow.links.linked_numbers(UNLINKABLE_KINDS)
        if not links:
            close = difflib.get_close_matches(wanted.upper(), suggestions, n=SUGGESTIONS, cutoff=0.5)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise NothingToUnlink(f"Nothing was posted to Xero as {wanted}.{hint}")
        active = [link for link in links if link.state is LinkState.LINKED]
        if not active:
            last = links[0]
            when = f"{last.unlinked_at:%d %b %Y %H:%M} UTC" if last.unlinked_at else "earlier"
            voided = " and its Xero copy voided" if last.voided_in_xero else ""
            raise AlreadyUnlinked(
                f"{last.source_number} was already unlinked{voided} on {when} by {last.unlinked_by or 'someone'}."
            )
        if len({link.source for link in active}) > 1:
            named = " and ".join(f"{link.source.kind.label} `{link.source}`" for link in active)
            raise AmbiguousNumber(
                f"More than one document is linked as {wanted}: {named}. Say which, e.g. "
                f"`/xero unlink {active[0].source}`."
            )
        link = active[0]
        if link.source.kind not in UNLINKABLE_KINDS:
            raise NotUnlinkable(
                f"{link.source_number} is a {link.source.kind.label}; only invoices, credit notes and payments "
                "are unlinked here."
            )
        return self._plan_for(link)

    def _plan_for(self, link: Link) -> UnlinkPlan:
        organisation = self._xero.organisation()
        state = self._xero.document_state(link.xero_type, link.xero_id)
        with self._store.unit_of_work() as uow:
            links = uow.links.active_by_xero_id(p.xero_id for p in (state.payments if state else ()))
        return build(link, Facts(state, links, organisation.short_code, organisation.lock_date))

    # Requests ------------------------------------------------------------------------------------------------

    def request(self, number: str, actor: str) -> UnlinkRequest:
        """Plan the unlink of `number` and record the request, waiting for confirmation. Raises `UnlinkPending`
        (naming that request) when one for the same document is already waiting: one at a time per document."""
        plan = self.plan(number)
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            request, created = uow.unlinks.create(
                plan, requested_by=actor, now=now, expires_at=now + self.policy.expiry
            )
            if created:
                uow.audit.record(
                    actor, "unlink.request", request_target(request.id), detail={"number": plan.number}
                )
            uow.commit()
        if not created:
            raise UnlinkPending(
                f"An unlink of {request.number} is already waiting for confirmation (request {request.id}, asked "
                f"by {request.requested_by}, until {request.expires_at:%H:%M} UTC).",
                request_id=request.id,
            )
        return request

    def now(self) -> datetime:
        """The time requests expire by (the engine's clock)."""
        return self._clock.now()

    def get(self, request_id: int) -> UnlinkRequest:
        with self._store.unit_of_work() as uow:
            request = uow.unlinks.get(request_id)
        if request is None:
            raise NothingToUnlink(f"There is no unlink request {request_id}.")
        return request

    def open(self) -> list[UnlinkRequest]:
        """Requests waiting for confirmation (not expired), running, or stopped at a step; oldest first. One left
        running by a process that died (its lease has lapsed) is recorded as stopped, so Retry can carry it on."""
        with self._store.unit_of_work() as uow:
            requests = uow.unlinks.open(self._clock.now())
            abandoned = [
                r
                for r in requests
                if r.state is UnlinkState.RUNNING and uow.leases.current(_lease(r)) is None
            ]
        for request in abandoned:
            self._runner.stopped(request, "system", STOPPED)
        return [self.get(r.id) if r in abandoned else r for r in requests]

    def posted(self, request_id: int, channel: str, ts: str) -> None:
        with self._store.unit_of_work() as uow:
            uow.unlinks.posted(request_id, channel, ts)
            uow.commit()

    def cancel(self, request_id: int, actor: str) -> UnlinkOutcome:
        with self._store.unit_of_work() as uow:
            changed = uow.unlinks.cancel(request_id, by=actor, now=self._clock.now())
            if changed:
                uow.audit.record(actor, "unlink.cancel", request_target(request_id))
            uow.commit()
        return UnlinkOutcome(changed, self.get(request_id))

    def confirm(
        self, request_id: int, actor: str, *, void_in_xero: bool, progress: OnStep | None = None
    ) -> UnlinkOutcome:
        """Decide a pending request and carry it out. Raises `XerobotError` when it may not be confirmed (expired,
        the requester under the two-person rule, a void Xero would refuse); returns unchanged when someone else
        decided it first, or is acting on the document right now (`busy_by`)."""
        request = self.get(request_id)
        if request.state is not UnlinkState.PENDING:
            return UnlinkOutcome(False, request)
        self._may_decide(request, actor)
        if void_in_xero and request.plan.void_refused:
            self._refuse(request, actor, VoidRefused(request.plan.void_refused))

        def decide(uow: UnitOfWork) -> bool:
            return uow.unlinks.confirm(request_id, by=actor, void_in_xero=void_in_xero, now=self._clock.now())

        return self._under_lease(request, actor, progress, decide, {"void_in_xero": void_in_xero})

    def retry(self, request_id: int, actor: str, *, progress: OnStep | None = None) -> UnlinkOutcome:
        """Carry on a request that stopped at a step (or whose runner died), from that step. Nothing happens to one
        that is done, cancelled or running."""
        request = self.get(request_id)
        if request.state not in (UnlinkState.FAILED, UnlinkState.RUNNING):
            return UnlinkOutcome(False, request)
        if self.policy.two_person and actor == request.requested_by:
            message = "You asked for this unlink; with the two-person rule another approver must carry it on."
            self._refuse(request, actor, TwoPersonRule(message))
        return self._under_lease(request, actor, progress, lambda uow: uow.unlinks.resume(request_id), {})

    def _may_decide(self, request: UnlinkRequest, actor: str) -> None:
        if request.expired(self._clock.now()):
            message = (
                f"This request to unlink {request.number} expired at {request.expires_at:%H:%M} UTC. "
                f"Ask again with `/xero unlink {request.number}`."
            )
            self._refuse(request, actor, UnlinkExpired(message))
        if self.policy.two_person and actor == request.requested_by:
            message = "You asked for this unlink; with the two-person rule another approver must confirm it."
            self._refuse(request, actor, TwoPersonRule(message))

    def _refuse(self, request: UnlinkRequest, actor: str, refusal: Refused) -> NoReturn:
        """Raise `refusal`, recording who tried and why in the audit log."""
        with self._store.unit_of_work() as uow:
            uow.audit.record(
                actor,
                "unlink.refused",
                request_target(request.id),
                allowed=False,
                detail={"code": refusal.code},
            )
            uow.commit()
        raise refusal

    # Carrying it out -----------------------------------------------------------------------------------------

    def _under_lease(
        self,
        request: UnlinkRequest,
        actor: str,
        progress: OnStep | None,
        decide: Callable[[UnitOfWork], bool],
        detail: dict[str, Any],
    ) -> UnlinkOutcome:
        """Take the document's lease, decide (once: `decide` is a conditional UPDATE), then run the steps."""
        action = "unlink.confirm" if request.state is UnlinkState.PENDING else "unlink.retry"
        try:
            with held(self._store, _lease(request), LEASE_TTL, detail=actor):
                with self._store.unit_of_work() as uow:
                    decided = decide(uow)
                    if decided:
                        uow.audit.record(actor, action, request_target(request.id), detail=detail)
                    uow.commit()
                return self._carry_out(request, actor, progress, decided)
        except LeaseBusy as busy:
            return UnlinkOutcome(False, self.get(request.id), busy_by=busy.detail)

    def _carry_out(
        self, request: UnlinkRequest, actor: str, progress: OnStep | None, decided: bool
    ) -> UnlinkOutcome:
        if not decided:
            latest = self.get(request.id)
            if latest.state is UnlinkState.PENDING:
                self._may_decide(latest, actor)  # it expired meanwhile
            return UnlinkOutcome(False, latest)
        try:
            if progress is not None:
                progress(self.get(request.id))
            self._runner.run(self.get(request.id), actor, progress)
        except BaseException:
            self._runner.stopped(self.get(request.id), actor, STOPPED)
            raise
        return UnlinkOutcome(True, self.get(request.id))


def _source(text: str) -> SourceRef | None:
    """`supplier_invoice:17` names one document by its Actionstep kind and id (for numbers used twice)."""
    kind, _, source_id = text.partition(":")
    known = {k.value: k for k in DocumentKind}
    return SourceRef(known[kind], source_id) if kind in known and source_id else None


def _lease(request: UnlinkRequest) -> str:
    """One lease per document: two requests for it never run at once."""
    return f"unlink:{request.plan.source}"


__all__ = ["UnlinkOutcome", "UnlinkPolicy", "Unlinker", "request_target"]

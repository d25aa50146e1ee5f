"""Unlinking a posted document so it can be corrected in Actionstep: ask, confirm or cancel, retry a stopped one.

The steps themselves (payments first, then the document; one lease per request) are `integration.unlinking`.
"""

from __future__ import annotations

from datetime import datetime

from integration.domain import UnlinkPlan, UnlinkRequest
from integration.unlinking.steps import OnStep
from integration.unlinking.unlinker import Unlinker, UnlinkOutcome, UnlinkPolicy


class Unlinks:
    """Unlink requests, from asking to done; `Service.unlinks`."""

    def __init__(self, unlinker: Unlinker) -> None:
        self._unlinker = unlinker

    @property
    def policy(self) -> UnlinkPolicy:
        """How long a request waits for confirmation, and whether a second person must confirm it."""
        return self._unlinker.policy

    @policy.setter
    def policy(self, policy: UnlinkPolicy) -> None:
        self._unlinker.policy = policy

    def now(self) -> datetime:
        return self._unlinker.now()

    def plan(self, number: str) -> UnlinkPlan:
        """What unlinking `number` would do, step by step, changing nothing."""
        return self._unlinker.plan(number)

    def request(self, number: str, actor: str) -> UnlinkRequest:
        """Ask to unlink `number`: a pending request, to be confirmed or cancelled before it expires."""
        return self._unlinker.request(number, actor)

    def get(self, request_id: int) -> UnlinkRequest:
        return self._unlinker.get(request_id)

    def open(self) -> list[UnlinkRequest]:
        """Requests waiting, running or stopped at a step."""
        return self._unlinker.open()

    def posted(self, request_id: int, channel: str, ts: str) -> None:
        self._unlinker.posted(request_id, channel, ts)

    def cancel(self, request_id: int, actor: str) -> UnlinkOutcome:
        return self._unlinker.cancel(request_id, actor)

    def confirm(
        self, request_id: int, actor: str, *, void_in_xero: bool, progress: OnStep | None = None
    ) -> UnlinkOutcome:
        """Decide a pending request and carry it out; see `Unlinker.confirm` for when it refuses."""
        return self._unlinker.confirm(request_id, actor, void_in_xero=void_in_xero, progress=progress)

    def retry(self, request_id: int, actor: str, *, progress: OnStep | None = None) -> UnlinkOutcome:
        """Carry on a request that stopped at a step."""
        return self._unlinker.retry(request_id, actor, progress=progress)

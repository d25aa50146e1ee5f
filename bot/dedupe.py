"""Drops a Slack request served before, on this replica or any other: a replay of a captured request (the same
signature, which covers its timestamp and body) or a retry (`X-Slack-Retry-Num`) of an event or interaction that
already arrived (the same `event_id` or `trigger_id`).

Each request is recorded in the ledger (`Service.replays`) before any listener sees it, for Slack's replay window;
a request already recorded gets an empty 200 (so Slack stops retrying) and nothing else. When the ledger cannot be
reached the request is refused with 503 rather than served unrecorded. Every handler is idempotent in the ledger
too, so this is the first line, not the only one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from integration.app.replays import ReplayGuard

log = logging.getLogger(__name__)


def delivery_keys(request: BoltRequest, body: dict[str, Any]) -> list[str]:
    """What identifies a request: its signature (HTTP only) and its event or trigger id."""
    keys = []
    signatures = request.headers.get("x-slack-signature") or []
    if signatures and (signature := signatures[0]):
        keys.append(f"signature:{signature}")
    if body.get("event_id"):
        keys.append(f"event:{body['event_id']}")
    elif body.get("trigger_id"):
        keys.append(f"trigger:{body['trigger_id']}")
    return keys


def drop_replays(replays: ReplayGuard) -> Callable[..., BoltResponse | None]:
    """A bolt global middleware (a plain function: bolt passes arguments by parameter name)."""

    def drop_replayed(
        request: BoltRequest, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        keys = delivery_keys(request, body)
        if keys:
            try:
                first = replays.first_time(keys)
            except Exception as error:  # the ledger is down: Slack retries what we do not answer 200
                log.warning(
                    "A Slack request could not be recorded, so it was refused: %s", type(error).__name__
                )
                return BoltResponse(status=503, body="")
            if not first:
                return BoltResponse(status=200, body="")
        next()
        return None

    return drop_replayed

"""Cursor: a backlog with one blocked document at its start, synced ten times against the in-process sandboxes.

The first sync posts the backlog; the document at its start stays blocked (dated inside Xero's lock date). Each
later sync changes nothing. Figures: the Actionstep calls each sync makes, the first and the most and fewest of the
nine after it, and the documents each later sync reports. A sync's calls should track what changed since the last
one (the fixed look-ups, one empty listing page per kind and a re-read of the blocked document), not the age of the
oldest blocked document: flat after the first sync, whatever the backlog's size.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from bench import Measurement, sized
from bot.demo import build_demo
from integration.clock import VirtualClock
from integration.domain import Outcome
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.backlog import make_backlog
from sandboxes.server import Sandboxes
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits

BACKLOG = sized(5_000, quick=200)
SYNCS = 10
LOCK_DATE = date(2026, 1, 31)
RELAXED = Limits(per_minute=10**9, per_day=10**9, app_per_minute=10**9, concurrent=50)


def _sandboxes() -> Sandboxes:
    """The backlog in Actionstep, and its oldest bill dated inside Xero's lock date (its timestamp unchanged, so it
    stays at the start of the listing)."""
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    actionstep = ActionstepSandbox(clock=clock)
    actionstep.load(make_backlog(BACKLOG, 1))
    first = min(actionstep.records("bills"), key=lambda bill: (bill["modifiedTimestamp"], int(bill["id"])))
    actionstep.update(
        "bills", str(first["id"]), invoiceDate="2026-01-15", modifiedTimestamp=first["modifiedTimestamp"]
    )
    xero = XeroSandbox.demo(clock=clock, limits=RELAXED)
    xero.set_lock_dates(period=LOCK_DATE, end_of_year=None)
    return Sandboxes(xero, actionstep, clock)


def run() -> list[Measurement]:
    sandboxes = _sandboxes()
    calls: list[int] = []
    blocked: list[int] = []
    reported: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        service, _ = build_demo(Path(folder), sandboxes=sandboxes)
        try:
            for _ in range(SYNCS):
                sandboxes.actionstep.requests.clear()
                report = service.sync("bench", "bench").report
                calls.append(sum(1 for r in sandboxes.actionstep.requests if "/api/rest/" in r.path))
                blocked.append(report.count(Outcome.BLOCKED))
                reported.append(len(report.items))
        finally:
            service.close()
    later = calls[1:]
    return [
        Measurement(
            "cursor", f"{BACKLOG:,}-document backlog, one blocked at its start: sync 1", calls[0], "calls"
        ),
        Measurement("cursor", f"Actionstep calls, syncs 2-{SYNCS}: fewest", min(later), "calls"),
        Measurement("cursor", f"Actionstep calls, syncs 2-{SYNCS}: most", max(later), "calls", "= fewest"),
        Measurement("cursor", f"documents reported, syncs 2-{SYNCS}: most", max(reported[1:]), "docs"),
        Measurement("cursor", "documents blocked, every sync", max(blocked), "docs"),
    ]

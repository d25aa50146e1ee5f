"""Month-end reconciliation: one month of about 10,000 documents (a few hundred in the quick mode), through the
real service (`service.reconciling.run`) against the in-process sandboxes.

Setup, not measured: a busy firm's backlog (`make_backlog(…, pace=PACE)`, so July alone holds about 10,000 of the
kinds the bot posts) on the demo firm in both sandboxes, Xero relaxed (`RELAXED`: no rate limit) and a high-volume
organisation as Xero treats one past 5,000 documents, and one sync that posts and links them. Figures, for July:
- Xero calls the reconciliation made, against its budget: `ceil(n/1000)` pages per endpoint (at least one; bank
  transfers are one unpaged call: `integration/xero/period_reads.py`) plus the organisation, chart and balance
  sheet; per endpoint, the month's records in Xero and the pages read. Actionstep calls too.
- local work against rate-limited time: Xero allows 60 calls a minute, so those calls need `calls / 60` minutes;
  local work is the run's wall time less the time spent inside the in-process sandboxes (which stand for Xero and
  Actionstep answering). Target: below 5 % of the rate-limited time.
- documents per second (wall time, sandboxes included), peak RSS growth during the run, and the peak of Python
  allocations (`tracemalloc`) in a second, identical run (tracing slows a run, so the first is the timed one).
"""

from __future__ import annotations

import math
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import Measurement, sized
from integration.app import ReconcileResult, Service
from integration.clock import VirtualClock
from integration.domain import Endpoint, Period, RunStatus
from integration.rules.posting import ENDPOINT_OF_KIND
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from integration.xero import wire
from integration.xero.period_reads import MAX_PAGE_SIZE
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.backlog import make_backlog
from sandboxes.server import HIGH_VOLUME_BACKLOG, Sandboxes
from sandboxes.xero.emulator import XeroSandbox
from tests.support.engine import RELAXED, demo_service

GENERATED = sized(10_800, quick=500)  # about 10,000 (quick: about 350) of the posted kinds dated in July
PACE = 0.38  # the backlog's steps between documents scaled so that July holds them
JULY = Period(2026, 7)
SETUP_CALLS = ("Organisation", "Accounts", "TaxRates", "Reports/BalanceSheet")  # the chart is two calls
LIMIT_PER_MINUTE = 60


class _Timed(httpx.BaseTransport):
    """A transport that adds up the time spent inside the sandboxes (answer read in full)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self.seconds = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = self._inner.handle_request(request)
        response.read()
        self.seconds += time.perf_counter() - started
        return response


def _sandboxes() -> Sandboxes:
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    actionstep = ActionstepSandbox.demo(clock=clock)
    actionstep.load(make_backlog(GENERATED, 0, pace=PACE))
    xero = XeroSandbox.demo(clock=clock, limits=RELAXED)
    xero.high_volume = GENERATED > HIGH_VOLUME_BACKLOG
    return Sandboxes(xero, actionstep, clock)


def _in_month(xero: XeroSandbox) -> Counter[str]:
    """How many records of each endpoint Xero holds dated in July, whatever their status."""
    listed = {
        Endpoint.INVOICES: xero.invoices() + xero.credit_notes(),
        Endpoint.PAYMENTS: xero.payments(),
        Endpoint.BANK_TRANSACTIONS: xero.bank_transactions(),
        Endpoint.BANK_TRANSFERS: xero.bank_transfers(),
    }
    found: Counter[str] = Counter()
    for endpoint, records in listed.items():
        for record in records:
            moment = wire.parse_ms_date(record.get("Date"))
            if moment is not None and JULY.start <= moment.date() <= JULY.end:
                if endpoint is Endpoint.INVOICES and "CreditNoteID" in record:
                    found[Endpoint.CREDIT_NOTES.value] += 1
                else:
                    found[endpoint.value] += 1
    return found


def _pages(endpoint: str, n: int) -> int:
    """The fewest calls Xero needs for `n` records of `endpoint` in one period (at least one, to learn there are
    none); bank transfers are never paged."""
    return 1 if endpoint == Endpoint.BANK_TRANSFERS.value else max(1, math.ceil(n / MAX_PAGE_SIZE))


def _rss_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Resets the process's peak RSS (Linux: `clear_refs` 5), so a later peak is the run's own."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def _reconcile(service: Service) -> ReconcileResult:
    assert service.reconciling is not None
    return service.reconciling.run(JULY, actor="bench")


@dataclass(frozen=True, slots=True)
class _Run:
    """What one measured reconciliation of July did."""

    result: ReconcileResult
    wall: float  # seconds, sandboxes included
    in_sandboxes: float  # seconds spent inside the in-process sandboxes
    calls: Counter[str]  # Xero API calls by path, as the sandbox saw them
    in_month: Counter[str]  # Xero's records of July by endpoint
    rss_growth_mb: float | None  # peak RSS during the run above RSS before it; None where it cannot be read
    traced_peak_mb: float  # peak Python allocations during a second, traced run


def _measure() -> _Run:
    sandboxes = _sandboxes()
    timed = _Timed(httpx.WSGITransport(app=sandboxes))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.db'}"
        store = Store.open(url, TokenCipher([generate_key()]), upgrade_schema=True)
        service, _ = demo_service(store, sandboxes, transport=timed)
        try:
            synced = service.sync("bench", "bench").report
            assert synced.status is not RunStatus.FAILED, synced.status
            in_month = _in_month(sandboxes.xero)
            seen_before = len(sandboxes.xero.requests)
            rss_before = _rss_kb("VmRSS")
            peak_reset = _reset_peak_rss()
            sandbox_before = timed.seconds
            started = time.perf_counter()
            result = _reconcile(service)
            wall = time.perf_counter() - started
            in_sandboxes = timed.seconds - sandbox_before
            rss_peak = _rss_kb("VmHWM") if peak_reset else None
            calls = Counter(
                r.path.split("/api.xro/2.0/", 1)[1].split("?")[0]
                for r in sandboxes.xero.requests[seen_before:]
                if "/api.xro/" in r.path
            )
            tracemalloc.start()
            again = _reconcile(service)
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        finally:
            service.close()
            store.close()
    rec = result.reconciliation
    assert not rec.incomplete, rec.incomplete
    assert rec.xero_calls == sum(calls.values()) == again.reconciliation.xero_calls, (rec.xero_calls, calls)
    growth = (rss_peak - rss_before) / 1024 if rss_peak is not None and rss_before is not None else None
    return _Run(result, wall, in_sandboxes, calls, in_month, growth, traced_peak / 2**20)


def run() -> list[Measurement]:
    measured = _measure()
    rec, calls, wall = measured.result.reconciliation, measured.calls, measured.wall
    n = sum(t.actionstep_count for t in rec.tallies)
    kinds = sum(1 for t in rec.tallies if t.actionstep_count)
    endpoints = sorted({e.value for e in ENDPOINT_OF_KIND.values()})
    pages = {e: sum(v for path, v in calls.items() if path.split("/")[0] == e) for e in endpoints}
    budget_pages = {e: _pages(e, measured.in_month[e]) for e in endpoints}
    setup = sum(calls[path] for path in SETUP_CALLS)
    xero_calls = sum(calls.values())
    budget = sum(budget_pages.values()) + len(SETUP_CALLS)
    rate_limited = xero_calls * 60 / LIMIT_PER_MINUTE
    local = wall - measured.in_sandboxes
    area = "reconcile"
    rows = [
        Measurement(area, f"documents of {JULY} in Actionstep, {kinds} kinds", n, "docs", "~10,000"),
        Measurement(area, "reconciled: documents per second (sandboxes included)", n / wall, "docs/s"),
        Measurement(area, "wall time (sandboxes included)", wall, "s"),
        Measurement(
            area,
            "Xero calls made",
            xero_calls,
            "calls",
            f"<= {budget} budget: {'within' if xero_calls <= budget else 'OVER'}",
        ),
    ]
    for endpoint in endpoints:
        rows.append(
            Measurement(
                area,
                f"Xero {endpoint} ({measured.in_month[endpoint]:,} in the month): calls",
                pages[endpoint],
                "calls",
                f"<= {budget_pages[endpoint]} (pages of {MAX_PAGE_SIZE:,})",
            )
        )
    rows += [
        Measurement(
            area,
            "Xero organisation, chart (accounts, tax rates), balance sheet",
            setup,
            "calls",
            f"<= {len(SETUP_CALLS)}",
        ),
        Measurement(
            area, "Xero calls of any other kind", xero_calls - setup - sum(pages.values()), "calls", "0"
        ),
        Measurement(area, "Actionstep calls made", rec.actionstep_calls, "calls"),
        Measurement(area, f"at {LIMIT_PER_MINUTE} calls/min: Xero's calls take", rate_limited, "s"),
        Measurement(area, "time inside the in-process sandboxes", measured.in_sandboxes, "s"),
        Measurement(area, "local work (wall time less the sandboxes)", local, "s"),
        Measurement(area, "local work / rate-limited time", local / rate_limited * 100, "%", "< 5"),
    ]
    if measured.rss_growth_mb is not None:
        rows.append(Measurement(area, "peak RSS growth during the run", measured.rss_growth_mb, "MB"))
    rows += [
        Measurement(area, "peak traced allocations (tracemalloc, second run)", measured.traced_peak_mb, "MB"),
        Measurement(
            area,
            "differences found (not posted: lock date, dependencies, demo)",
            len(rec.differences),
            "docs",
        ),
    ]
    return rows

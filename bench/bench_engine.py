"""Sync engine: a 10,000-document backlog end to end against the in-process sandboxes.

Each scenario runs in a fresh subprocess so its peak RSS is its own. Figures:
- documents/s (wall time, everything listed, classified, posted and recorded in a SQLite ledger);
- Xero API calls against the minimum: ceil(n/50) per kind written, plus the fixed look-ups (organisation, accounts,
  tax rates, currencies), contact look-ups/creations and the bank-feed guard's reads (the invoices a batch of
  payments pays, then the payments of those Xero shows paid by someone else);
- the same backlog with the sandbox enforcing Xero's 60 calls a minute on a virtual clock: the run's (virtual)
  duration against the rate-limit bound, and how many requests Xero refused with 429.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

from bench import Measurement, sized

BACKLOG = sized(10_000, quick=200)

SCRIPT = r"""
import json, math, resource, sys, tempfile, time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from bot.demo import DEMO_MAPPINGS, SANDBOX_BASE, build_demo
from integration.app import bootstrap
from integration.clock import VirtualClock
from integration.domain import Outcome
from integration.rules.posting import ENDPOINT_OF_KIND
from sandboxes.server import Sandboxes
from sandboxes.xero.gate import Limits

limited = sys.argv[2] == "limited"
relaxed = Limits(per_minute=10**9, per_day=10**9, app_per_minute=10**9, concurrent=50)
clock = VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
sandboxes = Sandboxes.demo(clock=clock, backlog=int(sys.argv[1]), limits=None if limited else relaxed)
with tempfile.TemporaryDirectory() as directory:
    service, _ = build_demo(Path(directory), sandboxes=sandboxes)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, virtual_start = time.perf_counter(), clock.now()
    report = service.sync("bench", "bench").report
    wall = time.perf_counter() - started
    virtual = (clock.now() - virtual_start).total_seconds()
    written = Counter(ENDPOINT_OF_KIND[i.source.kind] for i in report.items if i.outcome is Outcome.POSTED)
    minimum = sum(math.ceil(n / 50) for n in written.values())
    # Counted where Xero would count them: at the sandbox, API calls only (not the identity server).
    xero_calls = sum(1 for r in sandboxes.xero.requests if "/api.xro/" in r.path)
    seen = Counter((r.method, r.path.split("?")[0].rsplit("/", 1)[-1]) for r in sandboxes.xero.requests)
    allocations = seen[("PUT", "Allocations")]
    contacts = seen[("PUT", "Contacts")]
    writes = sum(n for (method, path), n in seen.items() if method == "PUT") - allocations - contacts
    print(json.dumps({
        "status": report.status, "listed": len(report.items), "posted": report.count(Outcome.POSTED),
        "wall": wall, "virtual": virtual, "xero_calls": xero_calls, "minimum": minimum, "writes": writes, "allocations": allocations,
        "contacts": contacts,
        "guard_invoices": seen[("GET", "Invoices")], "guard_payments": seen[("GET", "Payments")],
        "api_calls": report.api_calls,
        "refused": sandboxes.xero.limiter.refused, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before / 1024,
    }))
    service.close()
"""


def _scenario(mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(BACKLOG), mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run() -> list[Measurement]:
    fast = _scenario("relaxed")
    limited = _scenario("limited")
    guard = fast["guard_invoices"] + fast["guard_payments"]
    others = fast["xero_calls"] - fast["writes"] - fast["allocations"] - fast["contacts"] - guard
    # Xero counts calls in fixed one-minute windows: n calls need at least ceil(n/60) windows, so the last call can
    # go no earlier than (ceil(n/60) - 1) minutes after the first.
    bound = (math.ceil(limited["xero_calls"] / 60) - 1) * 60
    over = limited["virtual"] / bound - 1 if bound else 0.0  # a quick run fits in one window
    rate = fast["listed"] / fast["wall"]
    return [
        Measurement("engine", f"{BACKLOG:,}-document backlog, end to end", rate, "docs/s", ">= 1,000"),
        Measurement("engine", "documents posted", fast["posted"], "docs"),
        Measurement("engine", "Xero calls made, all", fast["xero_calls"], "calls"),
        Measurement("engine", "document writes", fast["writes"], "calls", f"<= 1.05 x {fast['minimum']:.0f}"),
        Measurement("engine", "document writes minimum (ceil(n/50) per kind)", fast["minimum"], "calls"),
        Measurement(
            "engine", "credit-note allocations (one call each in Xero)", fast["allocations"], "calls"
        ),
        Measurement("engine", "contact creations", fast["contacts"], "calls"),
        Measurement("engine", "look-ups (organisation, chart, tax, currencies, contacts)", others, "calls"),
        Measurement(
            "engine", "bank-feed guard: invoices read (GET /Invoices)", fast["guard_invoices"], "calls"
        ),
        Measurement(
            "engine", "bank-feed guard: payments read (GET /Payments)", fast["guard_payments"], "calls"
        ),
        Measurement("engine", "peak RSS (sandboxes in-process)", fast["rss_mb"], "MB", "<= 300"),
        Measurement("engine", "at 60 calls/min: virtual run time", limited["virtual"], "s"),
        Measurement("engine", "at 60 calls/min: rate-limit bound", bound, "s"),
        Measurement("engine", "at 60 calls/min: over the bound", over * 100, "%", "<= 5"),
        Measurement(
            "engine", "at 60 calls/min: requests refused with 429", limited["refused"], "requests", "0"
        ),
    ]

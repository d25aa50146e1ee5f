"""Daily summary: a day with 10,000 documents posted (and 2,000 skipped by design, 500 open alerts, 50 unlink requests
waiting) summarised from the ledger (SQLite, and PostgreSQL when XEROBOT_TEST_POSTGRES_URL is set) and rendered as Block Kit, end to end: the ledger's queries
(each answered from an index), counting, and the blocks serialised through `slack_sdk.models` as they would be
posted. The connection probes are the in-memory remotes' (a real probe is two API calls, cached for five minutes).
Target: under a second.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench import Measurement, sized
from bot.views.summary import summary_message
from integration.domain import AlertSource, DocumentKind, ItemResult, Outcome, Problem, RunStatus, SourceRef
from integration.store.tables import UnlinkRequestRow
from tests.support.databases import fresh_database_url, postgres_base_url
from tests.support.firm import Firm, demo_firm

POSTINGS = sized(10_000, quick=400)
SKIPPED = sized(2_000, quick=80)
ALERTS = sized(500, quick=20)
UNLINKS = sized(50, quick=5)
ROUNDS = sized(5, quick=1)
PUSHED = [k for k in DocumentKind if k.pushed]


def _fill(firm: Firm, now: datetime) -> None:
    """A busy day: 40 syncs a day's worth of postings, each document once, plus the day's skips and problems."""
    per_run = POSTINGS // 40
    with firm.store.unit_of_work() as uow:
        for run in range(40):
            at = now - timedelta(hours=23) + timedelta(minutes=30 * run)
            run_id = uow.runs.start("schedule", "the scheduler", at=at)
            items = [
                ItemResult(
                    SourceRef(PUSHED[n % len(PUSHED)], f"d{run}-{n}"), f"INV-{run}-{n}", Outcome.POSTED,
                    Decimal("1234.56"), Decimal("112.23"), xero_id=f"x{run}-{n}",
                )
                for n in range(per_run)
            ]  # fmt: skip
            items += [
                ItemResult(SourceRef(DocumentKind.BANK_DEPOSIT, f"s{n}"), f"DEP-{n}", Outcome.SKIPPED_BY_DESIGN, Decimal(9))
                for n in range(run * SKIPPED // 40, (run + 1) * SKIPPED // 40)
            ]  # fmt: skip
            uow.runs.record(run_id, items, at=at)
            uow.runs.finish(run_id, status=RunStatus.OK, api_calls=50, at=at)
        for n in range(ALERTS):
            problem = Problem("xero.unknown", f"post:sales_invoice:f{n}", f"Xero refused F-{n}.", "Read it.")
            uow.alerts.raise_(problem, AlertSource.SYNC, [], now=now - timedelta(minutes=n))
        for n in range(UNLINKS):
            uow.session.add(
                UnlinkRequestRow(
                    number=f"INV-{n}", plan={}, requested_by="U1", created_at=now - timedelta(minutes=n),
                    expires_at=now + timedelta(hours=1),
                )
            )  # fmt: skip
        uow.commit()


def _measure(backend: str) -> list[Measurement]:
    now = datetime.now(UTC)
    with (
        tempfile.TemporaryDirectory() as directory,
        fresh_database_url(backend, Path(directory)) as url,
        demo_firm(url) as firm,
    ):
        _fill(firm, now)
        firm.service.connections()  # probed once, as in a running bot
        timings, blocks, posted = [], 0, 0
        for _ in range(ROUNDS):
            started = time.perf_counter()
            summary = firm.service.summary(now=now)
            payload = summary_message(summary).payload()
            timings.append(time.perf_counter() - started)
            blocks, posted = len(payload["blocks"]), summary.posted_count
    assert posted == POSTINGS, posted
    return [
        Measurement("summary", f"{backend}: {POSTINGS:,} postings summarised and rendered (median)", statistics.median(timings) * 1000, "ms", "< 1,000 ms"),
        Measurement("summary", f"{backend}: slowest of {ROUNDS} rounds", max(timings) * 1000, "ms", "< 1,000 ms"),
        Measurement("summary", f"{backend}: blocks in the message", blocks, "blocks", "≤ 50"),
    ]  # fmt: skip


def run() -> list[Measurement]:
    """SQLite always; PostgreSQL too when XEROBOT_TEST_POSTGRES_URL points at one."""
    backends = ["sqlite", "postgresql"] if postgres_base_url() else ["sqlite"]
    return [m for backend in backends for m in _measure(backend)]

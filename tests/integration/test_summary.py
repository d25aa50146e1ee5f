"""The daily summary's facts, read from the ledger (SQLite and PostgreSQL): what was posted since the last summary,
each document once, what failed (oldest first), what was skipped by design, and unlink requests still waiting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from integration.app.drift import problem_of
from integration.domain import (
    AlertSource,
    DocumentKind,
    Drift,
    DriftFinding,
    DriftKind,
    ItemResult,
    Outcome,
    Problem,
    RunStatus,
    SourceRef,
)
from integration.store.tables import UnlinkRequestRow
from tests.support.firm import Firm, demo_firm, sales_invoice, supplier_invoice

NOW = datetime(2026, 11, 2, 21, 0, tzinfo=UTC)  # 08:00 on Tue 3 Nov in Sydney


@pytest.fixture
def firm(database_url: str) -> Iterator[Firm]:
    with demo_firm(database_url) as built:
        yield built


def item(
    kind: DocumentKind, ident: str, outcome: Outcome, total: str, xero_id: str | None = None
) -> ItemResult:
    return ItemResult(SourceRef(kind, ident), ident.upper(), outcome, Decimal(total), xero_id=xero_id)


def record(firm: Firm, at: datetime, items: list[ItemResult], *, dry_run: bool = False) -> None:
    with firm.store.unit_of_work() as uow:
        run = uow.runs.start("schedule", "the scheduler", dry_run=dry_run, at=at)
        uow.runs.record(run, items, at=at)
        uow.runs.finish(run, status=RunStatus.OK, api_calls=1, at=at)
        uow.commit()


def test_documents_are_counted_once_each_by_kind_with_exact_totals_since_the_last_summary(firm: Firm) -> None:
    sales, deposit = DocumentKind.SALES_INVOICE, DocumentKind.BANK_DEPOSIT
    record(firm, NOW - timedelta(days=2), [item(sales, "old", Outcome.POSTED, "999.00", "x-old")])
    record(
        firm,
        NOW - timedelta(hours=5),
        [
            item(sales, "a", Outcome.POSTED, "100.10", "x-a"),
            item(sales, "b", Outcome.ADOPTED, "0.20", "x-b"),
            item(DocumentKind.TRUST_RECEIPT, "t", Outcome.POSTED, "5000.00", "x-t"),
            item(deposit, "d", Outcome.SKIPPED_BY_DESIGN, "42.00"),
            item(sales, "f", Outcome.FAILED, "1.00"),
        ],
    )
    # The next run's overlap window lists the deposit again; a preview would have posted more.
    record(firm, NOW - timedelta(hours=1), [item(deposit, "d", Outcome.SKIPPED_BY_DESIGN, "42.00")])
    record(firm, NOW - timedelta(hours=1), [item(sales, "p", Outcome.POSTED, "7.00", "x-p")], dry_run=True)

    summary = firm.service.summary(now=NOW)

    assert summary.since == NOW - timedelta(days=1) and summary.until == NOW and summary.runs == 2
    assert [(t.kind, t.count, t.total) for t in summary.posted] == [
        (sales, 2, Decimal("100.30")),
        (DocumentKind.TRUST_RECEIPT, 1, Decimal("5000.00")),
    ]
    assert [(t.kind, t.count) for t in summary.skipped] == [(deposit, 1)]
    assert summary.posted_count == 3 and summary.all_clear

    firm.service.summary_posted(summary)
    record(firm, NOW + timedelta(hours=2), [item(sales, "c", Outcome.POSTED, "3.00", "x-c")])
    following = firm.service.summary(now=NOW + timedelta(days=1))
    assert following.since == NOW and [(t.count, t.total) for t in following.posted] == [(1, Decimal("3.00"))]


def test_a_document_posted_unlinked_and_posted_again_counts_twice(firm: Firm) -> None:
    sales = DocumentKind.SALES_INVOICE
    record(firm, NOW - timedelta(hours=3), [item(sales, "a", Outcome.POSTED, "10.00", "x-1")])
    record(firm, NOW - timedelta(hours=2), [item(sales, "a", Outcome.POSTED, "12.00", "x-2")])
    assert [(t.count, t.total) for t in firm.service.summary(now=NOW).posted] == [(2, Decimal("22.00"))]


def test_failures_are_the_open_alerts_oldest_first_and_waiting_unlink_requests_are_listed(firm: Firm) -> None:
    with firm.store.unit_of_work() as uow:
        for days, subject in ((1, "account:1"), (9, "account:2"), (3, "account:3")):
            problem = Problem("mapping.unmapped_account", subject, f"Map {subject}.", "Map it.")
            uow.alerts.raise_(problem, AlertSource.SYNC, [], now=NOW - timedelta(days=days))
        ignored, _ = uow.alerts.raise_(Problem("xero.unknown", "x", "?", "?"), AlertSource.SYNC, [])
        uow.alerts.ignore(ignored.id, "U1", "known")
        for number, created, state, expires in (
            ("INV-9", NOW - timedelta(hours=1), "pending", NOW + timedelta(hours=1)),
            ("INV-8", NOW - timedelta(hours=3), "pending", NOW + timedelta(hours=1)),
            ("INV-7", NOW - timedelta(hours=3), "pending", NOW - timedelta(minutes=1)),  # expired
            ("INV-6", NOW - timedelta(hours=3), "done", NOW + timedelta(hours=1)),
        ):
            uow.session.add(
                UnlinkRequestRow(
                    number=number,
                    plan={},
                    state=state,
                    requested_by="U1",
                    created_at=created,
                    expires_at=expires,
                )
            )
        uow.commit()

    summary = firm.service.summary(now=NOW)

    assert [a.subject for a in summary.failures] == ["account:2", "account:3", "account:1"]
    assert summary.age(summary.failures[0]) == timedelta(days=9) and summary.ignored == 1
    assert [u.number for u in summary.unlinks] == ["INV-8", "INV-9"]
    assert not summary.all_clear


def test_a_real_sync_shows_up_in_the_summary_with_its_failures(firm: Firm) -> None:
    firm.actionstep.add(
        sales_invoice("INV-1", amount="100.00"), supplier_invoice("BILL-1")
    )  # 5040 is unmapped
    firm.service.sync("schedule", "the scheduler")

    summary = firm.service.summary()

    assert [(t.kind, t.count, t.total) for t in summary.posted] == [
        (DocumentKind.SALES_INVOICE, 1, Decimal("110.00"))
    ]
    assert summary.runs == 1 and [a.code for a in summary.failures] == ["mapping.unmapped_account"]
    assert all(c.ok for c in summary.connections)


def test_every_query_the_summary_makes_is_answered_from_an_index(tmp_path: Path) -> None:
    with demo_firm(f"sqlite:///{tmp_path / 'ledger.db'}") as firm:
        engine = firm.store.engine
        selects: list[tuple[str, Any]] = []

        def capture(_c: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append((statement, params))

        event.listen(engine, "before_cursor_execute", capture)
        firm.service.summary()
        event.remove(engine, "before_cursor_execute", capture)
        with engine.connect() as connection:
            plans = [
                row[-1]
                for statement, params in selects
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            ]
    tables = {"sync_items", "sync_runs", "alerts", "unlink_requests", "cursors"}
    assert {t for t in tables if any(f" {t} " in f" {p} " for p in plans)} == tables
    scans = [p for p in plans if p.startswith("SCAN") and "USING" not in p]
    assert scans == [], f"full table scans: {scans}"


def test_open_drift_alerts_are_changed_in_xero_not_failures_and_an_ignored_one_is_not_listed(
    firm: Firm,
) -> None:
    # Words with ". " and "by" inside what changed: the summary reads the facts stored with the alert, not its words.
    lines = Drift(DriftKind.EDITED, "lines", "200 Fees. Paid by card 100.00 GST", "200 Fees 90.00 GST")
    finding = DriftFinding(
        "a", "INV-4", SourceRef(DocumentKind.SALES_INVOICE, "4"), "INV-4", "sales invoice",
        (Drift(DriftKind.EDITED, "total", "110.00", "120.00"), lines),
        changed_by="Jane Ng", changed_at=datetime(2026, 11, 2, 4, 10, tzinfo=UTC),
    )  # fmt: skip
    with firm.store.unit_of_work() as uow:
        uow.alerts.raise_(problem_of(finding), AlertSource.DRIFT, [])
        ignored, _ = uow.alerts.raise_(Problem("drift.voided", "xero:b", "?", "?"), AlertSource.DRIFT, [])
        uow.alerts.ignore(ignored.id, "U1", "known")
        uow.commit()

    summary = firm.service.summary(now=NOW)

    assert summary.failures == () and not summary.all_clear
    assert [(d.document, d.changes, d.who, d.at) for d in summary.drift] == [
        (
            "INV-4",
            "total: 110.00 → 120.00; lines: 200 Fees. Paid by card 100.00 GST → 200 Fees 90.00 GST",
            "Jane Ng",
            "2026-11-02 04:10 UTC",
        )
    ]


def test_a_drift_alert_raised_before_facts_were_stored_shows_its_whole_message(firm: Firm) -> None:
    said = "INV-9 (sales invoice INV-9) was changed in Xero: total: 1.00 → 2.00. Xero no longer matches Actionstep."
    with firm.store.unit_of_work() as uow:
        uow.alerts.raise_(Problem("drift.edited", "xero:old", said, "Look."), AlertSource.DRIFT, [])
        uow.commit()

    summary = firm.service.summary(now=NOW)

    assert [(d.document, d.changes, d.who, d.at) for d in summary.drift] == [("xero:old", said, None, None)]

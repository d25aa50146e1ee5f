"""Xero's organisation currencies and granular scopes, through the real connectors and both HTTP sandboxes: a
document in a currency Xero has not enabled is blocked before sending, with its code and fix; a full sync needs
exactly the scopes the bot asks for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest

from integration.app import Service
from integration.domain import Outcome, RunStatus, SyncReport
from integration.errors import describe
from integration.store import Store
from integration.xero.scopes import SCOPES
from sandboxes.actionstep.demo import FIRM_TZ
from sandboxes.actionstep.writer import LineSpec, Writer
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service

APPROVER = "UAPPROVE"


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store)
    yield service, sandboxes
    service.close()


def add_usd_supplier_bill(sandboxes: Sandboxes) -> None:
    written = Writer(first_id=90_000).sale_purchase(
        "SUP-9001",
        date(2026, 10, 20),
        datetime(2026, 10, 20, 10, 0, tzinfo=FIRM_TZ),
        contact_id="201",
        lines=[
            LineSpec("Expert report (US counsel)", Decimal(1), Decimal("400.00"), "FRE", account_id="5010")
        ],
        purchase=True,
        reference="US-REPORT-1",
        currency="USD",
    )
    sandboxes.actionstep.load(written.records)


def item(report: SyncReport, number: str) -> tuple[Outcome, str | None, str | None]:
    [found] = [i for i in report.items if i.number == number]
    return found.outcome, found.error_code, found.fix


def bills_numbered(sandboxes: Sandboxes, number: str) -> list[dict[str, object]]:
    return [i for i in sandboxes.xero.invoices() if i["InvoiceNumber"] == number]


def test_a_foreign_currency_supplier_bill_is_blocked_with_its_code_and_fix_and_nothing_is_sent(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    add_usd_supplier_bill(sandboxes)
    report = service.sync("test", APPROVER).report
    assert report.status is RunStatus.OK
    outcome, code, fix = item(report, "SUP-9001")
    assert (outcome, code) == (Outcome.BLOCKED, "doc.currency_not_enabled")
    assert fix == describe("doc.currency_not_enabled").fix
    assert "Enable the currency in Xero" in (fix or "") and "Actionstep" in (fix or "")
    [problem] = [p for p in report.problems if p.code == "doc.currency_not_enabled"]
    assert "USD" in problem.message
    assert bills_numbered(sandboxes, "SUP-9001") == []
    assert not any(r.status == 200 and "SUP-9001" in r.query for r in sandboxes.xero.requests)
    assert report.count_posted() > 0


def test_once_the_currency_is_enabled_in_xero_the_blocked_bill_posts_in_it(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    add_usd_supplier_bill(sandboxes)
    service.sync("test", APPROVER)
    sandboxes.xero.enable_currency("USD", "United States Dollar")
    report = service.sync("test", APPROVER).report
    assert item(report, "SUP-9001")[0] is Outcome.POSTED
    [posted] = bills_numbered(sandboxes, "SUP-9001")
    assert posted["CurrencyCode"] == "USD" and posted["Total"] == Decimal("400.00")


def test_a_full_sync_works_with_exactly_the_scopes_the_bot_asks_for(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    report = service.sync("test", APPROVER).report
    assert report.status is RunStatus.OK and report.count_posted() > 0
    granted = {a.scopes for a in sandboxes.xero.identity._access.values()}
    assert granted == {frozenset(SCOPES.split()) - {"offline_access"}}
    assert not [r for r in sandboxes.xero.requests if r.status == 401]

"""Xero's balance sheet read into balances: the request the client sends, and the report's rows read as accounts,
on the spec's own example and on a recorded Australian standard layout."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import httpx
import pytest
import yaml

from integration.adapters.xero_books import balances_of
from integration.adapters.xero_gateway import XeroGatewayAdapter
from integration.clock import VirtualClock
from integration.errors import Unavailable
from integration.ports import ReportedBalance
from integration.xero import RateGovernor, XeroClient
from tests.support.xero_spec import MISSING, SPEC_PATH

API = "http://xero.test/api.xro/2.0"


@lru_cache(maxsize=1)
def spec_example() -> dict[str, Any] | None:
    """The 200 example of `getReportBalanceSheet` in Xero's spec, as JSON would carry it (None without the spec)."""
    if not SPEC_PATH.exists():
        return None
    with SPEC_PATH.open() as handle:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is the safe one, only faster
        spec = yaml.load(handle, Loader=loader)  # noqa: S506
    answer = spec["paths"]["/Reports/BalanceSheet"]["get"]["responses"]["200"]["content"]["application/json"]
    example: dict[str, Any] = json.loads(json.dumps(answer["example"], default=str))
    return example


def account(account_id: str, name: str, *amounts: str) -> dict[str, Any]:
    attribute = [{"Value": account_id, "Id": "account"}]
    cells = [{"Value": name, "Attributes": attribute}] + [
        {"Value": a, "Attributes": attribute} for a in amounts
    ]
    return {"RowType": "Row", "Cells": cells}


def section(title: str, *rows: dict[str, Any], total: str | None = None) -> dict[str, Any]:
    summary = (
        [{"RowType": "SummaryRow", "Cells": [{"Value": f"Total {title}"}, {"Value": total}]}] if total else []
    )
    return {"RowType": "Section", "Title": title, "Rows": [*rows, *summary]}


# As Xero's standard layout prints an Australian firm's balance sheet at 31 October 2026 (one column): assets and
# liabilities each positive on their own side, an overdrawn bank account negative among the assets.
RECORDED: dict[str, Any] = {
    "Reports": [
        {
            "ReportID": "BalanceSheet",
            "ReportName": "Balance Sheet",
            "ReportType": "BalanceSheet",
            "ReportTitles": ["Balance Sheet", "Harbour & Finch Lawyers", "As at 31 October 2026"],
            "ReportDate": "29 November 2026",
            "UpdatedDateUTC": "/Date(1796032800000)/",
            "Rows": [
                {"RowType": "Header", "Cells": [{"Value": ""}, {"Value": "31 Oct 2026"}]},
                section("Assets"),
                section(
                    "Bank",
                    account("acc-090", "Office Cheque Account", "-1,250.40"),
                    account("acc-091", "Trust Account", "84,000.00"),
                    total="82749.60",
                ),
                section(
                    "Current Assets", account("acc-610", "Accounts Receivable", "12650.00"), total="12650.00"
                ),
                section(
                    "Current Liabilities",
                    account("acc-800", "Accounts Payable", "3300.00"),
                    account("acc-850", "Trust Liability", "84000.00"),
                    account("acc-820", "GST", ""),
                    total="87300.00",
                ),
                {
                    "RowType": "Section",
                    "Title": "",
                    "Rows": [{"RowType": "Row", "Cells": [{"Value": "Net Assets"}, {"Value": "8099.60"}]}],
                },
            ],
        }
    ]
}


def test_the_recorded_report_gives_every_accounts_balance_with_its_sign_and_no_totals() -> None:
    assert balances_of(RECORDED) == [
        ReportedBalance("acc-090", "Office Cheque Account", Decimal("-1250.40")),
        ReportedBalance("acc-091", "Trust Account", Decimal("84000.00")),
        ReportedBalance("acc-610", "Accounts Receivable", Decimal("12650.00")),
        ReportedBalance("acc-800", "Accounts Payable", Decimal("3300.00")),
        ReportedBalance("acc-850", "Trust Liability", Decimal("84000.00")),
        ReportedBalance("acc-820", "GST", Decimal("0.00")),
    ]


def test_the_specs_example_is_read_from_the_column_for_the_date_not_the_comparison_periods() -> None:
    example = spec_example()
    if example is None:
        pytest.skip(MISSING)
    found = {b.name: b for b in balances_of(example)}
    assert found["Country Savings"] == ReportedBalance(
        "041207d2-3d61-4e5d-8c1a-b9236955a71c", "Country Savings", Decimal("-1850.00")
    )
    assert found["My Big Bank"].balance == Decimal("2146.37")  # 30 Apr 2019, not 31 Mar's 2020.00
    assert found["Accounts Receivable"].balance == Decimal("154355.72")
    assert found["Accounts Payable"].balance == Decimal("-3469.00")
    assert found["Retained Earnings"].balance == Decimal("156631.67")
    assert not {"Total Bank", "Total Assets", "Net Assets", "Total Equity", ""} & set(found)
    assert len(found) == 11  # every account row: 2 bank, 2 current, 1 fixed, 2 liabilities, 4 equity


def test_a_report_xero_did_not_send_or_an_amount_that_is_not_a_number_fails_the_read() -> None:
    with pytest.raises(Unavailable, match="no balance sheet"):
        balances_of({"Reports": []})
    broken = {"Reports": [{"Rows": [section("Bank", account("acc-090", "Office", "n/a"))]}]}
    with pytest.raises(Unavailable, match="where an amount belongs"):
        balances_of(broken)


def test_the_balance_sheet_is_one_get_at_the_date_in_xeros_standard_layout() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=RECORDED)

    clock = VirtualClock()
    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = XeroClient(http, httpx.Auth(), "tenant", RateGovernor(clock), clock, api_url=API)
    books = XeroGatewayAdapter(client)

    balances = books.balances(date(2026, 10, 31))

    (request,) = sent
    assert request.method == "GET" and request.url.path == "/api.xro/2.0/Reports/BalanceSheet"
    assert dict(request.url.params) == {"date": "2026-10-31", "standardLayout": "true"}
    assert len(balances) == 6 and books.api_calls == 1

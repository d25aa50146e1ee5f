"""The sandbox's reports in Xero's rows-and-cells layout: the spec's schema, the columns a date, periods and timeframe
ask for, Xero's refusals of bad parameters, and the same gate (scopes, rate limits) as any other GET."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from integration.clock import VirtualClock
from sandboxes.xero.emulator import Limits, XeroSandbox
from sandboxes.xero.seed import organisation_today
from tests.integration.xero.report_reading import report, sale, sheet
from tests.integration.xero.sandbox_calls import Caller, item
from tests.support.xero_spec import MISSING, validator_for

D = Decimal
AR_ID = "a0000000-0000-4000-8000-000000000610"


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def _section(found: dict[str, Any], title: str) -> dict[str, Any]:
    return next(r for r in found["Rows"] if r["RowType"] == "Section" and r["Title"] == title)


@pytest.mark.parametrize("name", ["BalanceSheet", "TrialBalance"])
def test_each_report_matches_the_specs_report_with_rows_schema(
    caller: Caller, client_id: str, name: str
) -> None:
    validator = validator_for("ReportWithRows")
    if validator is None:
        pytest.skip(MISSING)
    sale(caller, client_id, item("100.00"))
    response = caller.get(f"Reports/{name}", date="2026-07-31", periods="2")
    assert response.status_code == 200
    body = response.json()
    assert [e.message for e in validator.iter_errors(body)] == []
    (found,) = body["Reports"]
    assert set(found) == {
        "ReportID", "ReportName", "ReportType", "ReportTitles", "ReportDate", "UpdatedDateUTC", "Fields", "Rows",
    }  # fmt: skip
    assert found["ReportType"] == found["ReportID"] == name and found["Fields"] == []


def test_a_balance_sheet_row_names_its_account_in_every_cell_and_sections_follow_xeros_order(
    caller: Caller, client_id: str
) -> None:
    sale(caller, client_id, item("100.00"))
    found = report(caller, "BalanceSheet", date="2026-07-31")
    assert found["ReportTitles"] == ["Balance Sheet", "Harbour & Finch Lawyers", "As at 31 July 2026"]
    assert found["Rows"][0] == {"RowType": "Header", "Cells": [{"Value": ""}, {"Value": "31 Jul 2026"}]}
    titles = [r.get("Title") for r in found["Rows"][1:]]
    assert titles == ["Assets", "Current Assets", "", "Liabilities", "Current Liabilities", "", "", "Equity"]
    receivable, total = _section(found, "Current Assets")["Rows"]
    assert receivable == {
        "RowType": "Row",
        "Cells": [
            {"Value": "Accounts Receivable", "Attributes": [{"Value": AR_ID, "Id": "account"}]},
            {"Value": "110.00", "Attributes": [{"Value": AR_ID, "Id": "account"}]},
        ],
    }
    assert total == {
        "RowType": "SummaryRow",
        "Cells": [{"Value": "Total Current Assets"}, {"Value": "110.00"}],
    }
    earnings = next(
        r for r in _section(found, "Equity")["Rows"] if r["Cells"][0]["Value"] == "Current Year Earnings"
    )
    assert earnings["Cells"][1]["Attributes"][1:] == [
        {"Value": "7/1/2026", "Id": "fromDate"},
        {"Value": "7/31/2026", "Id": "toDate"},
    ]


@pytest.mark.parametrize(
    ("timeframe", "labels"),
    [
        ("MONTH", ["15 Sep 2026", "31 Aug 2026", "31 Jul 2026"]),
        ("QUARTER", ["15 Sep 2026", "30 Jun 2026", "31 Mar 2026"]),
        ("YEAR", ["15 Sep 2026", "30 Sep 2025", "30 Sep 2024"]),
    ],
)
def test_periods_add_columns_each_as_at_the_end_of_an_earlier_period(
    caller: Caller, timeframe: str, labels: list[str]
) -> None:
    found = report(caller, "BalanceSheet", date="2026-09-15", periods="2", timeframe=timeframe)
    assert [c["Value"] for c in found["Rows"][0]["Cells"]] == ["", *labels]


def test_an_earlier_column_shows_the_balance_as_it_stood_then(caller: Caller, client_id: str) -> None:
    sale(caller, client_id, item("100.00"), Date="2026-08-10", DueDate="2026-08-31")
    figures = sheet(caller, date="2026-09-15", periods="2")
    assert figures["Accounts Receivable"] == [D("110.00"), D("110.00"), D("0.00")]
    assert figures["Current Year Earnings"] == [D("100.00"), D("100.00"), D("0.00")]


def test_the_trial_balance_puts_each_figure_on_the_side_of_its_sign(caller: Caller, client_id: str) -> None:
    sale(caller, client_id, item("100.00"), Date="2026-07-02")
    found = report(caller, "TrialBalance", date="2026-08-31")
    assert [c["Value"] for c in found["Rows"][0]["Cells"]] == [
        "Account",
        "Debit",
        "Credit",
        "YTD Debit",
        "YTD Credit",
    ]
    assert [r.get("Title") for r in found["Rows"][1:]] == ["Revenue", "Assets", "Liabilities", ""]
    (fees,) = _section(found, "Revenue")["Rows"]
    # Nothing moved in August: the month's zero sits on the credit side of an income account.
    assert [c["Value"] for c in fees["Cells"]] == ["Legal Fees (200)", "", "0.00", "", "100.00"]
    (receivable,) = _section(found, "Assets")["Rows"]
    assert [c["Value"] for c in receivable["Cells"]] == [
        "Accounts Receivable (610)",
        "0.00",
        "",
        "110.00",
        "",
    ]
    (total,) = _section(found, "")["Rows"]
    assert total == {
        "RowType": "SummaryRow",
        "Cells": [
            {"Value": "Total"},
            {"Value": "0.00"},
            {"Value": "0.00"},
            {"Value": "110.00"},
            {"Value": "110.00"},
        ],
    }


def test_without_a_date_the_reports_are_as_at_the_organisations_today(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    today = organisation_today(sandbox.books, sandbox.clock.now())
    found = report(caller, "TrialBalance")
    assert found["ReportTitles"][2] == f"As at {today.day} {today:%B %Y}"
    assert found["ReportDate"] == f"{today.day} {today:%B %Y}"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date": "31/07/2026"}, "Report Parameter date could not be parsed as a DateTime"),
        (
            {"timeframe": "WEEK"},
            "The supplied timeframe parameter must be one of the following: 'MONTH', 'QUARTER', 'YEAR'.",
        ),
        ({"periods": "12"}, "The periods parameter must be a whole number from 0 to 11"),
    ],
    ids=["date", "timeframe", "periods"],
)
def test_a_bad_parameter_answers_a_validation_exception(
    caller: Caller, params: dict[str, str], message: str
) -> None:
    refused = caller.get("Reports/BalanceSheet", **params)
    assert refused.status_code == 400
    assert refused.json() == {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": message,
        "Elements": [],
    }


def test_a_bad_trial_balance_date_is_refused_too_and_an_unknown_report_is_not_found(caller: Caller) -> None:
    assert caller.get("Reports/TrialBalance", date="2026-02-30").status_code == 400
    assert caller.get("Reports/ProfitAndLoss").status_code == 404


def test_payments_only_and_standard_layout_are_accepted_and_answered_on_the_accrual_basis(
    caller: Caller, client_id: str
) -> None:
    sale(caller, client_id, item("100.00"))
    accrual = sheet(caller)
    assert sheet(caller, paymentsOnly="true", standardLayout="true") == accrual
    assert accrual["Accounts Receivable"] == [D("110.00")]


def test_reports_count_against_the_rate_limit_like_any_other_get(clock: VirtualClock) -> None:
    caller = Caller(XeroSandbox.demo(clock=clock, limits=Limits(per_minute=2)))
    assert caller.get("Reports/BalanceSheet").status_code == 200
    assert caller.get("Reports/TrialBalance").status_code == 200
    refused = caller.get("Reports/BalanceSheet")
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "minute"


def test_each_report_needs_its_own_read_scope(sandbox: XeroSandbox) -> None:
    caller = Caller(sandbox, scope="accounting.settings.read accounting.reports.trialbalance.read")
    assert caller.get("Reports/TrialBalance").status_code == 200
    refused = caller.get("Reports/BalanceSheet")
    assert refused.status_code == 401 and refused.json()["Detail"] == "AuthorizationUnsuccessful"

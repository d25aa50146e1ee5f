"""The demo firm's books as the pure modules see them: Actionstep's side, Xero's chart, and the stored mappings."""

from __future__ import annotations

from decimal import Decimal

from integration.domain import (
    Account,
    AccountClass,
    AccountType,
    Mapping,
    MappingKind,
    SourceBooks,
    TaxCode,
    Timekeeper,
    XeroAccount,
    XeroChart,
    XeroTaxRate,
)
from sandboxes import demo_chart

CLASS_FLAGS = {
    "Revenue": AccountClass.REVENUE,
    "Expenses": AccountClass.EXPENSE,
    "Assets": AccountClass.ASSET,
    "Liabilities": AccountClass.LIABILITY,
    "Equity": AccountClass.EQUITY,
}


def demo_books() -> SourceBooks:
    return SourceBooks(
        accounts={
            a["id"]: Account(a["id"], a["code"], a["name"], AccountType(a["type"]))
            for a in demo_chart.ACTIONSTEP_ACCOUNTS
        },
        timekeepers={
            t["id"]: Timekeeper(t["id"], t["name"], t["income_account_id"])
            for t in demo_chart.ACTIONSTEP_TIMEKEEPERS
        },
        tax_codes={
            t["code"]: TaxCode(t["code"], Decimal(t["rate"]), t["xero_output"], t["xero_input"])
            for t in demo_chart.ACTIONSTEP_TAX_CODES
        },
    )


def demo_xero_chart() -> XeroChart:
    return XeroChart(
        accounts=[
            XeroAccount(
                a["AccountID"],
                a["Code"],
                a["Name"],
                a["Type"],
                a.get("Status", "ACTIVE"),
                a.get("SystemAccount"),
            )
            for a in demo_chart.XERO_ACCOUNTS
        ],
        tax_rates=[
            XeroTaxRate(t["TaxType"], t["Name"], frozenset(c for flag, c in CLASS_FLAGS.items() if t[flag]))
            for t in demo_chart.XERO_TAX_RATES
        ],
    )


def demo_mappings() -> list[Mapping]:
    return [Mapping(MappingKind(kind), source, target) for kind, source, target in demo_chart.DEMO_MAPPINGS]

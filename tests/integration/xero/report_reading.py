"""Reading the sandbox's Reports over HTTP, as a Xero client would: rows and cells to figures by row name."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.integration.xero.sandbox_calls import Caller, invoice, item

REPORT_DATE = "2026-07-31"


def report(caller: Caller, name: str, **params: str) -> dict[str, Any]:
    """The one report of `GET /Reports/<name>`, asserting the 200."""
    response = caller.get(f"Reports/{name}", **params)
    assert response.status_code == 200, response.text
    (found,) = response.json()["Reports"]
    return dict(found)


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        found.extend(_rows(row["Rows"]) if row["RowType"] == "Section" else [row])
    return found


def sheet(caller: Caller, **params: str) -> dict[str, list[Decimal]]:
    """Balance sheet row name -> its figure per column (accounts, totals and Net Assets)."""
    params.setdefault("date", REPORT_DATE)
    rows = _rows(report(caller, "BalanceSheet", **params)["Rows"])
    return {
        r["Cells"][0]["Value"]: [Decimal(c["Value"]) for c in r["Cells"][1:]]
        for r in rows
        if r["RowType"] in ("Row", "SummaryRow")
    }


def trial(caller: Caller, day: str = REPORT_DATE) -> dict[str, tuple[Decimal, Decimal]]:
    """Trial balance row name -> (month, YTD) as net debits (a credit negative); "Total" -> (debits, credits) YTD."""
    figures: dict[str, tuple[Decimal, Decimal]] = {}
    for row in _rows(report(caller, "TrialBalance", date=day)["Rows"]):
        if row["RowType"] == "Header":
            continue
        cells = [Decimal(c["Value"] or "0") for c in row["Cells"][1:]]
        if row["RowType"] == "SummaryRow":
            figures[row["Cells"][0]["Value"]] = (cells[2], cells[3])
            assert cells[0] == cells[1], "the month's debits and credits differ"
        else:
            figures[row["Cells"][0]["Value"]] = (cells[0] - cells[1], cells[2] - cells[3])
    return figures


def moved(caller: Caller, act: Callable[[], object], day: str = REPORT_DATE) -> dict[str, Decimal]:
    """Row name -> how far `act` moved that account's YTD figure on the trial balance as at `day`."""
    before = {k: v[1] for k, v in trial(caller, day).items() if k != "Total"}
    act()
    after = {k: v[1] for k, v in trial(caller, day).items() if k != "Total"}
    changes = {k: after.get(k, Decimal(0)) - before.get(k, Decimal(0)) for k in {*before, *after}}
    return {k: v for k, v in changes.items() if v}


def sale(caller: Caller, contact_id: str, *lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    (created,) = caller.created("Invoices", {"Invoices": [invoice(None, contact_id, *lines, **extra)]})
    assert created["Status"] == "AUTHORISED", created
    return dict(created)


def payment(caller: Caller, target: dict[str, str], amount: str, **extra: Any) -> dict[str, Any]:
    body = {**target, "Account": {"Code": "090"}, "Date": "2026-07-20", "Amount": Decimal(amount), **extra}
    (created,) = caller.created("Payments", {"Payments": [body]})
    assert created["Status"] == "AUTHORISED", created
    return dict(created)


def banked(
    caller: Caller, contact_id: str, kind: str, bank: str, *lines: dict[str, Any], **extra: Any
) -> None:
    body = {
        "Type": kind,
        "Contact": {"ContactID": contact_id},
        "BankAccount": {"Code": bank},
        "Date": "2026-07-18",
        "LineItems": list(lines),
        **extra,
    }
    (created,) = caller.created("BankTransactions", {"BankTransactions": [body]})
    assert created["Status"] == "AUTHORISED", created


def journal(caller: Caller, *lines: tuple[str, str, str], **extra: Any) -> dict[str, Any]:
    """A manual journal of (account code, signed amount, tax type) lines, POSTED unless `extra` says."""
    body = {
        "Narration": "Correction",
        "Date": "2026-07-25",
        "Status": "POSTED",
        "LineAmountTypes": "NoTax",
        "JournalLines": [
            {"AccountCode": code, "LineAmount": Decimal(amount), "TaxType": tax}
            for code, amount, tax in lines
        ],
        **extra,
    }
    (created,) = caller.created("ManualJournals", {"ManualJournals": [body]})
    assert not created.get("ValidationErrors"), created
    return dict(created)


def demo_month(caller: Caller, contact_id: str) -> None:
    """A month of the demo firm's work: a bill, an invoice paid in part, a credit note allocated, trust money in
    and out, a transfer and a journal."""
    bill = sale(caller, contact_id, item("55.55", account="420", tax="INPUT"), Type="ACCPAY",
                InvoiceNumber="SUP-77", LineAmountTypes="Inclusive")  # fmt: skip
    payment(caller, {"Invoice": {"InvoiceID": bill["InvoiceID"]}}, "55.55")
    fees = sale(caller, contact_id, item("333.33"), item("100.00", account="205", tax="EXEMPTOUTPUT"))
    payment(caller, {"Invoice": {"InvoiceID": fees["InvoiceID"]}}, "200.00")
    note = {**invoice(None, contact_id, item("20.00")), "Type": "ACCRECCREDIT"}
    (credit,) = caller.created("CreditNotes", {"CreditNotes": [note]})
    allocation = {
        "Invoice": {"InvoiceID": fees["InvoiceID"]},
        "Amount": Decimal("22.00"),
        "Date": "2026-07-21",
    }
    caller.created(f"CreditNotes/{credit['CreditNoteID']}/Allocations", {"Allocations": [allocation]})
    banked(caller, contact_id, "RECEIVE", "091", item("2500.00", account="850", tax="BASEXCLUDED"))
    banked(caller, contact_id, "SPEND", "090", item("45.00", account="429", tax="INPUT"))
    transfer = {"FromBankAccount": {"Code": "091"}, "ToBankAccount": {"Code": "090"}, "Amount": Decimal("300.00"),
                "Date": "2026-07-22"}  # fmt: skip
    caller.created("BankTransfers", {"BankTransfers": [transfer]})
    journal(caller, ("850", "100.00", "BASEXCLUDED"), ("855", "-100.00", "BASEXCLUDED"))

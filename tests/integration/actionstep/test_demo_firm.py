"""The demo firm carries every deliberate problem a bookkeeper meets, on realistic, self-consistent documents."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from integration.actionstep.client import ActionstepClient
from integration.domain import (
    CreditNote,
    Document,
    DocumentKind,
    LinedDocument,
    MalformedDocument,
    Payment,
    SalesInvoice,
    TrustTransfer,
    to_cents,
)
from sandboxes import demo_chart
from sandboxes.actionstep.demo import DEMO_PROBLEMS, RATES
from tests.support.actionstep import every_document

Item = Document | MalformedDocument
MAPPED = {source for kind, source, _ in demo_chart.DEMO_MAPPINGS if kind == "account"}
XERO = {(a["Code"] or a["AccountID"]): a for a in demo_chart.XERO_ACCOUNTS}
TAX_RATES = {row["code"]: Decimal(row["rate"]) / 100 for row in demo_chart.ACTIONSTEP_TAX_CODES}


@pytest.fixture
def documents(client: ActionstepClient) -> dict[str, Item]:
    return {item.number: item for item in every_document(client) if item.number}


def lines_of(item: Item) -> Iterator[str | None]:
    assert isinstance(item, LinedDocument)
    return (line.account_id for line in item.lines)


def xero_account(actionstep_account: str) -> dict[str, object]:
    [target] = [x for k, s, x in demo_chart.DEMO_MAPPINGS if k == "account" and s == actionstep_account]
    return XERO[target]


def test_every_kind_the_seeds_name_is_there(documents: dict[str, Item]) -> None:
    assert {item.kind for item in documents.values()} == set(DocumentKind)
    assert 25 <= len(documents) <= 60


def test_a_document_books_to_an_actionstep_account_with_no_mapping(documents: dict[str, Item]) -> None:
    assert "5040" in set(lines_of(documents[DEMO_PROBLEMS["unmapped_account"]])) and "5040" not in MAPPED


def test_a_bill_has_fee_lines_by_a_timekeeper_without_an_income_account(
    documents: dict[str, Item], client: ActionstepClient
) -> None:
    bill = documents[DEMO_PROBLEMS["timekeeper_without_income_account"]]
    assert isinstance(bill, SalesInvoice)
    keepers = {k.id: k for k in client.timekeepers()}
    orphaned = [
        line
        for line in bill.lines
        if line.timekeeper_id and keepers[line.timekeeper_id].income_account_id is None
    ]
    assert orphaned and all(line.account_id is None for line in orphaned)


def test_documents_use_accounts_mapped_to_a_xero_account_without_a_code_and_to_an_archived_one(
    documents: dict[str, Item],
) -> None:
    assert "5030" in set(lines_of(documents[DEMO_PROBLEMS["xero_account_without_code"]]))
    assert xero_account("5030")["Code"] is None
    assert "5020" in set(lines_of(documents[DEMO_PROBLEMS["archived_xero_account"]]))
    assert xero_account("5020")["Status"] == "ARCHIVED"


def test_only_one_document_is_dated_inside_xeros_lock_date(documents: dict[str, Item]) -> None:
    locked = [
        n
        for n, item in documents.items()
        if isinstance(item, Document) and item.date <= demo_chart.PERIOD_LOCK_DATE
    ]
    assert locked == [DEMO_PROBLEMS["inside_lock_date"]]


def test_a_bank_deposit_a_withdrawal_and_a_journal_are_there_to_be_skipped(
    documents: dict[str, Item],
) -> None:
    for problem in ("bank_deposit", "bank_withdrawal", "general_journal"):
        assert not documents[DEMO_PROBLEMS[problem]].kind.pushed


def test_a_credit_note_is_allocated_to_a_bill(documents: dict[str, Item]) -> None:
    credit = documents[DEMO_PROBLEMS["credit_note_allocated_to_bill"]]
    assert isinstance(credit, CreditNote)
    [allocation] = credit.allocations
    bill = documents["INV-1002"]
    assert isinstance(bill, Document) and allocation.invoice == bill.ref and allocation.amount == credit.total


def test_a_bill_is_paid_in_two_payments_that_add_up_to_it(documents: dict[str, Item]) -> None:
    bill = documents[DEMO_PROBLEMS["bill_paid_in_two_payments"]]
    assert isinstance(bill, Document)
    payments = [p for p in documents.values() if isinstance(p, Payment) and p.invoice == bill.ref]
    assert len(payments) == 2 and sum(p.amount for p in payments) == bill.total


def test_trust_receipts_and_a_trust_to_office_transfer_that_pays_a_bill(documents: dict[str, Item]) -> None:
    receipts = [i for i in documents.values() if i.kind is DocumentKind.TRUST_RECEIPT]
    assert len(receipts) >= 2
    transfer = documents[DEMO_PROBLEMS["trust_to_office_transfer"]]
    assert isinstance(transfer, TrustTransfer)
    assert (transfer.from_account_id, transfer.to_account_id) == ("1010", "1000")
    paid = documents["INV-1004"]
    assert isinstance(paid, Document) and transfer.amount == paid.total


def test_one_record_is_malformed_so_it_fails_alone(documents: dict[str, Item]) -> None:
    bad = [i for i in documents.values() if isinstance(i, MalformedDocument)]
    assert [b.number for b in bad] == [DEMO_PROBLEMS["malformed"]] and "not a number" in bad[0].problem


def test_fees_are_hours_times_rate_and_gst_is_per_line_to_the_cent(documents: dict[str, Item]) -> None:
    lined = [i for i in documents.values() if isinstance(i, LinedDocument)]
    fees = [line for doc in lined for line in doc.lines if line.timekeeper_id]
    assert len(fees) >= 10
    for line in fees:
        assert line.unit_price == RATES[line.timekeeper_id or ""] and line.amount == to_cents(
            line.quantity * line.unit_price
        )
    for line in (line for doc in lined for line in doc.lines):
        assert line.tax == to_cents(line.amount * TAX_RATES[line.tax_code])
    assert any(line.tax_code == "FRE" for doc in lined for line in doc.lines if not line.timekeeper_id)

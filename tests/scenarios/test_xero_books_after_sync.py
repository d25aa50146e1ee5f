"""Xero's books read as reconciliation reads them, through the adapter production wires, after the demo firm's
sync: every record the sync posted is in its period's listing and found again by id."""

from __future__ import annotations

from datetime import date

from integration.store import Store
from integration.xero.wire import parse_ms_date
from tests.support.engine import demo_service, gateways

ENDPOINTS = {
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "Payments": "PaymentID",
    "BankTransactions": "BankTransactionID",
    "BankTransfers": "BankTransferID",
}


def test_every_record_the_sync_posted_is_listed_in_its_period_and_found_again_by_id(store: Store) -> None:
    service, sandboxes = demo_service(store)
    service.sync("test", "U1")
    held = {
        "Invoices": sandboxes.xero.invoices(),
        "CreditNotes": sandboxes.xero.credit_notes(),
        "Payments": sandboxes.xero.payments(),
        "BankTransactions": sandboxes.xero.bank_transactions(),
        "BankTransfers": sandboxes.xero.bank_transfers(),
    }
    books = gateways(store, sandboxes).books
    for endpoint, id_field in ENDPOINTS.items():
        ids = {str(r[id_field]) for r in held[endpoint]}
        assert ids, f"the demo sync posts {endpoint}"
        days = [d.date() for r in held[endpoint] if (d := parse_ms_date(r["Date"]))]
        listed = {r.xero_id for r in books.dated(endpoint, min(days), max(days))}
        assert listed == ids, endpoint
        assert {r.xero_id for r in books.records_by_ids(endpoint, sorted(ids))} == ids, endpoint
    assert list(books.dated("Invoices", date(2001, 1, 1), date(2001, 1, 31))) == []

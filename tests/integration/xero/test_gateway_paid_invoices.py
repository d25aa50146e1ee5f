"""What the bank-feed guard reads first: the payments each invoice lists, from the invoices themselves."""

from __future__ import annotations

from decimal import Decimal

from integration.adapters.xero_gateway import XeroGatewayAdapter
from integration.xero import XeroClient
from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero import builders as build
from tests.support.recording import RecordingTransport


def invoices(xero: XeroClient, northwind: str, count: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, count, 50):
        bodies = [build.sales_invoice(f"AS-{n}", northwind) for n in range(start, min(count, start + 50))]
        ids.extend(r.xero_id or "" for r in xero.create("Invoices", bodies, f"inv-{start}"))
    return ids


def test_an_invoice_lists_its_payments_and_one_with_nothing_paid_is_left_out(
    xero: XeroClient, northwind: str
) -> None:
    paid, unpaid, deleted = invoices(xero, northwind, 3)
    made = xero.create("Payments", [build.payment(paid, "10.00"), build.payment(paid, "20.00")], "pay")
    gone = xero.create("Payments", [build.payment(deleted, "5.00")], "gone")[0]
    assert xero.delete_payment(gone.xero_id or "", "del").ok

    listed = XeroGatewayAdapter(xero).payments_listed_on([paid.upper(), unpaid, deleted])

    assert listed == {paid.lower(): frozenset((r.xero_id or "").lower() for r in made)}


def test_an_invoice_paid_more_than_the_payments_it_lists_is_left_for_get_payments_to_explain(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    (invoice,) = invoices(xero, northwind, 1)
    # Xero counts in AmountPaid what the Payments list may not show (an overpayment or prepayment allocated).
    sandbox.books.documents[invoice.lower()].amount_paid += Decimal("15.00")

    assert XeroGatewayAdapter(xero).payments_listed_on([invoice]) == {invoice.lower(): None}


def test_fifty_one_invoices_are_read_in_one_call_within_xeros_query_limit(
    xero: XeroClient, northwind: str, recorder: RecordingTransport
) -> None:
    ids = invoices(xero, northwind, 52)
    recorder.sent.clear()

    XeroGatewayAdapter(xero).payments_listed_on(ids)

    assert [len(r.url.params["IDs"].split(",")) for r in recorder.sent] == [51, 1]
    assert all(len(r.url.query) <= 2048 for r in recorder.sent)

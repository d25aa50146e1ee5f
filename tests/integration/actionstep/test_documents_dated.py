"""`documents_dated`: a period's approved documents of each kind read by their own date, against the sandbox, and
the trust transactions and bills a test enters into the sandbox as a person would in Actionstep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from integration.actionstep.client import ActionstepClient
from integration.adapters.actionstep_gateway import ActionstepGatewayAdapter
from integration.clock import VirtualClock
from integration.domain import (
    Document,
    DocumentKind,
    MalformedDocument,
    SalesInvoice,
    SourceRef,
    TrustPayment,
    TrustReceipt,
    TrustTransfer,
)
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.actionstep.entries import TrustOverdrawn
from sandboxes.actionstep.firm import OFFICE_BANK, reference_records
from sandboxes.actionstep.tables import FIRM_TZ
from sandboxes.actionstep.writer import LineSpec, Writer
from tests.support.actionstep import REST, bearer, connected_client, http_for

Item = Document | MalformedDocument
JULY = (date(2026, 7, 1), date(2026, 7, 31))
K = DocumentKind

# The demo firm's documents dated in July 2026, by kind (`sandboxes/actionstep/demo.py`): INV-0998 (26 June), the
# August ones (INV-1009, RCT-5002, WDL-8101 on 1 August…) and the Draft and Deleted bills stay out.
JULY_NUMBERS = {
    K.SALES_INVOICE: ["INV-1001", "INV-1002", "INV-1003", "INV-1004", "INV-1005", "INV-1006"],
    K.SUPPLIER_INVOICE: ["SUP-2001", "SUP-2002", "SUP-2003", "SUP-2004", "SUP-2005"],
    K.CREDIT_NOTE: ["CN-4001"],
    K.PAYMENT_RECEIVED: ["RCT-5001", "RCT-5003"],
    K.SUPPLIER_PAYMENT: ["PAY-3001", "PAY-3002"],
    K.BANK_TRANSFER: ["BT-6001"],
    K.TRUST_RECEIPT: ["TR-7001", "TR-7002"],
    K.TRUST_PAYMENT: ["TP-7101"],
    K.TRUST_TRANSFER: ["TT-7201"],
    K.BANK_DEPOSIT: ["DEP-8001"],
    K.BANK_WITHDRAWAL: [],
    K.GENERAL_JOURNAL: ["GJ-9001"],
}
TRUST_KINDS = (K.TRUST_RECEIPT, K.TRUST_PAYMENT, K.TRUST_TRANSFER)


def numbers(items: Iterator[Item]) -> list[str | None]:
    return [item.number for item in items]


def documents(items: Iterator[Item]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def bill_requests(sandbox: ActionstepSandbox) -> list[dict[str, str]]:
    return [dict(parse_qsl(r.query)) for r in sandbox.requests if r.path.endswith("/api/rest/bills")]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_the_documents_of_july_come_back_in_date_order_and_none_from_outside_it(
    client: ActionstepClient, kind: DocumentKind
) -> None:
    items = list(client.documents_dated(kind, *JULY))
    assert numbers(iter(items)) == JULY_NUMBERS[kind]
    dated = [item.date for item in items if isinstance(item, Document)]
    assert dated == sorted(dated) and all(JULY[0] <= day <= JULY[1] for day in dated)


def test_the_listing_filters_on_the_kinds_date_field_with_actionsteps_syntax_and_its_largest_page(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    list(client.documents_dated(K.SALES_INVOICE, *JULY))
    [query] = bill_requests(sandbox)
    assert query["invoiceDate_gteq"] == "2026-07-01" and query["invoiceDate_lteq"] == "2026-07-31"
    assert (query["pageSize"], query["status_in"], query["include"]) == ("200", "Open,Closed", "lines")
    assert query["sort"] == "invoiceDate,id"
    list(client.documents_dated(K.TRUST_TRANSFER, *JULY))
    trust = dict(parse_qsl(sandbox.requests[-1].query))
    assert (trust["date_gteq"], trust["date_lteq"], trust["transactionType"]) == (
        "2026-07-01",
        "2026-07-31",
        "Transfer",
    )


def test_without_a_start_the_listing_reads_from_the_beginning(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    found = numbers(client.documents_dated(K.SALES_INVOICE, None, date(2026, 7, 31)))
    assert found == ["INV-0998", *JULY_NUMBERS[K.SALES_INVOICE]]  # 26 June, inside Xero's lock date
    [query] = bill_requests(sandbox)
    assert "invoiceDate_gteq" not in query and query["invoiceDate_lteq"] == "2026-07-31"
    assert numbers(client.documents_dated(K.SALES_INVOICE, None, date(2026, 6, 25))) == []


def test_the_end_date_is_inclusive_and_a_one_day_period_reads_that_day(client: ActionstepClient) -> None:
    day = date(2026, 7, 31)
    assert numbers(client.documents_dated(K.BANK_TRANSFER, day, day)) == ["BT-6001"]
    assert numbers(client.documents_dated(K.BANK_WITHDRAWAL, day, day)) == []
    assert numbers(client.documents_dated(K.BANK_WITHDRAWAL, day, day + timedelta(days=1))) == ["WDL-8101"]


def test_trust_transactions_carry_their_matter_and_the_matters_client(client: ActionstepClient) -> None:
    matters = {
        item.number: (item.matter_id, item.contact_id)
        for kind in TRUST_KINDS
        for item in documents(client.documents_dated(kind, *JULY))
    }
    assert matters == {
        "TR-7001": ("5004", "104"),
        "TR-7002": ("5002", "102"),
        "TP-7101": ("5004", "104"),
        "TT-7201": ("5004", "104"),
    }


def test_a_malformed_record_comes_as_malformed_and_the_listing_goes_on(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    bills = list(client.documents_dated(K.SALES_INVOICE, *JULY))
    [bad] = [item for item in bills if isinstance(item, MalformedDocument)]
    assert bad.number == "INV-1006" and bad.problem == "line 1: amount is not a number: '12O0.00'"
    assert numbers(iter(bills))[-1] == "INV-1006" and len(bills) == 6
    receipt = sandbox.enter_trust_receipt("5001", Decimal("100.00"), date(2026, 7, 8))
    sandbox.update("trusttransactions", receipt.id, amount="1O0.00")
    items = list(client.documents_dated(K.TRUST_RECEIPT, *JULY))
    assert numbers(iter(items)) == ["TR-7001", receipt.number, "TR-7002"]
    malformed = items[1]
    assert isinstance(malformed, MalformedDocument)
    assert malformed.source == SourceRef(K.TRUST_RECEIPT, receipt.id)
    assert malformed.problem == "amount is not a number: '1O0.00'"


# Paging


def firm_of_bills(clock: VirtualClock, days: list[date]) -> ActionstepSandbox:
    """A sandbox with the demo chart and one approved bill per entry of `days`."""
    sandbox = ActionstepSandbox(clock=clock)
    sandbox.load(reference_records(datetime(2026, 6, 1, tzinfo=FIRM_TZ)))
    writer = Writer()
    line = LineSpec("Advice", Decimal(1), Decimal(100), "GST", timekeeper_id="tk-1")
    for n, day in enumerate(days, 1):
        stamp = datetime(2026, 8, 1, 9, tzinfo=FIRM_TZ) + timedelta(seconds=n)
        written = writer.bill(f"INV-{n}", day, stamp, matter_id="5001", contact_id="101", lines=[line])
        sandbox.load(written.records)
    return sandbox


def test_more_than_a_pages_worth_is_read_in_two_calls_each_document_once(clock: VirtualClock) -> None:
    july = [date(2026, 7, 1) + timedelta(days=n % 31) for n in range(250)]
    sandbox = firm_of_bills(clock, [date(2026, 6, 30), *july, date(2026, 8, 1)])
    client, _ = connected_client(sandbox, clock)
    before = client.api_calls
    items = documents(client.documents_dated(K.SALES_INVOICE, *JULY))
    assert client.api_calls - before == 1 + 2  # the tax codes, then two pages of bills
    assert sorted(item.id for item in items) == sorted(str(n) for n in range(2, 252))
    assert [item.date for item in items] == sorted(july)
    assert [query["pageSize"] for query in bill_requests(sandbox)] == ["200", "200"]


def test_more_documents_on_one_day_than_a_page_holds_are_all_read_once(clock: VirtualClock) -> None:
    sandbox = firm_of_bills(clock, [date(2026, 7, 15)] * 230)
    client, _ = connected_client(sandbox, clock)
    items = list(client.documents_dated(K.SALES_INVOICE, *JULY))
    assert [item.id for item in items if isinstance(item, Document)] == [str(n) for n in range(1, 231)]
    # A page; the same day again, with nothing new; the rest of that day by id; then what comes after that day.
    queries = bill_requests(sandbox)
    assert [q.get("invoiceDate_eq") for q in queries] == [None, None, "2026-07-15", None]
    assert queries[3]["invoiceDate_gt"] == "2026-07-15" and len(queries) == 4


def test_a_document_leaving_the_listing_between_pages_makes_none_other_skipped(clock: VirtualClock) -> None:
    sandbox = firm_of_bills(clock, [date(2026, 7, 1) + timedelta(days=n % 31) for n in range(300)])
    asked = 0

    def delete_the_first_bill_after_the_first_page(request: httpx.Request) -> None:
        nonlocal asked
        if request.url.path.endswith("/api/rest/bills"):
            asked += 1
            if asked == 2:
                sandbox.update("bills", "1", status="Deleted")

    http = http_for(sandbox, event_hooks={"request": [delete_the_first_bill_after_the_first_page]})
    client, _ = connected_client(sandbox, clock, http=http)
    items = documents(client.documents_dated(K.SALES_INVOICE, *JULY))
    assert sorted(int(item.id) for item in items) == list(range(1, 301))  # bill 1 was read before it left


# Trust transactions and bills entered as a person would in Actionstep


@pytest.fixture
def gateway(client: ActionstepClient) -> ActionstepGatewayAdapter:
    return ActionstepGatewayAdapter(client)


def test_a_trust_receipt_payment_and_transfer_entered_are_listed_by_the_next_read_with_their_matter(
    gateway: ActionstepGatewayAdapter, sandbox: ActionstepSandbox
) -> None:
    receipt = sandbox.enter_trust_receipt("5001", Decimal("5000.00"), date(2026, 7, 12))
    payment = sandbox.enter_trust_payment("5001", Decimal("1200.00"), date(2026, 7, 13), number="TP-7102")
    transfer = sandbox.enter_trust_transfer("5001", Decimal("800.00"), date(2026, 7, 14))
    assert sandbox.trust_balance("5001") == Decimal("3000.00")
    [received] = [i for i in documents(gateway.documents_dated(K.TRUST_RECEIPT, *JULY)) if i.id == receipt.id]
    [paid] = [i for i in documents(gateway.documents_dated(K.TRUST_PAYMENT, *JULY)) if i.id == payment.id]
    [moved] = [i for i in documents(gateway.documents_dated(K.TRUST_TRANSFER, *JULY)) if i.id == transfer.id]
    assert isinstance(received, TrustReceipt) and isinstance(paid, TrustPayment)
    assert isinstance(moved, TrustTransfer)
    assert (received.number, received.amount, received.date) == (
        receipt.number,
        Decimal("5000.00"),
        date(2026, 7, 12),
    )
    assert received.number.startswith("TR-") and paid.number == "TP-7102" and moved.number.startswith("TT-")
    assert {(doc.matter_id, doc.contact_id) for doc in (received, paid, moved)} == {("5001", "101")}
    assert (received.bank_account_id, received.account_id) == ("1010", "2200")
    assert (moved.from_account_id, moved.to_account_id, moved.amount) == (
        "1010",
        OFFICE_BANK,
        Decimal("800.00"),
    )


def test_a_payment_the_matters_trust_funds_do_not_cover_is_refused_as_actionstep_would(
    sandbox: ActionstepSandbox,
) -> None:
    sandbox.enter_trust_receipt("5003", Decimal("500.00"), date(2026, 7, 10))
    before = sandbox.count("trusttransactions")
    with pytest.raises(TrustOverdrawn, match=r"Matter 5003 has 500\.00 available"):
        sandbox.enter_trust_payment("5003", Decimal("500.01"), date(2026, 7, 11))
    with pytest.raises(TrustOverdrawn, match=r"has 0\.00 available in trust on 2026-07-09"):
        sandbox.enter_trust_transfer("5003", Decimal("10.00"), date(2026, 7, 9))  # before the money arrived
    assert sandbox.count("trusttransactions") == before
    sandbox.enter_trust_payment("5003", Decimal("500.00"), date(2026, 7, 11))
    assert sandbox.trust_balance("5003") == Decimal("0.00")


def test_a_dishonoured_receipt_leaves_the_matter_overdrawn_and_the_reversal_is_listed(
    gateway: ActionstepGatewayAdapter, sandbox: ActionstepSandbox
) -> None:
    receipt = sandbox.enter_trust_receipt("5003", Decimal("900.00"), date(2026, 7, 10))
    sandbox.enter_trust_payment("5003", Decimal("700.00"), date(2026, 7, 11))
    reversal = sandbox.dishonour_trust_receipt(receipt.id, date(2026, 7, 16))
    assert sandbox.trust_balance("5003") == Decimal("-700.00")
    assert sandbox.trust_balance("5003", as_at=date(2026, 7, 15)) == Decimal("200.00")
    listed = {doc.number: doc for doc in documents(gateway.documents_dated(K.TRUST_PAYMENT, *JULY))}
    reversed_ = listed[f"{receipt.number}-REV"]
    assert reversed_.id == reversal.id and isinstance(reversed_, TrustPayment)
    assert (reversed_.matter_id, reversed_.amount, reversed_.date) == (
        "5003",
        Decimal("900.00"),
        date(2026, 7, 16),
    )
    still = [
        doc for doc in documents(gateway.documents_dated(K.TRUST_RECEIPT, *JULY)) if doc.id == receipt.id
    ]
    assert len(still) == 1  # the receipt itself is not edited
    with pytest.raises(ValueError, match="already dishonoured"):
        sandbox.dishonour_trust_receipt(receipt.id, date(2026, 7, 17))


def test_a_bill_entered_on_a_matter_is_approved_and_dated_beside_the_trust_transfer_that_pays_it(
    gateway: ActionstepGatewayAdapter, sandbox: ActionstepSandbox
) -> None:
    sandbox.enter_trust_receipt("5005", Decimal("2000.00"), date(2026, 7, 2))
    bill = sandbox.enter_bill("5005", date(2026, 7, 19), Decimal("1000.00"))
    transfer = sandbox.enter_trust_transfer("5005", bill.total, date(2026, 7, 20))
    assert bill.total == Decimal("1100.00") and bill.number == f"INV-{bill.id}"
    [issued] = [
        doc for doc in documents(gateway.documents_dated(K.SALES_INVOICE, *JULY)) if doc.id == bill.id
    ]
    assert isinstance(issued, SalesInvoice)
    assert (issued.matter_id, issued.contact_id, issued.total, issued.date) == (
        "5005",
        "105",
        Decimal("1100.00"),
        date(2026, 7, 19),
    )
    [moved] = [
        doc for doc in documents(gateway.documents_dated(K.TRUST_TRANSFER, *JULY)) if doc.id == transfer.id
    ]
    assert moved.matter_id == issued.matter_id and issued.date <= moved.date
    free = sandbox.enter_bill("5005", date(2026, 7, 21), Decimal("50.00"), tax_code="FRE", number="INV-2100")
    assert (free.number, free.total) == ("INV-2100", Decimal("50.00"))


def test_entering_on_a_matter_the_sandbox_does_not_have_is_refused(sandbox: ActionstepSandbox) -> None:
    with pytest.raises(KeyError, match="no matter"):
        sandbox.enter_trust_receipt("9999", Decimal("1.00"), date(2026, 7, 1))
    with pytest.raises(KeyError, match="no matter"):
        sandbox.enter_bill("9999", date(2026, 7, 1), Decimal("1.00"))


def test_the_sandbox_refuses_a_date_filter_that_is_not_a_date(
    sandbox: ActionstepSandbox, http: httpx.Client
) -> None:
    headers = bearer(sandbox, http)
    reply = http.get(f"{REST}/bills", params={"invoiceDate_gteq": "July"}, headers=headers)
    assert reply.status_code == 400 and "not a date (YYYY-MM-DD)" in reply.text
    reply = http.get(f"{REST}/trusttransactions", params={"date_eq": "2026-07-20"}, headers=headers)
    assert reply.status_code == 200 and reply.json()["trusttransactions"]["reference"] == "TT-7201"

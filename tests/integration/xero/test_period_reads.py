"""Reading a month of Xero as reconciliation does: a period's records in pages of Xero's largest size, every
status included; many records by id a call; through the client and the adapter's `XeroBooks`, against the sandbox."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from integration.adapters.xero_gateway import XeroGatewayAdapter
from integration.clock import VirtualClock
from integration.errors import Rejected
from integration.ports import XeroBooks
from integration.xero import XeroClient
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits
from tests.integration.xero import builders as build
from tests.support.recording import RecordingTransport

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
DATED_WHERE = "Date>=DateTime(2026,10,01) AND Date<=DateTime(2026,10,31)"


@pytest.fixture
def sandbox(clock: VirtualClock) -> XeroSandbox:
    """The demo organisation with room for thousands of records (the rate limits are not under test here)."""
    roomy = Limits(per_minute=1_000_000, per_day=10_000_000, app_per_minute=10_000_000, concurrent=50)
    return XeroSandbox.demo(clock=clock, limits=roomy)


@pytest.fixture
def books(xero: XeroClient) -> XeroBooks:
    return XeroGatewayAdapter(xero)


def day_in_october(n: int) -> str:
    return f"2026-10-{n % 31 + 1:02d}"


def create(xero: XeroClient, endpoint: str, bodies: list[dict[str, object]], key: str) -> list[str]:
    """Create `bodies` 50 at a time; the new records' ids, in order."""
    ids: list[str] = []
    for start in range(0, len(bodies), 50):
        results = xero.create(endpoint, bodies[start : start + 50], f"{key}-{start}")  # type: ignore[arg-type]
        assert all(r.ok and r.xero_id for r in results), [r.errors for r in results if not r.ok]
        ids.extend(r.xero_id or "" for r in results)
    return ids


def gets(recorder: RecordingTransport, endpoint: str) -> list[dict[str, str]]:
    return [
        dict(s.url.params) for s in recorder.sent if s.method == "GET" and s.path.endswith(f"/{endpoint}")
    ]


def test_a_month_of_2500_invoices_comes_in_three_calls_of_up_to_a_thousand_each_and_no_other_month(
    books: XeroBooks, xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    inside = [
        build.sales_invoice(f"AS-{n:04d}", northwind, Date=day_in_october(n), DueDate="2026-11-30")
        for n in range(2500)
    ]
    outside = [
        build.sales_invoice("AS-SEP", northwind, Date="2026-09-30"),
        build.sales_invoice("AS-NOV", northwind, Date="2026-11-01", DueDate="2026-11-30"),
    ]
    create(xero, "Invoices", inside + outside, "month")
    recorder.sent.clear()

    found = list(books.dated("Invoices", *OCTOBER))

    assert len(found) == 2500 and {r.number for r in found} == {b["InvoiceNumber"] for b in inside}
    assert all(r.date is not None and OCTOBER[0] <= r.date <= OCTOBER[1] for r in found)
    queries = gets(recorder, "Invoices")
    assert [q["page"] for q in queries] == ["1", "2", "3"] and len(recorder.sent) == 3
    assert all(q["pageSize"] == "1000" and q["where"] == DATED_WHERE for q in queries)
    assert all(r.lines is None and r.total is not None for r in found)  # summaries: totals, not lines


def test_a_period_is_read_a_page_at_a_time_only_as_far_as_the_caller_goes(
    books: XeroBooks, xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    create(
        xero,
        "Invoices",
        [build.sales_invoice(f"AS-{n}", northwind, Date="2026-10-05") for n in range(1001)],
        "k",
    )
    recorder.sent.clear()
    pages = books.dated("Invoices", *OCTOBER)
    assert recorder.sent == []
    next(pages)
    assert len(recorder.sent) == 1
    assert sum(1 for _ in pages) == 1000 and len(recorder.sent) == 2


def test_voided_and_deleted_records_of_the_period_are_listed_with_their_status_on_every_endpoint(
    books: XeroBooks, xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    kept, voided, draft = create(
        xero,
        "Invoices",
        [
            build.sales_invoice("AS-1", northwind, Date="2026-10-03"),
            build.sales_invoice("AS-2", northwind, Date="2026-10-04"),
            build.sales_invoice("AS-3", northwind, Date="2026-10-05", Status="DRAFT"),
        ],
        "inv",
    )
    assert xero.set_status("invoice", voided, "VOIDED", "void").ok
    assert xero.set_status("invoice", draft, "DELETED", "delete").ok
    (note,) = create(xero, "CreditNotes", [build.credit_note("CN-1", northwind, Date="2026-10-06")], "cn")
    assert xero.set_status("credit_note", note, "VOIDED", "void-cn").ok
    (paid,) = create(xero, "Payments", [build.payment(kept, "10.00", Date="2026-10-07")], "pay")
    assert xero.delete_payment(paid, "del-pay").ok
    (receipt,) = create(
        xero, "BankTransactions", [build.trust_receipt("TR-1", northwind, Date="2026-10-08")], "b"
    )
    sandbox.books.bank_transactions[
        receipt
    ].status = "DELETED"  # in the web app: the sandbox's API has no delete
    (moved,) = create(xero, "BankTransfers", [build.transfer("XFER-1", Date="2026-10-09")], "xfer")
    sandbox.delete_transfer(moved)  # as a person does in the web app

    statuses = {
        endpoint: Counter(r.status for r in books.dated(endpoint, *OCTOBER))
        for endpoint in ("Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers")
    }

    assert statuses["Invoices"] == Counter({"AUTHORISED": 1, "VOIDED": 1, "DELETED": 1})
    assert statuses["CreditNotes"] == Counter({"VOIDED": 1})
    assert statuses["Payments"] == Counter({"DELETED": 1})
    assert statuses["BankTransactions"] == Counter({"DELETED": 1})
    assert statuses["BankTransfers"] == Counter({"DELETED": 1})


def test_records_dated_outside_the_period_are_left_out_on_every_endpoint(
    books: XeroBooks, xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    (invoice,) = create(xero, "Invoices", [build.sales_invoice("AS-1", northwind, Date="2026-10-31")], "i")
    for day in ("2026-09-30", "2026-10-01", "2026-10-31", "2026-11-01"):
        create(xero, "Invoices", [build.sales_invoice(f"AS-{day}", northwind, Date=day)], f"i{day}")
        create(xero, "CreditNotes", [build.credit_note(f"CN-{day}", northwind, Date=day)], f"c{day}")
        create(xero, "Payments", [build.payment(invoice, "1.00", Date=day, Reference=f"P {day}")], f"p{day}")
        create(xero, "BankTransactions", [build.trust_receipt(f"TR {day}", northwind, Date=day)], f"b{day}")
        create(xero, "BankTransfers", [build.transfer(f"X {day}", Date=day)], f"t{day}")
    recorder.sent.clear()

    dates = {
        endpoint: sorted(str(r.date) for r in books.dated(endpoint, *OCTOBER))
        for endpoint in ("Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers")
    }

    edges = ["2026-10-01", "2026-10-31"]
    assert dates["Invoices"] == ["2026-10-01", "2026-10-31", "2026-10-31"]
    assert dates["CreditNotes"] == dates["BankTransfers"] == edges
    assert dates["Payments"] == dates["BankTransactions"] == edges
    assert all(q["where"] == DATED_WHERE for e in ("Invoices", "CreditNotes", "Payments", "BankTransactions")
               for q in gets(recorder, e))  # fmt: skip
    (transfers,) = gets(recorder, "BankTransfers")
    assert transfers == {"includeDeleted": "true"}  # not paged and no optimised where: one call, dated here


def test_a_record_carries_xeros_type_reference_and_the_bank_accounts_the_money_moved_through(
    books: XeroBooks, xero: XeroClient, northwind: str
) -> None:
    (invoice,) = create(xero, "Invoices", [build.sales_invoice("AS-1", northwind, Date="2026-10-02")], "i")
    create(xero, "Payments", [build.payment(invoice, "5.00", Date="2026-10-03", Reference="EFT 9")], "p")
    create(xero, "BankTransactions", [build.trust_receipt("TR-9", northwind, Date="2026-10-04")], "b")
    create(xero, "BankTransfers", [build.transfer("XFER-9", Date="2026-10-05")], "t")

    (sale,) = books.dated("Invoices", *OCTOBER)
    (payment,) = books.dated("Payments", *OCTOBER)
    receipt = next(r for r in books.dated("BankTransactions", *OCTOBER) if r.number == "TR-9")
    (transfer,) = books.dated("BankTransfers", *OCTOBER)

    assert (sale.xero_type, sale.number, sale.reference) == ("ACCREC", "AS-1", "Matter for AS-1")
    assert sale.total == Decimal("110.00") and sale.tax == Decimal("10.00")
    assert (payment.xero_type, payment.number, payment.account_code) == ("ACCRECPAYMENT", "EFT 9", "090")
    assert payment.settles == invoice and payment.total == Decimal("5.00")
    assert (receipt.xero_type, receipt.reference, receipt.account_code) == ("RECEIVE", "TR-9", "091")
    assert (transfer.xero_type, transfer.number) == ("TRANSFER", "XFER-9")
    assert (transfer.account_code, transfer.to_account_code) == ("091", "090")


def test_120_records_by_id_cost_a_few_calls_on_every_endpoint_never_one_each(
    books: XeroBooks, xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    invoices = create(
        xero,
        "Invoices",
        [build.sales_invoice(f"AS-{n}", northwind, Date="2026-10-02") for n in range(120)],
        "i",
    )
    notes = create(
        xero, "CreditNotes", [build.credit_note(f"CN-{n}", northwind, "1.00") for n in range(120)], "c"
    )
    payments = create(xero, "Payments", [build.payment(i, "1.00") for i in invoices], "p")
    receipts = create(
        xero, "BankTransactions", [build.trust_receipt(f"TR-{n}", northwind) for n in range(120)], "b"
    )
    transfers = create(xero, "BankTransfers", [build.transfer(f"X-{n}") for n in range(3)], "t")
    unknown = "00000000-0000-0000-0000-000000000000"
    expected_calls = {
        "Invoices": 3,
        "CreditNotes": 5,
        "Payments": 5,
        "BankTransactions": 5,
        "BankTransfers": 1,
    }

    for endpoint, ids in (
        ("Invoices", invoices),
        ("CreditNotes", notes),
        ("Payments", payments),
        ("BankTransactions", receipts),
        ("BankTransfers", transfers),
    ):
        recorder.sent.clear()
        found = books.records_by_ids(endpoint, [*ids, unknown])
        assert sorted(r.xero_id for r in found) == sorted(ids), endpoint
        assert len(recorder.sent) == expected_calls[endpoint], endpoint
        assert all(len(s.url.query) <= 2048 for s in recorder.sent)  # Xero's query-string limit (`queries`)
    (listed,) = [q for q in gets(recorder, "BankTransfers")]
    assert listed == {"includeDeleted": "true"}


def test_invoices_by_id_are_asked_for_with_the_ids_parameter_and_the_rest_with_a_where_on_their_id(
    books: XeroBooks, xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    (invoice,) = create(xero, "Invoices", [build.sales_invoice("AS-1", northwind)], "i")
    (note,) = create(xero, "CreditNotes", [build.credit_note("CN-1", northwind)], "c")
    (payment,) = create(xero, "Payments", [build.payment(invoice, "1.00")], "p")
    (receipt,) = create(xero, "BankTransactions", [build.trust_receipt("TR-1", northwind)], "b")
    recorder.sent.clear()

    (sale,) = books.records_by_ids("Invoices", [invoice.upper()])
    books.records_by_ids("CreditNotes", [note])
    books.records_by_ids("Payments", [payment])
    books.records_by_ids("BankTransactions", [receipt])

    # A summary: its total, not its lines.
    assert sale.lines is None and sale.total and sale.xero_id == invoice
    (by_invoice,), (by_note,), (by_payment,), (by_receipt,) = (
        gets(recorder, e) for e in ("Invoices", "CreditNotes", "Payments", "BankTransactions")
    )
    assert by_invoice["IDs"] == invoice and "where" not in by_invoice
    assert by_note["where"] == f'CreditNoteID==Guid("{note}")' and "IDs" not in by_note
    assert by_payment["where"] == f'PaymentID==Guid("{payment}")'
    assert by_receipt["where"] == f'BankTransactionID==Guid("{receipt}")'


def test_a_high_volume_organisation_accepts_a_periods_reads_and_payments_by_id(
    books: XeroBooks, xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    (invoice,) = create(xero, "Invoices", [build.sales_invoice("AS-1", northwind, Date="2026-10-02")], "i")
    payments = create(
        xero, "Payments", [build.payment(invoice, "1.00", Date="2026-10-03") for _ in range(3)], "p"
    )
    sandbox.high_volume = True  # Xero refuses a `where` on any field it has not optimised

    for endpoint in ("Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers"):
        list(books.dated(endpoint, *OCTOBER))
    assert len(books.records_by_ids("Payments", payments)) == 3
    assert len(books.records_by_ids("Invoices", [invoice])) == 1


def test_on_a_high_volume_organisation_credit_notes_and_bank_transactions_by_id_are_refused_not_read_one_by_one(
    books: XeroBooks, xero: XeroClient, recorder: RecordingTransport, sandbox: XeroSandbox, northwind: str
) -> None:
    notes = create(xero, "CreditNotes", [build.credit_note(f"CN-{n}", northwind) for n in range(3)], "c")
    receipts = create(
        xero, "BankTransactions", [build.trust_receipt(f"TR-{n}", northwind) for n in range(3)], "b"
    )
    sandbox.high_volume = True  # Xero optimises `where` on neither CreditNoteID nor BankTransactionID
    recorder.sent.clear()
    with pytest.raises(Rejected, match="not filtering creditnotes efficiently"):
        books.records_by_ids("CreditNotes", notes)
    with pytest.raises(Rejected, match="not filtering banktransactions efficiently"):
        books.records_by_ids("BankTransactions", receipts)
    assert len(recorder.sent) == 2

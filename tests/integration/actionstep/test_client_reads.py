"""The client against the demo firm's sandbox: reference data, every kind of document, and the quirks in between."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from integration.actionstep.client import ActionstepClient
from integration.clock import VirtualClock
from integration.domain import (
    AccountingBasis,
    AccountType,
    BankDeposit,
    CreditNote,
    Direction,
    Document,
    DocumentKind,
    GeneralJournal,
    MalformedDocument,
    PaymentReceived,
    SalesInvoice,
    SourceRef,
    SupplierPayment,
    TrustReceipt,
    TrustTransfer,
)
from integration.errors import Rejected
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.support.actionstep import connected_client, every_document

Item = Document | MalformedDocument


def by_number(items: list[Item]) -> dict[str, Item]:
    return {item.number: item for item in items if item.number}


def listed(client: ActionstepClient, ref: SourceRef) -> list[Item]:
    """The document `ref` as a sync's listing of its kind delivers it (empty if the listing leaves it out)."""
    items = client.documents(ref.kind, None)
    return [i for i in items if (i.source if isinstance(i, MalformedDocument) else i.ref) == ref]


def test_the_accounting_basis_is_read_and_a_cash_basis_org_says_so(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    assert client.accounting_basis() is AccountingBasis.ACCRUAL
    sandbox.set_accounting_basis("Cash")
    assert client.accounting_basis() is AccountingBasis.CASH
    sandbox.set_accounting_basis("Modified cash")
    with pytest.raises(Rejected, match="accountingBasis 'Modified cash'"):
        client.accounting_basis()


def test_the_chart_comes_with_account_types_from_the_included_account_types(client: ActionstepClient) -> None:
    accounts = {a.id: a for a in client.accounts()}
    assert len(accounts) == 17
    assert accounts["1010"].type is AccountType.TRUST_BANK and accounts["1010"].code == "1-1010"
    assert accounts["2210"].type is AccountType.TRUST_TRANSFERS
    assert accounts["5040"].type is AccountType.EXPENSE and accounts["5040"].active


def test_timekeepers_tax_codes_contacts_and_matters_are_read_with_their_links(
    client: ActionstepClient,
) -> None:
    keepers = {k.id: k for k in client.timekeepers()}
    assert keepers["tk-1"].income_account_id == "4010" and keepers["tk-5"].income_account_id is None
    codes = {c.code: c for c in client.tax_codes()}
    assert codes["GST"].rate == Decimal(10) and (codes["GST"].xero_output, codes["GST"].xero_input) == (
        "OUTPUT",
        "INPUT",
    )
    assert codes["FRE"].xero_input == "EXEMPTEXPENSES"
    contacts = client.contacts(["101", "102", "999", "101"])
    assert set(contacts) == {"101", "102"} and contacts["101"].is_company and not contacts["102"].is_company
    matters = client.matters(["5002", "5005"])
    assert matters["5002"].client_id == "102" and matters["5005"].reference == "PH-0002"
    assert client.contacts([]) == {}


def test_approved_bills_become_sales_invoices_with_fee_and_disbursement_lines(
    client: ActionstepClient,
) -> None:
    items = list(client.documents(DocumentKind.SALES_INVOICE, None))
    numbers = [item.number for item in items]
    assert "INV-1007" not in numbers and "INV-1008" not in numbers  # Draft and Deleted
    invoice = by_number(items)["INV-1001"]
    assert isinstance(invoice, SalesInvoice)
    assert (invoice.contact_id, invoice.matter_id, invoice.date) == ("101", "5001", date(2026, 7, 6))
    assert invoice.total == Decimal("4357.00") and invoice.total_tax == Decimal("393.50")
    fee = invoice.lines[0]
    assert (fee.timekeeper_id, fee.account_id, fee.quantity, fee.unit_price) == (
        "tk-1",
        None,
        Decimal("2.5"),
        Decimal("550.00"),
    )
    assert (fee.amount, fee.tax, fee.tax_code) == (Decimal("1375.00"), Decimal("137.50"), "GST")
    search = invoice.lines[2]
    assert (search.account_id, search.tax_code, search.tax) == ("4100", "FRE", Decimal("0.00"))
    assert invoice.url == "http://actionstep.test/actionstep/mym/asfw/billing/bill/view/id/1"
    assert invoice.modified_at == datetime(2026, 7, 6, 6, 30, tzinfo=UTC)


def test_documents_come_in_modification_order_including_shared_timestamps(client: ActionstepClient) -> None:
    items = list(client.documents(DocumentKind.SALES_INVOICE, None))
    stamps = [item.modified_at for item in items]
    assert stamps == sorted(stamps, key=lambda s: s or datetime.min.replace(tzinfo=UTC))
    assert [i.number for i in items[-2:]] == ["INV-1009", "INV-1010"]  # approved in the same second


def test_a_malformed_bill_fails_alone_naming_the_field_and_the_listing_goes_on(
    client: ActionstepClient,
) -> None:
    items = list(client.documents(DocumentKind.SALES_INVOICE, None))
    malformed = [item for item in items if isinstance(item, MalformedDocument)]
    assert len(malformed) == 1 and len(items) == 9
    bad = malformed[0]
    assert bad.source == SourceRef(DocumentKind.SALES_INVOICE, "7") and bad.number == "INV-1006"
    assert bad.problem == "line 1: amount is not a number: '12O0.00'"
    assert bad.modified_at == datetime(2026, 7, 24, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"links": {"taxCode": "99"}}, "line 1: taxCode '99' is not a known tax code"),
        ({"quantity": "-2.0"}, "line 1: quantity -2.0 is negative"),
        ({"quantity": None}, "line 1: quantity is missing"),
        ({"amount": "1375.005"}, "line 1: amount 1375.005 has more than two decimal places"),
        ({"links": {"timekeeper": None}}, "line 1: the line has neither incomeAccount nor timekeeper"),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_field(
    client: ActionstepClient, sandbox: ActionstepSandbox, change: dict[str, object], problem: str
) -> None:
    sandbox.update("billlines", "1", **change)
    [item] = listed(client, SourceRef(DocumentKind.SALES_INVOICE, "1"))
    assert isinstance(item, MalformedDocument) and item.problem == problem


def test_a_bill_whose_total_disagrees_with_its_lines_or_misses_its_number_is_malformed(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    ref = SourceRef(DocumentKind.SALES_INVOICE, "2")
    sandbox.update("bills", "2", totalInclusive="4200.00")
    [item] = listed(client, ref)
    assert isinstance(item, MalformedDocument)
    assert item.problem == "totalInclusive 4200.00 does not equal the sum of its lines, 4205.00"
    sandbox.update("bills", "2", ourReference=None, totalInclusive="4205.00")
    [item] = listed(client, ref)
    assert (
        isinstance(item, MalformedDocument)
        and item.problem == "ourReference is missing"
        and item.number is None
    )
    sandbox.update("bills", "2", ourReference="INV-1002", links={"lines": ["5", "404"]})
    [item] = listed(client, ref)
    assert (
        isinstance(item, MalformedDocument)
        and item.problem == "line 2 (billlines 404) is missing from the response"
    )


def test_a_credit_note_carries_its_direction_and_its_allocation_to_a_bill(client: ActionstepClient) -> None:
    items = by_number(list(client.documents(DocumentKind.CREDIT_NOTE, None)))
    credit = items["CN-4001"]
    assert isinstance(credit, CreditNote) and credit.direction is Direction.SALES
    [allocation] = credit.allocations
    assert allocation.invoice == SourceRef(DocumentKind.SALES_INVOICE, "2") and allocation.amount == Decimal(
        "352.00"
    )
    assert credit.depends_on == (allocation.invoice,)
    purchase_credit = items["CN-4002"]
    assert isinstance(purchase_credit, CreditNote) and purchase_credit.direction is Direction.PURCHASES
    assert purchase_credit.allocations == ()


def test_payments_name_the_invoice_they_pay_and_the_bank_account(client: ActionstepClient) -> None:
    receipts = by_number(list(client.documents(DocumentKind.PAYMENT_RECEIVED, None)))
    first, second = receipts["RCT-5001"], receipts["RCT-5002"]
    assert isinstance(first, PaymentReceived) and isinstance(second, PaymentReceived)
    assert first.invoice == second.invoice == SourceRef(DocumentKind.SALES_INVOICE, "1")
    assert first.amount + second.amount == Decimal("4357.00") and first.bank_account_id == "1000"
    payments = by_number(list(client.documents(DocumentKind.SUPPLIER_PAYMENT, None)))
    payment = payments["PAY-3001"]
    assert isinstance(payment, SupplierPayment) and payment.invoice.kind is DocumentKind.SUPPLIER_INVOICE


def test_trust_and_bank_transactions_are_told_apart_by_their_type(client: ActionstepClient) -> None:
    receipts = list(client.documents(DocumentKind.TRUST_RECEIPT, None))
    assert [r.number for r in receipts] == ["TR-7001", "TR-7002"]
    receipt = receipts[0]
    assert isinstance(receipt, TrustReceipt) and (receipt.bank_account_id, receipt.account_id) == (
        "1010",
        "2200",
    )
    [transfer] = list(client.documents(DocumentKind.TRUST_TRANSFER, None))
    assert isinstance(transfer, TrustTransfer) and (transfer.from_account_id, transfer.to_account_id) == (
        "1010",
        "1000",
    )
    [deposit] = list(client.documents(DocumentKind.BANK_DEPOSIT, None))
    assert isinstance(deposit, BankDeposit) and not deposit.kind.pushed and deposit.amount == Decimal("42.17")
    [journal] = list(client.documents(DocumentKind.GENERAL_JOURNAL, None))
    assert isinstance(journal, GeneralJournal) and [line.amount for line in journal.lines] == [
        Decimal("1000.00"),
        Decimal("-1000.00"),
    ]


def test_a_listing_reads_only_documents_modified_at_or_after_the_instant(client: ActionstepClient) -> None:
    since = datetime(2026, 8, 9, 23, 0, tzinfo=UTC)  # INV-1009 and INV-1010 share exactly this timestamp
    assert [i.number for i in client.documents(DocumentKind.SALES_INVOICE, since)] == ["INV-1009", "INV-1010"]
    later = datetime(2026, 8, 9, 23, 0, 1, tzinfo=UTC)
    assert list(client.documents(DocumentKind.SALES_INVOICE, later)) == []


def test_the_version_changes_when_what_is_posted_changes_but_not_when_a_bill_is_paid(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    ref = SourceRef(DocumentKind.SALES_INVOICE, "2")
    [before] = listed(client, ref)
    sandbox.update("bills", "2", status="Closed", totalPaid="4205.00", totalDue="0.00")
    [paid] = listed(client, ref)
    assert isinstance(before, Document) and isinstance(paid, Document)
    assert paid.version == before.version and paid.modified_at != before.modified_at
    sandbox.update("bills", "2", theirReference="PO-77")
    [changed] = listed(client, ref)
    assert isinstance(changed, Document) and changed.version != before.version


def test_every_kind_is_listed_and_a_listing_from_an_instant_reads_less_than_one_from_the_beginning(
    client: ActionstepClient,
) -> None:
    items = list(every_document(client))
    assert {item.kind for item in items} == set(DocumentKind)
    assert len(items) == 31
    newest = max(item.modified_at for item in items if item.modified_at is not None)
    assert [i for i in every_document_since(client, newest)] != []  # the instant is inclusive
    assert len(list(every_document_since(client, newest))) < len(items)


def every_document_since(client: ActionstepClient, since: datetime) -> list[Item]:
    return [item for kind in DocumentKind for item in client.documents(kind, since)]


def test_the_client_sends_actionsteps_headers_and_asks_for_full_pages_in_modification_order(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    list(client.documents(DocumentKind.SUPPLIER_INVOICE, None))
    request = sandbox.requests[-1]
    assert request.accept == request.content_type == "application/vnd.api+json"
    assert "pageSize=200" in request.query and "sort=modifiedTimestamp%2Cid" in request.query
    assert "status_in=Open%2CClosed" in request.query and "saleOrPurchase=Purchase" in request.query


def test_an_unconfirmed_resource_missing_from_the_api_says_where_to_correct_it(
    sandbox: ActionstepSandbox, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from integration.actionstep import resources

    source = resources.SOURCES[DocumentKind.BANK_TRANSFER]
    monkeypatch.setitem(
        resources.SOURCES,
        DocumentKind.BANK_TRANSFER,
        resources.DocumentSource(source.kind, "banktransfer", source.shape, source.fields, source.approved),
    )
    client, _ = connected_client(sandbox, clock)
    with pytest.raises(Rejected, match=r"no 'banktransfer' resource .*/resources\.py") as raised:
        list(client.documents(DocumentKind.BANK_TRANSFER, None))
    assert raised.value.status == 404

"""Contract: the write bodies our client sends match Xero's official OpenAPI spec (`../shared/xero-openapi/`).

Every client test's writes are checked when its `recorder` fixture closes; this module makes sure each kind of
write is covered and that the check itself can fail.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from integration.xero import XeroClient
from tests.integration.xero import builders as build
from tests.support.recording import RecordingTransport, Sent
from tests.support.xero_spec import MISSING, SPEC_PATH, schema_for, violations

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason=MISSING)


def test_every_kind_of_write_the_client_makes_sends_a_body_that_matches_the_spec(
    xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    invoice = xero.create(
        "Invoices", [build.sales_invoice("AS-1", northwind), build.bill("SUP-1", northwind)], "a"
    )[0]
    note = xero.create("CreditNotes", [build.credit_note("CN-1", northwind, "10.00")], "b")[0]
    assert invoice.xero_id and note.xero_id
    xero.allocate_credit_note(
        note.xero_id,
        [{"Invoice": {"InvoiceID": invoice.xero_id}, "Amount": Decimal("11.00"), "Date": "2026-07-03"}],
        "c",
    )
    paid = xero.create("Payments", [build.payment(invoice.xero_id, "10.00")], "d")[0]
    assert paid.xero_id
    xero.delete_payment(paid.xero_id, "e")
    xero.create("BankTransactions", [build.trust_receipt("TR-1", northwind)], "f")
    xero.create("BankTransfers", [build.transfer("X-1")], "g")
    xero.create("ManualJournals", [build.journal("Trust journal")], "h")
    xero.create("Contacts", [build.contact("Priya Raman", "AS-104")], "i")
    xero.set_status("invoice", invoice.xero_id, "VOIDED", "j")
    draft = xero.create("CreditNotes", [build.credit_note("CN-2", northwind, Status="DRAFT")], "k")[0]
    assert draft.xero_id
    xero.set_status("credit_note", draft.xero_id, "DELETED", "l")
    writes = recorder.writes()
    assert {schema_for(sent) for sent in writes} == {
        "Invoices", "CreditNotes", "Allocations", "Payments", "PaymentDelete", "BankTransactions", "BankTransfers",
        "ManualJournals", "Contacts",
    }  # fmt: skip
    assert [problem for sent in writes for problem in violations(sent)] == []


def test_the_spec_check_catches_a_body_that_breaks_the_spec() -> None:
    body = b'{"Invoices":[{"Type":"SALES","Contact":{"ContactID":"not-a-uuid"},"LineItems":[{"UnitAmount":"abc"}]}]}'
    sent = Sent("PUT", httpx.URL("http://x/xero/api.xro/2.0/Invoices"), httpx.Headers(), body)
    problems = violations(sent)
    assert len(problems) == 3
    assert any("'SALES' is not one of" in p for p in problems) and any("uuid" in p for p in problems)

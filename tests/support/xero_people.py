"""What a person does to the firm's books in Xero, done through Xero's HTTP API as any app would (never our client).

`edit_in_xero` changes a posted invoice, bill or credit note (its lines, date, due date, contact or reference) by
`POST /Invoices/{id}` or `POST /CreditNotes/{id}`, so tests can show what the bot does when Xero's copy differs. `void_in_xero`, `pay_in_xero`,
`delete_payment_in_xero` and `in_xero` make the other changes people make there.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from sandboxes.xero.emulator import XeroSandbox


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    raise TypeError(type(value))


def edit_in_xero(sandbox: XeroSandbox, document_id: str, **fields: Any) -> httpx.Response:
    """Edit the document `document_id` in Xero with `fields` (Xero's PascalCase names); Xero's answer.

    `sandbox` is used as Xero's address and to choose the endpoint (invoice or credit note); the edit itself goes
    over HTTP with a token of the sandbox's own, as another app or Xero's web page would send it."""
    is_credit = sandbox.books.documents[document_id.lower()].is_credit
    endpoint = "CreditNotes" if is_credit else "Invoices"
    token = str(sandbox.issue_tokens()["access_token"])
    body = {endpoint: [{f"{endpoint[:-1]}ID": document_id, **fields}]}
    with httpx.Client(
        transport=httpx.WSGITransport(app=sandbox), base_url=f"http://xero.person{sandbox.prefix}"
    ) as http:
        return http.post(
            f"/api.xro/2.0/{endpoint}/{document_id}",
            content=json.dumps(body, default=_plain).encode(),
            headers={
                "Authorization": f"Bearer {token}",
                "xero-tenant-id": sandbox.tenant_id,
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )


def in_xero(
    sandbox: XeroSandbox, method: str, path: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    """Send one request to Xero's API as another app or Xero's web page would (never through our client)."""
    token = str(sandbox.issue_tokens()["access_token"])
    with httpx.Client(
        transport=httpx.WSGITransport(app=sandbox), base_url=f"http://xero.person{sandbox.prefix}"
    ) as http:
        return http.request(
            method,
            f"/api.xro/2.0/{path}",
            content=json.dumps(body, default=_plain).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {token}",
                "xero-tenant-id": sandbox.tenant_id,
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )


def void_in_xero(sandbox: XeroSandbox, document_id: str) -> httpx.Response:
    """Void a posted invoice, bill or credit note, as a person does in Xero."""
    endpoint = "CreditNotes" if sandbox.books.documents[document_id.lower()].is_credit else "Invoices"
    body = {endpoint: [{f"{endpoint[:-1]}ID": document_id, "Status": "VOIDED"}]}
    return in_xero(sandbox, "POST", f"{endpoint}/{document_id}", body)


def pay_in_xero(
    sandbox: XeroSandbox, invoice_id: str, amount: Decimal, account_code: str, day: str
) -> httpx.Response:
    """Enter a payment against an invoice in Xero, as a person or a bank-feed match does (not the bot)."""
    body = {
        "Payments": [
            {
                "Invoice": {"InvoiceID": invoice_id},
                "Account": {"Code": account_code},
                "Date": day,
                "Amount": amount,
            }
        ]
    }
    return in_xero(sandbox, "PUT", "Payments", body)


def delete_payment_in_xero(sandbox: XeroSandbox, payment_id: str) -> httpx.Response:
    """Delete a payment in Xero, as a person does."""
    return in_xero(
        sandbox,
        "POST",
        f"Payments/{payment_id}",
        {"Payments": [{"PaymentID": payment_id, "Status": "DELETED"}]},
    )

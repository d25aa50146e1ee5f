"""Raw HTTP calls to the Xero sandbox, as any Xero client would make them (no code from our client)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import httpx

from sandboxes.xero.emulator import XeroSandbox

_DECIMAL = re.compile(r'"__decimal__([-0-9.]+)"')


def to_json(body: Any) -> bytes:
    """JSON with Decimals written as exact numbers."""

    def mark(value: Any) -> str:
        if isinstance(value, Decimal):
            return f"__decimal__{value}"
        raise TypeError(type(value))

    return _DECIMAL.sub(r"\1", json.dumps(body, default=mark)).encode()


class Caller:
    """An authenticated caller of one sandbox."""

    def __init__(
        self, sandbox: XeroSandbox, *, base: str = "http://sandbox/xero", scope: str | None = None
    ) -> None:
        self.sandbox = sandbox
        self.http = httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url=base)
        self.token = str(sandbox.issue_tokens(scope=scope)["access_token"])

    def headers(self, key: str | None = None, **extra: str) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "xero-tenant-id": self.sandbox.tenant_id,
            "Accept": "application/json",
            **extra,
        }
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(f"/api.xro/2.0/{path}", params=params, headers=self.headers())

    def write(
        self, method: str, path: str, body: Any, *, key: str | None = None, summarize: bool | None = False,
        **params: str,
    ) -> httpx.Response:  # fmt: skip
        if summarize is not None:
            params["summarizeErrors"] = str(summarize).lower()
        headers = self.headers(key, **{"Content-Type": "application/json"})
        return self.http.request(
            method, f"/api.xro/2.0/{path}", params=params, content=to_json(body), headers=headers
        )

    def put(self, path: str, body: Any, **options: Any) -> httpx.Response:
        return self.write("PUT", path, body, **options)

    def post(self, path: str, body: Any, **options: Any) -> httpx.Response:
        return self.write("POST", path, body, **options)

    def created(self, path: str, body: Any, **options: Any) -> list[dict[str, Any]]:
        """PUT with summarizeErrors=false and return the elements, asserting the 200."""
        response = self.put(path, body, **options)
        assert response.status_code == 200, response.text
        elements: list[dict[str, Any]] = response.json(parse_float=Decimal)[path.split("/")[-1]]
        return elements


def errors(element: dict[str, Any]) -> list[str]:
    return [str(e["Message"]) for e in element.get("ValidationErrors") or []]


def invoice(number: str | None, contact_id: str, *lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "Date": "2026-07-01",
        "DueDate": "2026-07-31",
        "Status": "AUTHORISED",
        "LineItems": list(lines) or [item()],
        **extra,
    }
    if number is not None:
        body["InvoiceNumber"] = number
    return body


def item(
    amount: str = "100.00", account: str = "200", tax: str | None = "OUTPUT", **extra: Any
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "Description": "Fees",
        "Quantity": 1,
        "UnitAmount": Decimal(amount),
        "AccountCode": account,
    }
    if tax is not None:
        line["TaxType"] = tax
    return {**line, **extra}

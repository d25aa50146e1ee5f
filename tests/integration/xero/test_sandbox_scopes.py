"""Scopes in the sandbox: each endpoint needs its granular scope, and consent refuses scopes the app cannot hold."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.builders import payment
from tests.integration.xero.sandbox_calls import Caller

WITHOUT_PAYMENTS = "offline_access accounting.settings accounting.contacts accounting.invoices"


def test_a_token_without_the_payments_scope_gets_xeros_401_on_payments_only(sandbox: XeroSandbox) -> None:
    caller = Caller(sandbox, scope=WITHOUT_PAYMENTS)
    assert caller.get("Invoices").status_code == 200
    refused = caller.get("Payments")
    assert refused.status_code == 401
    assert refused.json()["Detail"] == "AuthorizationUnsuccessful"
    assert caller.put("Payments", {"Payments": [payment("x", "1.00")]}).status_code == 401


def test_a_read_scope_allows_reading_but_not_writing(sandbox: XeroSandbox) -> None:
    caller = Caller(sandbox, scope="accounting.contacts.read")
    assert caller.get("Contacts").status_code == 200
    assert caller.put("Contacts", {"Contacts": [{"Name": "New client"}]}).status_code == 401
    assert caller.get("Organisation").status_code == 401


def test_consent_to_the_broad_transactions_scope_is_refused_as_invalid_scope(sandbox: XeroSandbox) -> None:
    http = httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://sandbox/xero")
    redirect = "https://bot.example/oauth/xero/callback"
    query = {
        "response_type": "code", "client_id": "sandbox", "redirect_uri": redirect, "state": "s",
        "scope": "offline_access accounting.transactions",
    }  # fmt: skip
    answer = http.get("/identity/connect/authorize", params=query)
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert back["error"] == ["invalid_scope"] and back["state"] == ["s"]

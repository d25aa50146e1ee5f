"""The organisation's currencies in the sandbox: served by `GET /Currencies`, and the only ones a document may use."""

from __future__ import annotations

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, errors, invoice


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def test_the_demo_organisation_lists_only_its_base_currency(caller: Caller) -> None:
    response = caller.get("Currencies")
    assert response.status_code == 200
    assert response.json()["Currencies"] == [{"Code": "AUD", "Description": "Australian Dollar"}]


def test_an_enabled_currency_is_listed_and_filterable_by_code(caller: Caller, sandbox: XeroSandbox) -> None:
    sandbox.enable_currency("USD", "United States Dollar")
    assert [c["Code"] for c in caller.get("Currencies").json()["Currencies"]] == ["AUD", "USD"]
    assert [c["Code"] for c in caller.get("Currencies", where='Code=="USD"').json()["Currencies"]] == ["USD"]


def test_a_document_in_a_currency_the_organisation_has_not_enabled_is_refused_with_xeros_words(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    [element] = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, CurrencyCode="USD")]})
    assert errors(element) == ["Organisation is not subscribed to currency USD"]
    assert sandbox.invoices() == []


def test_a_document_in_an_enabled_foreign_currency_is_accepted(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    sandbox.enable_currency("USD")
    [element] = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, CurrencyCode="USD")]})
    assert errors(element) == [] and element["CurrencyCode"] == "USD"


def test_a_document_without_a_currency_is_in_the_base_currency(caller: Caller, client_id: str) -> None:
    [element] = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id)]})
    assert element["CurrencyCode"] == "AUD"

"""The client against a connection that lacks a scope: Xero's 401 becomes `auth.missing_scope`, naming the scope
and how to reconnect; the scopes the bot asks for are Xero's granular ones."""

from __future__ import annotations

import httpx
import pytest

from integration.clock import VirtualClock
from integration.errors import AuthError, describe
from integration.xero.scopes import REQUESTED, SCOPES, needed
from sandboxes.xero.emulator import XeroSandbox
from tests.fakes.token_store import MemoryTokenStore
from tests.integration.xero.conftest import client_for

WITHOUT_PAYMENTS = " ".join(s for s in REQUESTED if s != "accounting.payments")


def test_a_connection_without_the_payments_scope_is_told_which_scope_and_how_to_reconnect(
    sandbox: XeroSandbox, clock: VirtualClock
) -> None:
    store = MemoryTokenStore()
    store.save(
        sandbox.issue_tokens(scope=WITHOUT_PAYMENTS), previous_version=None, tenant_id=sandbox.tenant_id
    )
    client = client_for(sandbox, httpx.Client(transport=httpx.WSGITransport(app=sandbox)), store, clock)
    assert client.organisation().base_currency == "AUD"
    with pytest.raises(AuthError) as refused:
        client.find_payments(references=["RCT-1"])
    assert refused.value.code == "auth.missing_scope"
    assert "`accounting.payments`" in str(refused.value) and "/xero connect xero" in str(refused.value)
    assert "/xero connect xero" in describe("auth.missing_scope").fix


def test_the_bot_asks_for_granular_scopes_only_and_never_the_broad_ones() -> None:
    asked = SCOPES.split()
    assert "accounting.transactions" not in asked and "accounting.manualjournals" not in asked
    assert asked == [
        "offline_access", "accounting.settings.read", "accounting.contacts", "accounting.invoices",
        "accounting.payments", "accounting.banktransactions", "accounting.reports.balancesheet.read",
    ]  # fmt: skip
    assert (
        "accounting.reports.read" not in asked
    )  # the broad reports scope: unknown to apps made since March 2026


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "Currencies", "accounting.settings.read"),
        ("PUT", "CreditNotes/abc/Allocations", "accounting.invoices"),
        ("GET", "Payments", "accounting.payments"),
        ("PUT", "BankTransfers", "accounting.banktransactions"),
        ("GET", "Contacts", "accounting.contacts"),
        ("GET", "Reports/BalanceSheet", "accounting.reports.balancesheet.read"),
        ("GET", "/Reports/BalanceSheet?date=2026-07-31", "accounting.reports.balancesheet.read"),
        ("GET", "Reports/ProfitAndLoss", None),
    ],
)
def test_each_call_names_the_scope_it_needs(method: str, path: str, scope: str | None) -> None:
    assert needed(method, path) == scope

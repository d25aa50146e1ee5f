"""Xero client overhead: one 50-invoice batch serialised, sent to the in-process sandbox and parsed.

The sandbox's own time (validation, pricing, rendering) is measured inside its WSGI call and subtracted, so the
client figure is what the bot itself spends per batch: building the JSON, the governor, auth, httpx and reading
50 results. Tokens come from a real ledger (SQLite in a temporary directory); the clock is virtual, so the
governor never really waits.
"""

from __future__ import annotations

import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bench import Measurement, sized
from integration.adapters.token_store import LedgerTokenStore
from integration.clock import VirtualClock
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from integration.xero import RateGovernor, XeroAuth, XeroClient, XeroEndpoints, XeroOAuth, XeroTokenSession
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits

BATCHES = sized(40, quick=3)
WARM_UP = sized(3, quick=1)
BATCH_SIZE = 50


class _Timed:
    """Wraps the sandbox to add up the time spent inside it."""

    def __init__(self, app: XeroSandbox) -> None:
        self.app = app
        self.spent = 0.0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started = time.perf_counter()
        try:
            return self.app(environ, start_response)
        finally:
            self.spent += time.perf_counter() - started


def _invoice(number: str, contact_id: str) -> dict[str, Any]:
    return {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "Date": "2026-07-01",
        "DueDate": "2026-07-15",
        "InvoiceNumber": number,
        "Reference": f"Matter {number}",
        "LineAmountTypes": "Exclusive",
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "Description": "Professional fees",
                "Quantity": Decimal(1),
                "UnitAmount": Decimal("1234.50"),
                "AccountCode": "201",
                "TaxType": "OUTPUT",
            },
            {
                "Description": "Disbursements",
                "Quantity": Decimal(3),
                "UnitAmount": Decimal("12.3456"),
                "AccountCode": "205",
                "TaxType": "OUTPUT",
            },
        ],
    }


def run() -> list[Measurement]:
    clock = VirtualClock()
    sandbox = XeroSandbox.demo(
        clock=clock, limits=Limits(per_minute=10**6, per_day=10**9, app_per_minute=10**9)
    )
    timed = _Timed(sandbox)
    endpoints = XeroEndpoints.under("http://bench/xero")
    with (
        tempfile.TemporaryDirectory() as folder,
        httpx.Client(transport=httpx.WSGITransport(app=timed)) as http,
    ):
        store = Store.open(
            f"sqlite:///{Path(folder) / 'bench.db'}", TokenCipher([generate_key()]), upgrade_schema=True
        )
        tokens = LedgerTokenStore(store, "xero")
        tokens.save(sandbox.issue_tokens(), previous_version=None, tenant_id=sandbox.tenant_id)
        auth = XeroAuth(
            XeroTokenSession(XeroOAuth(http, "sandbox", "sandbox", clock, endpoints=endpoints), tokens, clock)
        )
        client = XeroClient(
            http, auth, sandbox.tenant_id, RateGovernor(clock), clock, api_url=endpoints.api_url
        )
        contact = sandbox.add_contact("Bench Client Pty Ltd")
        total = 0.0
        for batch in range(WARM_UP + BATCHES):
            elements = [_invoice(f"B{batch}-{n}", contact) for n in range(BATCH_SIZE)]
            if batch == WARM_UP:
                timed.spent = 0.0
            started = time.perf_counter()
            results = client.create("Invoices", elements, f"bench-{batch}")
            if batch >= WARM_UP:
                total += time.perf_counter() - started
            assert all(r.ok for r in results), results[0].errors
        store.close()
    client_ms = (total - timed.spent) / BATCHES * 1000
    return [
        Measurement("xero", f"client overhead per {BATCH_SIZE}-invoice batch", client_ms, "ms", "< 20 ms"),
        Measurement("xero", "sandbox time per batch (not client)", timed.spent / BATCHES * 1000, "ms"),
        Measurement("xero", "round trip per batch, in-process", total / BATCHES * 1000, "ms"),
    ]

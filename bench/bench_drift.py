"""Drift: one pass over many linked documents, with nothing changed and with 100 of them voided in Xero.

The ledger holds `LINKED` links (10,000; 200 in the quick mode); the 100 that are also in the Xero sandbox are
created there as a person would (`PUT /Invoices`) and linked, with `TRANSFERS` linked bank transfers. The first
pass sets the cursors. Figures: the Xero calls of a pass with nothing changed (target: one per polled endpoint,
whatever the number of links, plus the one transfer the sweep reads by id), and of a pass after 100 documents were
voided (the pages that hold the changes plus one History call per changed document, plus the sweep's call), with
the calls per changed document and the pass's wall time.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from bench import Measurement, sized
from bot.demo import DEMO_LEDGER, build_demo
from integration.clock import VirtualClock
from integration.domain import DocumentKind, Link, SourceRef
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from sandboxes.server import Sandboxes
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits
from tests.support.xero_people import in_xero, void_in_xero

LINKED = sized(10_000, quick=200)
CHANGED = 100
POLLED = 6
SWEEP = 1  # one linked bank transfer read by id per pass
TRANSFERS = sized(20, quick=3)
RELAXED = Limits(per_minute=10**9, per_day=10**9, app_per_minute=10**9, concurrent=50)


def _create(xero: XeroSandbox, count: int) -> list[dict[str, object]]:
    """`count` approved sales invoices entered in Xero, 50 a request; what Xero answered for each."""
    contact = xero.add_contact("Drift Bench Pty Ltd")
    made: list[dict[str, object]] = []
    for start in range(0, count, 50):
        body = {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact},
                    "Date": "2026-10-01",
                    "DueDate": "2026-10-31",
                    "InvoiceNumber": f"DRIFT-{n}",
                    "Status": "AUTHORISED",
                    "LineItems": [
                        {"Description": "Fees", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
                    ],
                }
                for n in range(start, min(start + 50, count))
            ]
        }
        answer = in_xero(xero, "PUT", "Invoices", body)
        assert answer.status_code == 200, answer.text
        made.extend(answer.json()["Invoices"])
    return made


def _transfers(xero: XeroSandbox, store: Store, count: int) -> None:
    """`count` bank transfers entered in Xero one a request, and linked as the bot links the ones it posts."""
    with store.unit_of_work() as uow:
        for n in range(count):
            move = {
                "FromBankAccount": {"Code": "090"},
                "ToBankAccount": {"Code": "091"},
                "Date": "2026-10-01",
            }
            body = {"BankTransfers": [{**move, "Amount": Decimal(100 + n), "Reference": f"BT-{n}"}]}
            answer = in_xero(xero, "PUT", "BankTransfers", body)
            assert answer.status_code == 200, answer.text
            made = answer.json()["BankTransfers"][0]
            link = Link(
                source=SourceRef(DocumentKind.BANK_TRANSFER, f"bench-bt-{n}"), source_version="1",
                source_number=f"BT-{n}", xero_id=str(made["BankTransferID"]), xero_number=f"BT-{n}",
                xero_type="TRANSFER", total=Decimal(100 + n), posted_date=date(2026, 10, 1),
            )  # fmt: skip
            uow.links.add(link)
        uow.commit()


def _link(store: Store, made: list[dict[str, object]], total: int) -> None:
    with store.unit_of_work() as uow:
        for n in range(total):
            real = made[n] if n < len(made) else None
            uow.links.add(
                Link(
                    source=SourceRef(DocumentKind.SALES_INVOICE, f"bench-{n}"),
                    source_version="1",
                    source_number=f"DRIFT-{n}",
                    xero_id=str(real["InvoiceID"]) if real else f"00000000-0000-4000-8000-{n:012d}",
                    xero_number=f"DRIFT-{n}",
                    xero_type="ACCREC",
                    total=Decimal(str(real["Total"])) if real else Decimal("110.00"),
                    posted_date=date(2026, 10, 1),
                )
            )
        uow.commit()


def run() -> list[Measurement]:
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    sandboxes = Sandboxes(
        XeroSandbox.demo(clock=clock, limits=RELAXED), Sandboxes.demo(clock=clock).actionstep, clock
    )
    made = _create(sandboxes.xero, CHANGED)
    with tempfile.TemporaryDirectory() as folder:
        service, _ = build_demo(Path(folder), sandboxes=sandboxes)
        store = Store.open(f"sqlite:///{Path(folder) / DEMO_LEDGER}", TokenCipher([generate_key()]))
        try:
            _link(store, made, LINKED)
            _transfers(sandboxes.xero, store, TRANSFERS)
            service.drift()  # sets the cursors
            clock.advance(5)
            quiet = service.drift()
            clock.advance(5)
            for invoice in made:
                assert void_in_xero(sandboxes.xero, str(invoice["InvoiceID"])).status_code == 200
            clock.advance(5)
            started = time.perf_counter()
            changed = service.drift()
            seconds = time.perf_counter() - started
        finally:
            store.close()
            service.close()
    assert len(changed.findings) == CHANGED, len(changed.findings)
    assert not quiet.findings, quiet.findings
    return [
        Measurement(
            "drift",
            f"{LINKED:,} linked, nothing changed: Xero calls",
            quiet.calls,
            "calls",
            f"<= {POLLED + SWEEP} (one per endpoint, one sweep)",
        ),
        Measurement("drift", f"{CHANGED} of {LINKED:,} voided in Xero: Xero calls", changed.calls, "calls"),
        Measurement(
            "drift", "calls per changed document", changed.calls / CHANGED, "calls", "~1 (its History)"
        ),
        Measurement("drift", f"{CHANGED} changed: pass wall time", seconds, "s"),
    ]

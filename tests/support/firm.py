"""A real `Service` over the demo firm's books, a real ledger and the in-memory remotes (`tests.fakes.remotes`),
and builders for the documents tests post.

Documents are dated after Xero's lock date in the demo firm (30 Jun 2026); account ids and contacts are the demo
firm's: 4000 Professional Fees (mapped to Xero 200), 5040 Courier Costs (deliberately unmapped), contact 105 is
"<!channel> Party Hire & Co".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from integration.app import Service
from integration.domain import Line, SalesInvoice, SupplierInvoice
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from integration.sync.engine import SyncEngine
from tests.fakes.remotes import FakeActionstep, FakeXero
from tests.support.books import demo_mappings

_modified = itertools.count()


def _stamp() -> datetime:
    return datetime(2026, 10, 1, tzinfo=UTC) + timedelta(seconds=next(_modified))


def sales_invoice(
    number: str, *, contact: str = "101", amount: str = "100.00", account: str = "4000"
) -> SalesInvoice:
    net = Decimal(amount)
    line = Line("Professional services", account, net, (net / 10).quantize(Decimal("0.01")), "GST")
    stamp = _stamp()
    return SalesInvoice(
        id=f"si-{number}", number=number, date=date(2026, 10, 1), version=stamp.isoformat(), modified_at=stamp,
        contact_id=contact, matter_id="5001", lines=(line,),
    )  # fmt: skip


def supplier_invoice(number: str, *, account: str = "5040", amount: str = "50.00") -> SupplierInvoice:
    net = Decimal(amount)
    line = Line("Courier", account, net, (net / 10).quantize(Decimal("0.01")), "GST")
    stamp = _stamp()
    return SupplierInvoice(
        id=f"pi-{number}", number=number, date=date(2026, 10, 2), version=stamp.isoformat(), modified_at=stamp,
        contact_id="201", matter_id="5001", lines=(line,),
    )  # fmt: skip


@dataclass
class Firm:
    service: Service
    actionstep: FakeActionstep
    xero: FakeXero
    store: Store  # the ledger under the service, for tests that look at what it recorded


@contextmanager
def demo_firm(database_url: str) -> Iterator[Firm]:
    """The demo firm on a fresh ledger at `database_url`, with its mappings stored and no documents yet."""
    store = Store.open(database_url, TokenCipher([generate_key()]), upgrade_schema=True)
    with store.unit_of_work() as uow:
        for mapping in demo_mappings():
            uow.mappings.set(mapping)
        uow.commit()
    actionstep, xero = FakeActionstep(), FakeXero()
    service = Service(store, actionstep, xero, SyncEngine(store, actionstep, xero))
    try:
        yield Firm(service, actionstep, xero, store)
    finally:
        service.close()

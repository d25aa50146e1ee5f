"""A service wired exactly as production wires it, but to in-process sandboxes and a ledger of the test's choosing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any, NamedTuple

import httpx
from sqlalchemy import text

from bot.demo import DEMO_MAPPINGS, SANDBOX_BASE
from integration.app import Service, bootstrap
from integration.clock import VirtualClock
from integration.domain import Alert, AlertSource, LinkState
from integration.ports import ActionstepGateway, XeroBooks, XeroGateway
from integration.settings import load_settings
from integration.store import Store
from sandboxes.server import Sandboxes, settings_for
from sandboxes.xero.gate import Limits

RELAXED = Limits(per_minute=1_000_000, per_day=10_000_000, app_per_minute=10_000_000, concurrent=50)


def demo_service(
    store: Store,
    sandboxes: Sandboxes | None = None,
    *,
    backlog: int = 0,
    transport: httpx.BaseTransport | None = None,
    environment: dict[str, str] | None = None,
) -> tuple[Service, Sandboxes]:
    """The demo firm on both sandboxes (virtual clock), the demo mappings in `store`, and a service over them;
    `transport` wraps the sandboxes (e.g. to record what is sent); `environment` adds settings by variable name."""
    sandboxes = sandboxes or Sandboxes.demo(
        clock=VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)), backlog=backlog
    )
    env = {
        name.lower(): value for name, value in {**settings_for(SANDBOX_BASE), **(environment or {})}.items()
    }
    settings = load_settings(**env)
    bootstrap.seed_mappings(store, DEMO_MAPPINGS, actor="demo")
    service = bootstrap.build_service(
        settings,
        store=store,
        transport=transport or httpx.WSGITransport(app=sandboxes),
        clock=sandboxes.clock,
    )
    return service, sandboxes


class Remotes(NamedTuple):
    actionstep: ActionstepGateway
    xero: XeroGateway
    books: XeroBooks  # the same Xero adapter, as reconciliation reads through it


def gateways(store: Store, sandboxes: Sandboxes) -> Remotes:
    """The Xero and Actionstep gateways wired as production wires them (`bootstrap.build_remotes`), over the same
    ledger and sandboxes as `demo_service`: for a test that acts in Xero as a person would, or lists what Actionstep
    holds, or that reads Xero's books as reconciliation does (`books`). The service's own gateways stay behind its
    facade."""
    settings = load_settings(**{name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()})
    http = httpx.Client(transport=httpx.WSGITransport(app=sandboxes))
    xero, actionstep = bootstrap.build_remotes(settings, store, http, sandboxes.clock)
    return Remotes(actionstep, xero, xero)


def xero_copies(sandboxes: Sandboxes) -> Counter[tuple[str, str]]:
    """How many live Xero documents carry each (kind, number or reference): anything above 1 is a duplicate."""
    xero = sandboxes.xero
    copies: Counter[tuple[str, str]] = Counter()
    for invoice in xero.invoices():
        if invoice["Status"] not in ("DELETED", "VOIDED"):
            copies[(invoice["Type"], invoice["InvoiceNumber"])] += 1
    for credit in xero.credit_notes():
        if credit["Status"] not in ("DELETED", "VOIDED"):
            copies[(credit["Type"], credit["CreditNoteNumber"])] += 1
    for payment in xero.payments():
        if payment["Status"] != "DELETED":
            copies[("PAYMENT", payment["Reference"])] += 1
    for transaction in xero.bank_transactions():
        if transaction["Status"] != "DELETED":
            copies[(transaction["Type"], transaction["Reference"])] += 1
    for transfer in xero.bank_transfers():
        copies[("TRANSFER", transfer["Reference"])] += 1
    return copies


def linked_numbers(store: Store) -> list[str]:
    """The Actionstep numbers of every active link (a list, so a double link would show twice)."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT source_number FROM links WHERE state = :s"), {"s": LinkState.LINKED.value}
        )
        return [row[0] for row in rows]


def unsettled(sandboxes: Sandboxes, type_: str = "ACCREC") -> dict[str, Any]:
    """A posted document of `type_` in Xero with nothing paid or credited: one a person can still edit or void."""
    return next(
        i
        for i in sandboxes.xero.invoices()
        if i["Type"] == type_
        and i["Status"] == "AUTHORISED"
        and not i["AmountPaid"]
        and not i["AmountCredited"]
    )


def drift_alerts(service: Service) -> list[Alert]:
    """The alerts raised by changes made in Xero that are not resolved."""
    return [a for a in service.alerts.unresolved() if a.source is AlertSource.DRIFT]

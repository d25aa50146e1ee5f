"""`XeroBooksReads`: the `XeroBooks` port (what reconciliation reads from Xero) over a `XeroClient`, mixed into
`XeroGatewayAdapter` so one adapter object serves the sync, drift watching and reconciliation.

A period's records come a page of Xero's largest size at a time, lazily; records by id many a call; the balance
sheet in one call, read into `ReportedBalance`s by `balances_of`. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import count
from typing import Any

from pydantic import ValidationError

from integration.adapters.lazy import Lazy
from integration.adapters.xero_records import record
from integration.domain import XeroRecord
from integration.errors import Unavailable
from integration.ports import ReportedBalance
from integration.xero import XeroClient
from integration.xero import schemas as xero

ZERO = Decimal("0.00")


class XeroBooksReads:
    """`XeroBooks` over the adapter's client (`_client`, set by `XeroGatewayAdapter`)."""

    _client: Lazy[XeroClient]

    def dated(self, endpoint: str, start: date, end: date) -> Iterator[XeroRecord]:
        """Every record of `endpoint` dated from `start` to `end`, whatever its status, a page of 1,000 read only
        when the one before is used up (see `XeroBooks.dated`)."""
        client = self._client.get()
        for page in count(1):
            raw, more = client.dated_page(endpoint, start, end, page)
            yield from (record(endpoint, item, summary=True) for item in raw)
            if not more:
                return

    def records_by_ids(self, endpoint: str, xero_ids: Iterable[str]) -> list[XeroRecord]:
        """The records of `endpoint` Xero holds among `xero_ids`, many ids a call (see `XeroBooks`)."""
        ids = [i for i in xero_ids if i]
        if not ids:
            return []
        return [record(endpoint, item, summary=True) for item in self._client.get().by_ids(endpoint, ids)]

    def balances(self, as_at: date) -> list[ReportedBalance]:
        """Every account on Xero's balance sheet at `as_at`, one call (see `XeroBooks.balances`)."""
        return balances_of(self._client.get().balance_sheet(as_at))


def balances_of(payload: dict[str, Any]) -> list[ReportedBalance]:
    """The accounts of a balance-sheet answer (`GET /Reports/BalanceSheet`), in the report's order.

    Each `Section`'s rows of type `Row` are accounts: the account's id is the cell attribute `Id` "account", its
    name the first cell, its balance the first amount cell (the column for the report's `date`; later columns are
    comparison periods), as Xero prints it, sign included. The `Header`, the `SummaryRow` totals and a row that
    names no account (the standard layout's "Net Assets") are left out. A report Xero did not send, or an amount
    that is not a number, fails the read rather than giving a balance that is not Xero's."""
    try:
        reports = xero.ReportWithRows.model_validate(payload).reports
    except ValidationError:
        raise Unavailable(
            "xero", "Xero's balance sheet was not in the report layout; the balances are unknown."
        ) from None
    if not reports:
        raise Unavailable("xero", "Xero sent no balance sheet; the balances are unknown.")
    found: list[ReportedBalance] = []
    for section in reports[0].rows:
        if section.row_type != "Section":
            continue
        for row in section.rows:
            account = next((a for c in row.cells if (a := c.attribute("account"))), None)
            if row.row_type != "Row" or account is None or len(row.cells) < 2:
                continue
            found.append(ReportedBalance(account, row.cells[0].value or "", _amount(row.cells[1].value)))
    return found


def _amount(text: str | None) -> Decimal:
    cleaned = (text or "").replace(",", "").strip()
    if not cleaned:
        return ZERO
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise Unavailable(
            "xero",
            f"Xero's balance sheet shows {cleaned[:20]!r} where an amount belongs; the balances are unknown.",
        ) from None

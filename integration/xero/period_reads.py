"""`PeriodReads`: what month-end reconciliation reads from Xero, mixed into `XeroReader`. It never writes.

- `dated_page`: one page of a period's records, every status. `where=Date>=DateTime(…) AND Date<=DateTime(…)`
  (`Date` is among Xero's optimised `where` fields on all four paged endpoints: `queries.OPTIMISED_WHERE`), with
  `page` and `pageSize` at Xero's largest page. Xero lists voided and deleted invoices in a plain list: the spec's
  own `getInvoices` example is a paged list holding a VOIDED invoice, a DELETED invoice comes back in a paged list
  (XeroAPI/Xero-Java #130, Xero staff), and `Statuses` only narrows (spec `getInvoices` `Statuses`, "Filter by a
  comma-separated list Statuses"). For credit notes, payments and bank transactions no source says a list leaves
  any status out, and the spec declares no parameter that would bring one back (`getCreditNotes`, `getPayments`,
  `getBankTransactions`); so nothing is added to any of the four, and a test against the sandbox checks that
  voided and deleted ones are listed. Bank transfers are the exception: a list leaves the deleted ones out unless
  `includeDeleted=true` (spec `getBankTransfers` `includeDeleted`), and Xero neither pages them nor optimises any
  `where` on them, so the period's transfers come from one call filtered here by date.
- `by_ids`: many ids a call, never one call per record: `IDs` for invoices (spec `getInvoices` `IDs`); `where` on
  the id field for credit notes, payments and bank transactions (`getCreditNotes` declares no `IDs`), chunked to
  Xero's query-string limit (`queries.filter_params`, `MAX_QUERY`); bank transfers read whole once.
- `balance_sheet`: `GET /Reports/BalanceSheet?date=…&standardLayout=true`, one call, Xero's report as it comes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import httpx

from integration.errors import Unavailable
from integration.xero import wire
from integration.xero.queries import Filter, filter_params, items, literal
from integration.xero.requester import XeroRequester, json_of, rejected

# Xero's largest page: "paging 100 by default, up to 1,000 with `pageSize`" (the Xero fidelity digest's list of
# faithful behaviours). The spec declares `pageSize` (components/parameters/pageSize, no maximum given) on
# getInvoices, getCreditNotes, getPayments and getBankTransactions, not on getBankTransfers.
MAX_PAGE_SIZE = 1000
DATED = frozenset({"Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers"})
_ID_FIELDS = {
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "Payments": "PaymentID",
    "BankTransactions": "BankTransactionID",
    "BankTransfers": "BankTransferID",
}
# Xero optimises `where` on `PaymentID` inside an OR (`queries.OPTIMISED_OR`) but on neither `CreditNoteID` nor
# `BankTransactionID`, and has no list parameter for them: the `where` on the id is the only way to ask for many at
# once. On an organisation past Xero's high-volume threshold Xero may refuse it ("not filtering … efficiently"),
# which surfaces as the refusal it is rather than as one call per record.
_UNOPTIMISED_IDS = frozenset({"CreditNotes", "BankTransactions"})


class PeriodReads:
    """A period's records, many records by id, and the balance sheet (mixed into `XeroReader`, which sets
    `_requester`)."""

    _requester: XeroRequester

    def dated_page(
        self, endpoint: str, start: date, end: date, page: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """Page `page` (from 1) of `endpoint`'s records dated from `start` to `end` inclusive, whatever their
        status, and whether another page may follow. Invoices and credit notes come as full records (a `page`
        asks Xero for their lines and payments). Bank transfers are one call, filtered here: page 1 has them all
        and any later page is empty without a call."""
        _check(endpoint, start, end)
        if endpoint == "BankTransfers":
            if page > 1:
                return [], False
            return [t for t in self._all_transfers() if _within(t, start, end)], False
        query = {
            "where": f"Date>={_day(start)} AND Date<={_day(end)}",
            "page": str(page),
            "pageSize": str(MAX_PAGE_SIZE),
        }
        payload = self._fetch(endpoint, query)
        batch = items(payload, endpoint)
        return batch, _more(payload, page, len(batch))

    def by_ids(self, endpoint: str, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The records of `endpoint` Xero holds among `ids`, whatever their status, as full records; one it does
        not have is left out. As many ids a call as Xero's query-string limit allows (51 in `IDs`, about 25 in a
        `where`), so 120 invoices cost 3 calls and 120 payments 5."""
        if endpoint not in DATED:
            raise ValueError(f"{endpoint} is not an endpoint reconciliation reads")
        wanted = list(dict.fromkeys(i.lower() for i in ids if i))
        if not wanted:
            return []
        if endpoint == "BankTransfers":
            found = set(wanted)
            return [t for t in self._all_transfers() if str(t.get("BankTransferID", "")).lower() in found]
        by = (
            Filter.on(wanted, param="IDs")
            if endpoint == "Invoices"
            else Filter.on(wanted, field=_ID_FIELDS[endpoint], guid=True)
        )
        # A chunk names fewer records than a page holds, so page 1 of each is all of it; the `page` asks Xero for
        # full records (lines, payments) and keeps a payments list paged, as a high-volume organisation requires.
        paging = {"page": "1", "pageSize": str(MAX_PAGE_SIZE)}
        records: list[dict[str, Any]] = []
        for query in filter_params(endpoint, [by], paging, unoptimised=endpoint in _UNOPTIMISED_IDS):
            records.extend(items(self._fetch(endpoint, query), endpoint))
        return records

    def balance_sheet(self, as_at: date) -> dict[str, Any]:
        """Xero's balance sheet at `as_at` (`{"Reports": [{…, "Rows": […]}]}`, spec `getReportBalanceSheet`), one
        call. `standardLayout=true` asks for Xero's standard layout rather than the organisation's own custom
        one, so every account sits on its own row under a section."""
        payload = self._fetch("Reports/BalanceSheet", {"date": as_at.isoformat(), "standardLayout": "true"})
        if not isinstance(payload, dict):
            raise Unavailable("xero", "Xero's balance sheet was not a report; the balances are unknown.")
        return payload

    def _all_transfers(self) -> list[dict[str, Any]]:
        return items(self._fetch("BankTransfers", {"includeDeleted": "true"}), "BankTransfers")

    def _fetch(self, path: str, params: dict[str, str]) -> Any:
        response = self._requester.request("GET", path, params=params)
        return _payload(response, f"the lookup {path}")


def _payload(response: httpx.Response, what: str) -> Any:
    if response.status_code != 200:
        raise rejected(response, what)
    return json_of(response, what)


def _more(payload: Any, page: int, count: int) -> bool:
    """Whether a page follows: Xero's `pagination.pageCount` when the answer has it (spec `Pagination`), so a
    page shorter than asked for is never taken for the last one; a full page otherwise."""
    pagination = payload.get("pagination") if isinstance(payload, dict) else None
    pages = pagination.get("pageCount") if isinstance(pagination, dict) else None
    if isinstance(pages, int) and not isinstance(pages, bool):
        return page < pages
    return count >= MAX_PAGE_SIZE


def _check(endpoint: str, start: date, end: date) -> None:
    if endpoint not in DATED:
        raise ValueError(f"{endpoint} is not an endpoint reconciliation reads")
    if start > end:
        raise ValueError(f"a period starts on or before its end, not {start} after {end}")


def _day(day: date) -> str:
    return literal(day.isoformat(), day=True)


def _within(record: dict[str, Any], start: date, end: date) -> bool:
    moment = wire.parse_ms_date(record.get("Date"))
    return moment is not None and start <= moment.date() <= end

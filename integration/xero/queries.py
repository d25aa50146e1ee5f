"""Lookups: Xero's list filters and `where` clauses, chunked so URLs stay short, pages followed to the end.

Xero prefers its explicit list parameters (`IDs`, `InvoiceNumbers`, `ContactIDs`) where an endpoint has them;
elsewhere a filter becomes `where=Field=="a" OR Field=="b"`. Different filters are ANDed, as Xero does with its
parameters. The longest value list is split into chunks and the rest sent whole, so the union over the chunks
is exactly the AND of the filters. A chunk holds as many values as fit in Xero's query-string limit
(`MAX_QUERY`, measured as httpx encodes the request); its answer is read a page at a time.

On high-volume organisations Xero refuses a `where` on any field it has not optimised, with a 400 "Your request is
not filtering <endpoint> efficiently, given the extremely high volume for this organisation". `OPTIMISED_WHERE`
is Xero's list of optimised fields, written once here; `filter_params` refuses any other field, so a lookup that
needs one narrows by an optimised field and filters the rest locally (`client.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

PAGE_SIZE = 100
MAX_PAGES = 1000
# Xero answers a plain 404 "The resource you're looking for cannot be found" once a request's query string is
# longer than 2,048 characters, IIS's default `maxQueryString` (XeroAPI/Xero-Net #280 quotes Xero's IIS 404.15
# page, "the query string is too long"). Measured by others, all consistent with it: 52 invoice ids in `IDs` with
# `page=1` pass (2,036 characters encoded) and 53 fail (XeroAPI/Xero-OpenAPI #534; XeroAPI/xero-node #404, 52/53
# contact ids); a URL over 2,091 characters fails (XeroAPI/Xero-NetStandard #471: 42 characters before the query).
# An id costs 39 encoded characters in `IDs` but about 79 as `PaymentID==Guid("…") OR` in a `where`, so a `where`
# fits 25 ids (pyxero #260 suggests ~25) where `IDs` fits 51: chunks are cut by measured length, not by count.
MAX_QUERY = 2048
PAGING = {"page": str(MAX_PAGES), "pageSize": str(PAGE_SIZE)}  # the longest paging `_find` adds to a chunk

# Xero's optimised `where` fields per endpoint, from "Optimised use of the where filter"
# (developer.xero.com/documentation/api/efficient-data-retrieval and each endpoint's page), as reproduced
# per endpoint in CData's Xero connector documentation ("Optimized Filters and High Volume Thresholds",
# cdn.cdata.com/help/DXM/.../pg_accountingtable-{invoices,creditnotes,payments,banktransactions,contacts}.htm).
# Thresholds listed there: Invoices 500,000, Payments 100,000. The refusal's wording: XeroAPI/xero-php-oauth2-app
# #30 and #31 (Xero staff: "only use filter and order combinations that have been specifically optimised").
# Field names compare case-insensitively. Xero documents no optimised field for BankTransfers, so the client
# sends no `where` there. Documented list parameters (`IDs`, `InvoiceNumbers`, `ContactIDs`, `Statuses`, `page`,
# `If-Modified-Since`) are always allowed: they are the spec's own (xero_accounting.yaml).
OPTIMISED_WHERE: dict[str, frozenset[str]] = {
    "Invoices": frozenset(
        {
            "Status",
            "Contact.ContactID",
            "Contact.Name",
            "Contact.ContactNumber",
            "Reference",
            "Date",
            "Type",
            "AmountDue",
            "AmountPaid",
            "DueDate",
        }
    ),
    "CreditNotes": frozenset(
        {"Status", "Date", "Reference", "Contact.ContactID", "Contact.Name", "Contact.ContactNumber", "Type"}
    ),
    "Payments": frozenset({"PaymentType", "Status", "Date", "Invoice.InvoiceID", "Reference"}),
    "BankTransactions": frozenset({"Type", "Status", "Date", "Contact.ContactID"}),
    "Contacts": frozenset({"Name", "EmailAddress", "AccountNumber"}),
    "BatchPayments": frozenset({"Type", "Account.AccountID", "Status"}),
    "BankTransfers": frozenset(),
}
# Payments: Xero lists these two as optimised inside an OR, the others alone or ANDed. A lone comparison on an
# OR field is read as the trivial OR.
OPTIMISED_OR: dict[str, frozenset[str]] = {"Payments": frozenset({"Invoice.InvoiceID", "PaymentID"})}


def optimised(endpoint: str, field: str, *, in_or: bool = False) -> bool:
    """Whether Xero optimises `where` on `field` of `endpoint` (inside an OR when `in_or`)."""
    alone = OPTIMISED_WHERE.get(endpoint, frozenset())
    ored = OPTIMISED_OR.get(endpoint)
    fields = (ored if ored is not None else alone) if in_or else alone | (ored or frozenset())
    return field.lower() in {f.lower() for f in fields}


@dataclass(frozen=True, slots=True)
class Filter:
    """Match any of `values` on a list parameter (`param`) or a `where` field (`field`, optionally a Guid)."""

    values: tuple[str, ...]
    param: str | None = None
    field: str | None = None
    guid: bool = False
    day: bool = False

    @classmethod
    def on(
        cls,
        values: Iterable[str],
        *,
        param: str | None = None,
        field: str | None = None,
        guid: bool = False,
        day: bool = False,
    ) -> Filter:
        """A filter over `values`, duplicates dropped, order kept (`day`: ISO dates, sent as `DateTime(y,m,d)`)."""
        return cls(tuple(dict.fromkeys(values)), param, field, guid, day)


def literal(value: str, *, guid: bool = False, day: bool = False) -> str:
    """A `where` literal; quotes and backslashes escaped as Xero's C#-style syntax expects."""
    if day:
        year, month, dom = (int(part) for part in value.split("-"))
        return f"DateTime({year},{month:02d},{dom:02d})"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'Guid("{escaped}")' if guid else f'"{escaped}"'


def any_of(field: str, values: Iterable[str], *, guid: bool = False, day: bool = False) -> str:
    """`field` equal to any of `values`, as a `where` clause."""
    clauses = [f"{field}=={literal(v, guid=guid, day=day)}" for v in values]
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def filter_params(
    endpoint: str,
    filters: list[Filter],
    extra: dict[str, str] | None = None,
    *,
    unoptimised: bool = False,
) -> Iterator[dict[str, str]]:
    """The query parameters of each request needed to apply `filters` to `endpoint`.

    Raises `ValueError` for a `where` field Xero has not optimised on `endpoint`: such a lookup would work on a
    small organisation and fail on a large one. `unoptimised` lets such a field through, for a caller that has no
    optimised way to ask and says so."""
    active = [f for f in filters if f.values]
    if not active:
        raise ValueError("a lookup needs at least one value to look for")
    for item in active:
        if item.field and not unoptimised and not optimised(endpoint, item.field, in_or=len(item.values) > 1):
            raise ValueError(f"Xero does not optimise where on {endpoint}.{item.field}")
    longest = max(active, key=lambda f: len(f.values))

    def build(chunk: list[str]) -> dict[str, str]:
        params = dict(extra or {})
        clauses = []
        for item in active:
            values = chunk if item is longest else list(item.values)
            if item.param:
                params[item.param] = ",".join(values)
            elif item.field:
                clauses.append(any_of(item.field, values, guid=item.guid, day=item.day))
        if clauses:
            params["where"] = " AND ".join(clauses)
        return params

    chunk: list[str] = []
    for value in longest.values:
        if chunk and query_length(build([*chunk, value])) > MAX_QUERY:
            yield build(chunk)
            chunk = []
        chunk.append(value)
        if len(chunk) == 1 and query_length(build(chunk)) > MAX_QUERY:
            raise ValueError(f"a lookup of {value[:40]!r} is longer than Xero accepts in one request")
    if chunk:
        yield build(chunk)


def query_length(params: dict[str, str]) -> int:
    """The characters of the query string `params` make once the longest paging is added (unless `params` carry
    their own), encoded as httpx sends them: what Xero's `MAX_QUERY` limit counts."""
    return len(str(httpx.QueryParams({**PAGING, **params})))


def sub_key(key: str, index: int) -> str:
    """A distinct, deterministic Idempotency-Key for the `index`-th request made on behalf of `key`."""
    derived = f"{key}#{index}"
    if len(derived) <= 128:
        return derived
    return f"{hashlib.sha256(key.encode()).hexdigest()}#{index}"


def items(payload: Any, key: str) -> list[dict[str, Any]]:
    """The list under `key` in a response body (empty when absent)."""
    found = payload.get(key) if isinstance(payload, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []

"""The records a list GET may return, found by id before anything is rendered.

A `where` that pins an id field to a few values (`PaymentID==Guid(…) OR …`, `Invoice.InvoiceID==Guid(…)`,
`Contact.ContactID==…`: `query.where_plan`) and the `IDs` list parameter name the only records that can match.
`Lookup.select` finds them through the books' own keys (a payment by its id, the payments on an invoice through
the invoice), or by comparing one attribute where there is no key (an invoice's contact), keeps them in the order
the books hold them and hands back only those to be rendered. The full `where` is still applied to what is
rendered, so an answer is exactly what filtering every rendered record gives: results, order, paging and errors
do not change, only what a filtered read costs. This is the sandbox's speed, not a Xero rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any

from sandboxes.xero.books import Books, Document, Payment

Keys = Mapping[str, frozenset[str]]


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _paid(credit: bool) -> Callable[[Any], str | None]:
    """A payment's `Invoice.InvoiceID` (`credit` False) or `CreditNote.CreditNoteID` as `render.payment` shows
    it: only the key of the kind of document it pays."""
    return lambda p: _lower(p.document.id) if p.document.is_credit == credit else None


# Per resource: field path (lower case) -> the value a record renders there, read from the record itself (lower
# case, None when it renders none). `tests/integration/xero/test_sandbox_lookup.py` checks each against `render`.
ATTRIBUTES: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "payments": {
        "paymentid": lambda p: _lower(p.id),
        "invoice.invoiceid": _paid(False),
        "creditnote.creditnoteid": _paid(True),
    },
    "invoices": {
        "invoiceid": lambda d: None if d.is_credit else _lower(d.id),
        "contact.contactid": lambda d: _lower(d.contact.id),
    },
    "creditnotes": {
        "creditnoteid": lambda d: _lower(d.id) if d.is_credit else None,
        "contact.contactid": lambda d: _lower(d.contact.id),
    },
    "banktransactions": {
        "banktransactionid": lambda t: _lower(t.id),
        "contact.contactid": lambda t: _lower(t.contact.id),
    },
    "contacts": {"contactid": lambda c: _lower(c.id)},
    "banktransfers": {"banktransferid": lambda t: _lower(t.id)},
}
# The field that is each resource's own key in the books: its values are looked up, not compared.
OWN_ID = {
    "payments": "paymentid",
    "invoices": "invoiceid",
    "creditnotes": "creditnoteid",
    "banktransactions": "banktransactionid",
    "contacts": "contactid",
    "banktransfers": "banktransferid",
}


class Lookup:
    """Selects the records a filtered list GET may return, in the books' order (one per `AccountingApi`)."""

    def __init__(self, books: Books) -> None:
        self.books = books
        self._positions: dict[
            int, tuple[int, dict[str, int]]
        ] = {}  # id(table) -> (records seen, key -> place)

    def select(self, resource: str, table: Mapping[str, Any], keys: Keys) -> list[Any] | None:
        """The records of `table` that can hold the values `keys` pins, in table order; None when `keys` pins no
        field the resource can be narrowed on (every record may match)."""
        attributes = ATTRIBUTES.get(resource, {})
        pinned = {path: values for path, values in keys.items() if path in attributes}
        if not pinned:
            return None
        found = self._by_key(resource, table, pinned)
        if found is None:  # no key to look up: compare the first pinned attribute of every record, unrendered
            path, values = next(iter(pinned.items()))
            found = [r for r in table.values() if attributes[path](r) in values]
        return [r for r in self._in_order(table, found) if _holds(attributes, pinned, r)]

    def _by_key(self, resource: str, table: Mapping[str, Any], pinned: Keys) -> list[Any] | None:
        own = OWN_ID.get(resource, "")
        if own in pinned:
            return [table[i] for i in pinned[own] if i in table]
        for path, credit in (("invoice.invoiceid", False), ("creditnote.creditnoteid", True)):
            if resource == "payments" and path in pinned:
                documents: Iterable[Document | None] = (self.books.documents.get(i) for i in pinned[path])
                payments: list[Payment] = [
                    self.books.payments[p]
                    for d in documents
                    if d is not None and d.is_credit == credit
                    for p in d.payment_ids
                ]
                return payments
        return None

    def _in_order(self, table: Mapping[str, Any], found: list[Any]) -> list[Any]:
        """`found` in the order `table` holds them. Tables only grow (records are never removed, only marked), so
        the places of the keys already seen stay right and only new ones are added."""
        seen, places = self._positions.get(id(table), (0, {}))
        if len(table) < seen:  # a table replaced by a smaller one: start again
            seen, places = 0, {}
        for place, key in enumerate(islice(table, seen, None), start=seen):
            places[key] = place
        self._positions[id(table)] = (len(table), places)
        unique = {id(r): r for r in found}.values()
        return sorted(unique, key=lambda r: places[r.id])


def _holds(attributes: Mapping[str, Callable[[Any], str | None]], pinned: Keys, record: Any) -> bool:
    return all(attributes[path](record) in values for path, values in pinned.items())


def listed_ids(values: Iterable[str]) -> frozenset[str]:
    """An `IDs` list parameter as pinned values (lower case)."""
    return frozenset(v.lower() for v in values if v)

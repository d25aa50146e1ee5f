"""The sandbox's accounting API below `/api.xro/2.0`: routes, list filters, and the write endpoints.

Resource names (and `History`) match case-insensitively, as Xero's paths do (`/Invoices` and `/invoices` alike;
the official SDKs and Xero's own docs use both casings). GETs filter with the list parameters the spec declares for
each resource (`IDs`, `InvoiceNumbers`, `ContactIDs`, `Statuses`, `includeArchived`), then `where`, then the
`If-Modified-Since` header, then `order`, then page (`query.modified_since`, `query.ordered`).

Line details. A multi-invoice `GET /Invoices` answers every invoice with `"LineItems": []` unless it asks for a
`page` or filters by `IDs`, `InvoiceNumbers` or `Statuses`; a GET of one invoice by id or number always has its
lines. Sources: Xero's Invoices page, "When you retrieve multiple invoices, only a summary of the contact is
returned and no line details are returned … The line item details will be returned when you retrieve an
individual invoice, either by specifying Invoice ID or Invoice Number or by using the optional paging parameter"
(quoted in calcinai/xero-php #253 and XeroAPI/xero-node #200); spec `getInvoices` `page`, "Up to 100 invoices will
be returned in a single API call with line items shown for each invoice"; XeroAPI/xero-ruby #9 (Xero staff:
without pagination "it will return empty array as line items"); XeroAPI/Xero-NetStandard #199 (lines returned
with the `Statuses` parameter, not with the same statuses in `where`); issue 12 ("Reads") for `IDs` and
`InvoiceNumbers`. `ContactIDs` alone does not bring lines back (no source says it does: the stricter reading).
Credit notes likewise: lines only with `page` (spec `getCreditNotes` `page`, "Up to 100 credit notes will be
returned in a single API call with line items shown for each credit note") or by id; their `Allocations` always.

History. `GET /{Endpoint}/{id}/History` answers `{"HistoryRecords": [...]}` (spec `getInvoiceHistory` and the
other `…History` operations; `history`).

Edits. `POST /Invoices/{id}` (spec `updateInvoice`) or `POST /CreditNotes/{id}` (`updateCreditNote`) changes a
document's status or edits its lines, dates, contact and reference (`edits`).

Reports. `GET /Reports/BalanceSheet` and `GET /Reports/TrialBalance` (spec `getReportBalanceSheet`,
`getReportTrialBalance`) answer `{"Reports": [...]}` summed from the books' ledger (`reports`, `ledger`); any other
report is not served (404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sandboxes.xero import banking as xero_banking
from sandboxes.xero import contacts as xero_contacts
from sandboxes.xero import documents as xero_documents
from sandboxes.xero import edits, feed, history, render, reports
from sandboxes.xero import journals as xero_journals
from sandboxes.xero import messages as msg
from sandboxes.xero import payments as xero_payments
from sandboxes.xero.books import Books, Document
from sandboxes.xero.lookup import OWN_ID, Lookup
from sandboxes.xero.query import Keys, inefficient, modified_since, ordered, page, where_plan
from sandboxes.xero.rules import Check, Context
from sandboxes.xero.writes import Kind, answer, batch, elements_of, envelope, single
from sandboxes.xero.wsgi import HttpError, Request, Response, json_response


def _render_document(books: Books) -> Callable[[Any], dict[str, Any]]:
    def rendered(document: Document) -> dict[str, Any]:
        payments = [books.payments[p] for p in document.payment_ids]
        allocations = [books.allocations[a] for a in document.allocation_ids]
        return render.document(document, payments, allocations)

    return rendered


# The list parameters after which Xero lists invoices with their lines (see the module docstring).
DETAILED_BY = ("page", "IDs", "InvoiceNumbers", "Statuses")
HISTORY_OF = {
    "invoices": "Invoices",
    "creditnotes": "CreditNotes",
    "payments": "Payments",
    "banktransactions": "BankTransactions",
    "banktransfers": "BankTransfers",
    "manualjournals": "ManualJournals",
    "contacts": "Contacts",
}


def _pinned(keys: Keys, field: str, ids: set[str]) -> Keys:
    """`keys` with an `IDs` list parameter added as a pin on the resource's own id (both must hold)."""
    if not ids:
        return keys
    values = frozenset(ids)
    return {**keys, field: keys[field] & values if field in keys else values}


def _summarised(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "LineItems": []}


def _recorded(create: Callable[[Context, dict[str, Any]], tuple[Any, Check]]) -> Any:
    """`create`, keeping a "Created" history record for what it saves (documents and payments keep their own)."""

    def created(ctx: Context, raw: dict[str, Any]) -> tuple[Any, Check]:
        record, check = create(ctx, raw)
        if record is not None and not check.errors:
            history.record(ctx.books, record.id, "Created", ctx.now, "Created through the API.")
        return record, check

    return created


def _not_found() -> HttpError:
    # Plain text, not JSON (XeroAPI/Xero-OpenAPI #163).
    return HttpError(404, msg.NOT_FOUND_TEXT)


class AccountingApi:
    """Handles one request below the API root against `books` (the caller holds the books' lock)."""

    def __init__(self, books: Books) -> None:
        self.books = books
        self.high_volume = False  # see `query.inefficient`
        self.lookup = Lookup(books)
        document = _render_document(books)
        self.kinds = {
            "invoices": Kind("Invoices", "InvoiceID", "HasErrors", self._create_invoice, document),
            "creditnotes": Kind(
                "CreditNotes", "CreditNoteID", "HasErrors", self._create_credit_note, document
            ),
            "payments": Kind(
                "Payments", "PaymentID", "HasValidationErrors", xero_payments.create, render.payment
            ),
            "banktransactions": Kind(
                "BankTransactions",
                "BankTransactionID",
                None,
                _recorded(xero_banking.create_transaction),
                render.bank_transaction,
            ),
            "banktransfers": Kind(
                "BankTransfers",
                "BankTransferID",
                None,
                _recorded(xero_banking.create_transfer),
                render.bank_transfer,
                True,
            ),
            "manualjournals": Kind(
                "ManualJournals",
                "ManualJournalID",
                None,
                _recorded(xero_journals.create),
                render.manual_journal,
            ),
            "contacts": Kind(
                "Contacts",
                "ContactID",
                "HasValidationErrors",
                _recorded(xero_contacts.create),
                render.contact,
            ),
        }
        self.allocations = Kind("Allocations", "AllocationID", None, None, render.allocation)

    def handle(self, ctx: Context, request: Request, parts: list[str]) -> Response:
        """Answer one request; `parts` is the path below the API root, split on `/`."""
        resource = parts[0].lower() if parts else ""
        rest = parts[1:]
        if self.books.bank_feed:  # the feed is matched between requests, never inside the answer to a write
            feed.match_all(ctx)
        if request.method == "GET":
            return self._get(ctx, request, resource, rest)
        kind = self.kinds.get(resource)
        if kind is None:
            raise HttpError(
                405 if resource in ("organisation", "accounts", "taxrates", "currencies") else 404,
                {"Detail": "Not supported"},
            )
        if request.method in ("PUT", "POST") and not rest:
            return batch(ctx, request, kind, self._upsert(kind) if request.method == "POST" else None)
        if resource == "creditnotes" and len(rest) >= 2 and rest[1].lower() == "allocations":
            return self._allocations(ctx, request, rest)
        if request.method == "POST" and len(rest) == 1:
            return self._update_one(ctx, request, kind, rest[0])
        raise HttpError(405, {"Detail": f"{request.method} is not supported here"})

    # Reads -----------------------------------------------------------------------------------------------------

    def records(
        self, request: Request, resource: str, *, one: bool, keys: Keys | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        """The wrapper key and rendered records of `resource` after its list parameters (`one`: a GET by id).
        `keys` (a `where`'s pinned id fields) leaves unrendered the records that cannot match it (`lookup`)."""
        books = self.books
        keys = dict(keys or {})
        if resource == "organisation":
            return "Organisations", [render.organisation(books.organisation)]
        if resource == "accounts":
            return "Accounts", [render.account(a) for a in books.accounts.values()]
        if resource == "taxrates":
            return "TaxRates", [render.tax_rate(t) for t in books.tax_rates.values()]
        if resource == "currencies":  # the organisation's enabled currencies (spec `GET /Currencies`)
            return "Currencies", [{"Code": c, "Description": d} for c, d in books.currencies.items()]
        if resource == "contacts":
            ids = {i.lower() for i in request.listed("IDs")}
            archived = one or request.flag("includeArchived") or bool(ids)
            contacts = [
                c
                for c in self._pool(resource, books.contacts, _pinned(keys, "contactid", ids))
                if (archived or c.status != "ARCHIVED") and (not ids or c.id in ids)
            ]
            rendered = [render.contact(c) for c in contacts]
            if (
                not one and request.param("page") is None
            ):  # spec `Contact.MergedToContactID`: paged or by id only
                rendered = [{k: v for k, v in r.items() if k != "MergedToContactID"} for r in rendered]
            return "Contacts", rendered
        if resource in ("invoices", "creditnotes"):
            return self._document_records(request, credit=resource == "creditnotes", one=one, keys=keys)
        if resource == "payments":
            return "Payments", [render.payment(p) for p in self._pool(resource, books.payments, keys)]
        if resource == "banktransactions":
            found = self._pool(resource, books.bank_transactions, keys)
            return "BankTransactions", [render.bank_transaction(t) for t in found]
        if resource == "banktransfers":  # deleted ones only by id or asked for (spec `includeDeleted`)
            deleted = one or request.flag("includeDeleted")
            transfers = [
                t
                for t in self._pool(resource, books.bank_transfers, keys)
                if deleted or t.status != "DELETED"
            ]
            return "BankTransfers", [render.bank_transfer(t) for t in transfers]
        if resource == "manualjournals":
            return "ManualJournals", [render.manual_journal(j) for j in books.journals.values()]
        raise _not_found()

    def _pool(self, resource: str, table: Mapping[str, Any], keys: Keys) -> Iterable[Any]:
        """The records of `table` that may match `keys`, in the books' order (all of them when nothing is pinned)."""
        found = self.lookup.select(resource, table, keys)
        return table.values() if found is None else found

    def _document_records(
        self, request: Request, *, credit: bool, one: bool, keys: Keys
    ) -> tuple[str, list[dict[str, Any]]]:
        resource = "creditnotes" if credit else "invoices"
        if not credit:
            ids = {i.lower() for i in request.listed("IDs")}
            keys = _pinned(keys, "invoiceid", ids)
        documents = [d for d in self._pool(resource, self.books.documents, keys) if d.is_credit == credit]
        if not credit:
            numbers = set(request.listed("InvoiceNumbers"))
            contacts = {i.lower() for i in request.listed("ContactIDs")}
            statuses = {s.upper() for s in request.listed("Statuses")}
            documents = [
                d
                for d in documents
                if (not ids or d.id in ids)
                and (not numbers or d.number in numbers)
                and (not contacts or d.contact.id in contacts)
                and (not statuses or d.status in statuses)
            ]
        rendered = _render_document(self.books)
        records = [rendered(d) for d in documents]
        detailed_by = ("page",) if credit else DETAILED_BY  # only `page` is documented for credit notes
        if not one and not any(request.param(p) is not None for p in detailed_by):
            records = [_summarised(r) for r in records]
        return ("CreditNotes" if credit else "Invoices"), records

    def _get(self, ctx: Context, request: Request, resource: str, rest: list[str]) -> Response:
        if self.high_volume and not rest and (refusal := inefficient(resource, request)):
            return Response(400, refusal.encode(), [("Content-Type", "text/plain; charset=utf-8")])
        if len(rest) == 2 and rest[1].lower() == "history" and resource in HISTORY_OF:
            return self._history(ctx, request, resource, rest[0])
        if resource == "reports":
            found = reports.report(self.books, request, ctx, rest[0]) if len(rest) == 1 else None
            if found is None:
                raise _not_found()
            return json_response(200, envelope(ctx, "Reports", [found]))
        if len(rest) > 1:
            raise _not_found()
        if rest:
            key, records = self.records(request, resource, one=True)
            wanted = rest[0].lower()
            id_field = {
                "Invoices": "InvoiceNumber",
                "CreditNotes": "CreditNoteNumber",
                "Contacts": "ContactNumber",
            }
            records = [
                r
                for r in records
                if any(
                    str(v).lower() == wanted for k, v in r.items() if k.endswith("ID") and isinstance(v, str)
                )
                or (key in id_field and str(r.get(id_field[key], "")).lower() == wanted)
            ][:1]
            if not records:
                raise _not_found()
            return json_response(200, envelope(ctx, key, records))
        try:
            matches, keys = where_plan(request.param("where"))
        except HttpError as refused:  # an unknown resource is answered first, as when every record was read
            self.records(request, resource, one=False)
            raise refused from None
        key, records = self.records(request, resource, one=False, keys=keys)
        records = [r for r in records if matches(r)]
        records = ordered(
            modified_since(records, request.headers.get("if-modified-since")), request.param("order")
        )
        shown, pagination = page(records, request)
        extra = {"pagination": pagination} if pagination else {}
        return json_response(200, envelope(ctx, key, shown, **extra))

    def _history(self, ctx: Context, request: Request, resource: str, record_id: str) -> Response:
        own = {OWN_ID[resource]: frozenset({record_id.lower()})} if resource in OWN_ID else {}
        key, records = self.records(request, resource, one=True, keys=own)
        id_field = key.removesuffix("s") + "ID"
        if not any(str(r.get(id_field, "")).lower() == record_id.lower() for r in records):
            raise _not_found()
        return json_response(200, envelope(ctx, "HistoryRecords", history.rendered(self.books, record_id)))

    # Writes ----------------------------------------------------------------------------------------------------

    def _create_invoice(self, ctx: Context, raw: dict[str, Any]) -> tuple[Any, Check]:
        return xero_documents.create(ctx, raw, credit=False)

    def _create_credit_note(self, ctx: Context, raw: dict[str, Any]) -> tuple[Any, Check]:
        return xero_documents.create(ctx, raw, credit=True)

    def _upsert(self, kind: Kind) -> Callable[[Context, dict[str, Any]], tuple[Any, Check]]:
        """POST: an element naming an id changes that record; a sales invoice (ACCREC) naming the number of an
        existing one, without an id, changes that invoice rather than being refused (freakboy3742/pyxero #328);
        anything else is created, as with PUT."""

        def upsert(ctx: Context, raw: dict[str, Any]) -> tuple[Any, Check]:
            if raw.get(kind.id_field):
                record = self._find(kind, str(raw[kind.id_field]))
                if record is None:
                    check = Check()
                    check.fail(msg.DOCUMENT_NOT_FOUND)
                    return None, check
                return self._change(ctx, kind, record, raw)
            same_number = self._sales_invoice_numbered(kind, raw)
            if same_number is not None:
                return self._change(ctx, kind, same_number, {**raw, kind.id_field: same_number.id})
            assert kind.create is not None
            return kind.create(ctx, raw)

        return upsert

    def _sales_invoice_numbered(self, kind: Kind, raw: dict[str, Any]) -> Document | None:
        if kind.key != "Invoices" or not raw.get("InvoiceNumber") or raw.get("Type", "ACCREC") != "ACCREC":
            return None
        return self.books.document_by_number(str(raw["InvoiceNumber"]), credit=False, type_="ACCREC")

    def _find(self, kind: Kind, record_id: str) -> Any:
        tables: dict[str, dict[str, Any]] = {
            "Invoices": {k: v for k, v in self.books.documents.items() if not v.is_credit},
            "CreditNotes": {k: v for k, v in self.books.documents.items() if v.is_credit},
            "Payments": self.books.payments,
        }
        return tables.get(kind.key, {}).get(record_id.lower())

    def _change(self, ctx: Context, kind: Kind, record: Any, raw: dict[str, Any]) -> tuple[Any, Check]:
        if kind.key != "Payments" and edits.is_edit(raw, record):
            check = edits.edit(ctx, record, raw)
            return (None if check.errors else record), check
        status = str(raw.get("Status") or "")
        named = {"InvoiceNumber"} if raw.get("InvoiceNumber") == getattr(record, "number", None) else set()
        if set(raw) - {kind.id_field, "Status", "Type", *named} or not status:
            check = Check()
            check.fail(msg.ONLY_STATUS_CHANGES)
            return None, check
        if kind.key == "Payments":
            check = (
                xero_payments.delete(ctx, record)
                if status.upper() == "DELETED"
                else Check([msg.ONLY_STATUS_CHANGES])
            )
        else:
            check = xero_documents.change_status(ctx, record, status)
        return (None if check.errors else record), check

    def _update_one(self, ctx: Context, request: Request, kind: Kind, record_id: str) -> Response:
        record = self._find(kind, record_id)
        if record is None:
            raise _not_found()
        elements = elements_of(request, kind.key)
        raw = {**(elements[0] if elements else {}), kind.id_field: record.id}
        updated, check = self._change(ctx, kind, record, raw)
        return single(ctx, kind, raw, updated, check)

    def _allocations(self, ctx: Context, request: Request, rest: list[str]) -> Response:
        credit_note = self.books.documents.get(rest[0].lower())
        if credit_note is None or not credit_note.is_credit:
            raise _not_found()
        if request.method == "PUT" and len(rest) == 2:
            outcomes = []
            for raw in elements_of(request, "Allocations"):
                allocation, check = xero_documents.allocate(ctx, credit_note, raw)
                outcomes.append((raw, allocation, check))
            return answer(ctx, request, self.allocations, outcomes)
        if request.method == "DELETE" and len(rest) == 3:
            allocation = self.books.allocations.get(rest[2].lower())
            if allocation is None or allocation.credit_note is not credit_note:
                raise _not_found()
            check = xero_documents.remove_allocation(ctx, allocation)
            if check.errors:
                return single(ctx, self.allocations, {"AllocationID": allocation.id}, None, check)
            return json_response(200, render.allocation(allocation))
        raise HttpError(405, {"Detail": f"{request.method} is not supported here"})

"""`ActionstepClient`: what the sync engine reads from Actionstep.

Reference data comes back as lists and maps of domain objects; documents come back lazily, one page in memory at a
time, as domain documents or `MalformedDocument`s (see `translate`). Resource names and fields are in `resources`;
the envelope in `envelope`; retries and error translation in `requester`; keyed listings (by modification or by
date) in `listing`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar

import httpx

from integration.actionstep import reference
from integration.actionstep.envelope import Linked, Page, Params, Record, pages, parse_page
from integration.actionstep.listing import changed_since, dated_between
from integration.actionstep.requester import ActionstepRequester, ActionstepRetryPolicy
from integration.actionstep.resources import (
    ACCOUNTS,
    CONTACTS,
    ID,
    MATTERS,
    MAX_PAGE_SIZE,
    MODIFIED,
    SETTINGS,
    SOURCES,
    TAX_CODES,
    TIMEKEEPERS,
    DocumentSource,
    ReferenceSource,
)
from integration.actionstep.translate import Translator
from integration.clock import Clock
from integration.domain import (
    Account,
    AccountingBasis,
    Contact,
    Document,
    DocumentKind,
    MalformedDocument,
    Matter,
    TaxCode,
    Timekeeper,
)
from integration.errors import Malformed, Rejected

log = logging.getLogger(__name__)
REMOTE = "actionstep"
IDS_PER_REQUEST = 100
T = TypeVar("T")
Item = Document | MalformedDocument


class ActionstepClient:
    """Reads one Actionstep org.

    `http` sends the requests (tests give it `httpx.WSGITransport(app=sandbox)`); `auth` adds the bearer token
    (`auth.ActionstepAuth`); `api_base` is the REST base, `<scheme>://<host>/api/rest` (`auth.rest_base`); `clock`
    paces retries. `api_calls` counts the requests sent."""

    def __init__(
        self,
        http: httpx.Client,
        auth: httpx.Auth | None,
        api_base: str,
        clock: Clock,
        *,
        page_size: int = MAX_PAGE_SIZE,
        retry: ActionstepRetryPolicy | None = None,
        web_base: str | None = None,
    ) -> None:
        self._base = api_base.rstrip("/")
        self._web_base = web_base or self._base.removesuffix("/api/rest")
        self._requester = ActionstepRequester(http, auth, clock, retry or ActionstepRetryPolicy())
        self._page_size = max(1, min(page_size, MAX_PAGE_SIZE))

    @property
    def api_calls(self) -> int:
        return self._requester.calls

    # Reference data

    def accounting_basis(self) -> AccountingBasis:
        """Accrual or Cash, as set in Actionstep's accounting settings."""
        for record, linked in self._records(SETTINGS):
            try:
                return reference.accounting_basis(record, linked)
            except Malformed as problem:
                raise Rejected(
                    REMOTE, f"Actionstep's accounting settings cannot be read: {problem}."
                ) from None
        raise Rejected(REMOTE, "Actionstep returned no accounting settings.")

    def accounts(self) -> list[Account]:
        return self._read_all(ACCOUNTS, reference.account)

    def timekeepers(self) -> list[Timekeeper]:
        return self._read_all(TIMEKEEPERS, reference.timekeeper)

    def tax_codes(self) -> list[TaxCode]:
        """Tax codes with the Xero tax types Actionstep keeps for them (externalOutput / externalInput)."""
        return [code for _, code in self._read_all(TAX_CODES, reference.tax_code)]

    def contacts(self, ids: Iterable[str]) -> dict[str, Contact]:
        """The participants with these ids (ids Actionstep does not know are left out)."""
        return {c.id: c for c in self._by_ids(CONTACTS, ids, reference.contact)}

    def matters(self, ids: Iterable[str]) -> dict[str, Matter]:
        """The matters (actions) with these ids (ids Actionstep does not know are left out)."""
        return {m.id: m for m in self._by_ids(MATTERS, ids, reference.matter)}

    # Documents

    def documents(self, kind: DocumentKind, modified_since: datetime | None) -> Iterator[Item]:
        """Approved documents of `kind` modified at or after `modified_since` (None: all), lazily, in modification
        order, each once; a record that cannot be read comes as a `MalformedDocument` and the listing goes on."""
        source = SOURCES[kind]
        translator = self.translator()
        url = f"{self._base}/{source.resource}"
        params = {**source.filters, "sort": f"{MODIFIED},{ID}", "pageSize": str(self._page_size)}
        if source.includes:
            params["include"] = ",".join(source.includes)

        def fetch(extra: dict[str, str]) -> Page:
            return parse_page(self._requester.get(url, {**params, **extra}), source.resource)

        with _unconfirmed_named(source):
            for record, linked in changed_since(fetch, modified_since, source.resource):
                yield translator.document(source, record, linked)

    def documents_dated(self, kind: DocumentKind, start: date | None, end: date) -> Iterator[Item]:
        """Approved documents of `kind` dated from `start` (None: the beginning) to `end` inclusive, lazily, in date
        order, each once; a record that cannot be read comes as a `MalformedDocument` and the listing goes on.

        Filtered on the kind's own date field (`invoiceDate` on bills, `date` elsewhere: `resources`) with
        Actionstep's documented `<field>_gteq=` / `_lteq=` filters, the same approved-status filters and includes
        as `documents()`, in pages of Actionstep's largest size."""
        source = SOURCES[kind]
        date_field = source.fields["date"]
        translator = self.translator()
        url = f"{self._base}/{source.resource}"
        params = {
            **source.filters,
            f"{date_field}_lteq": end.isoformat(),
            "sort": f"{date_field},{ID}",
            "pageSize": str(self._page_size),
        }
        if source.includes:
            params["include"] = ",".join(source.includes)

        def fetch(extra: dict[str, str]) -> Page:
            return parse_page(self._requester.get(url, {**params, **extra}), source.resource)

        with _unconfirmed_named(source):
            for record, linked in dated_between(fetch, date_field, start, source.resource):
                yield translator.document(source, record, linked)

    def documents_by_id(self, kind: DocumentKind, ids: Iterable[str]) -> Iterator[Item]:
        """The approved documents of `kind` with these ids, read again by id (up to `IDS_PER_REQUEST` a request), in
        the order asked; one that is gone or no longer approved (or no longer of this kind) is left out."""
        wanted = list(dict.fromkeys(str(i) for i in ids if i))
        if not wanted:
            return
        source = SOURCES[kind]
        translator = self.translator()
        params = {"include": ",".join(source.includes)} if source.includes else {}
        with _unconfirmed_named(source):
            for record, linked in self._id_pages(source.resource, wanted, params):
                if _is_current(source, record):
                    yield translator.document(source, record, linked)

    # Plumbing

    def translator(self) -> Translator:
        """A translator for documents, with Actionstep's tax codes as they are now."""
        codes = dict(self._read_all(TAX_CODES, reference.tax_code))
        return Translator({i: code.code for i, code in codes.items()}, self._web_base)

    def _records(
        self, source: ReferenceSource, params: Params | None = None
    ) -> Iterator[tuple[Record, Linked]]:
        query = {"pageSize": str(MAX_PAGE_SIZE), **(params or {})}
        if source.include:
            query["include"] = ",".join(source.include)
        for page in pages(self._requester.get, f"{self._base}/{source.resource}", query, source.resource):
            for record in page.records:
                yield record, page.linked

    def _read_all(self, source: ReferenceSource, read: Callable[[Record, Linked], T]) -> list[T]:
        return list(_readable(source, self._records(source), read))

    def _by_ids(
        self, source: ReferenceSource, ids: Iterable[str], read: Callable[[Record, Linked], T]
    ) -> list[T]:
        params = {"include": ",".join(source.include)} if source.include else {}
        return list(_readable(source, self._id_pages(source.resource, ids, params), read))

    def _id_pages(self, resource: str, ids: Iterable[str], params: Params) -> Iterator[tuple[Record, Linked]]:
        unique = list(dict.fromkeys(str(i) for i in ids if i))
        for start in range(0, len(unique), IDS_PER_REQUEST):
            chunk = ",".join(unique[start : start + IDS_PER_REQUEST])
            try:
                found = list(pages(self._requester.get, f"{self._base}/{resource}/{chunk}", params, resource))
            except Rejected as error:
                if error.status == 404:
                    continue  # none of these ids exist
                raise
            for page in found:
                for record in page.records:
                    yield record, page.linked


def _readable(
    source: ReferenceSource, records: Iterable[tuple[Record, Linked]], read: Callable[[Record, Linked], T]
) -> Iterator[T]:
    for record, linked in records:
        try:
            yield read(record, linked)
        except Malformed as problem:
            log.warning("Skipped unreadable %s record %s: %s", source.resource, record.get(ID), problem)


def _is_current(source: DocumentSource, record: Record) -> bool:
    """Approved and of this kind (its fixed filters hold), as a listing would have selected it."""
    if record.get("status") not in source.approved:
        return False
    return all(str(record.get(field)) == value for field, value in source.where.items())


@contextmanager
def _unconfirmed_named(source: DocumentSource) -> Iterator[None]:
    """Turns a 404 on a resource whose name is unconfirmed into a message that says where to correct it."""
    try:
        yield
    except Rejected as error:
        if error.status != 404 or source.confirmed:
            raise
        raise Rejected(
            REMOTE,
            f"Actionstep has no '{source.resource}' resource for {source.kind.label}s. Its name is not published "
            "by Actionstep: confirm it against this firm's API and correct integration/actionstep/resources.py.",
            status=404,
        ) from error

"""`ActionstepGatewayAdapter`: the Actionstep gateway of `integration.ports` over the real `ActionstepClient`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from integration.actionstep.client import ActionstepClient
from integration.adapters.lazy import Lazy
from integration.domain import (
    AccountingBasis,
    Contact,
    Document,
    DocumentKind,
    MalformedDocument,
    Matter,
    SourceBooks,
)


class ActionstepGatewayAdapter:
    """`ActionstepGateway` over an `ActionstepClient`."""

    def __init__(self, client: ActionstepClient | Lazy[ActionstepClient]) -> None:
        self._client = client if isinstance(client, Lazy) else Lazy(lambda: client)

    @property
    def client(self) -> ActionstepClient:
        return self._client.get()

    @property
    def api_calls(self) -> int:
        return self.client.api_calls if self._client.built else 0

    def accounting_basis(self) -> AccountingBasis:
        return self.client.accounting_basis()

    def books(self) -> SourceBooks:
        client = self.client
        return SourceBooks(
            accounts={a.id: a for a in client.accounts()},
            timekeepers={t.id: t for t in client.timekeepers()},
            tax_codes={t.code: t for t in client.tax_codes()},
        )

    def contacts(self, ids: Iterable[str]) -> dict[str, Contact]:
        return self.client.contacts(ids)

    def matters(self, ids: Iterable[str]) -> dict[str, Matter]:
        return self.client.matters(ids)

    def documents(self, kind: DocumentKind, since: datetime | None) -> Iterator[Document | MalformedDocument]:
        return self.client.documents(kind, since)

    def documents_by_id(
        self, kind: DocumentKind, ids: Iterable[str]
    ) -> Iterator[Document | MalformedDocument]:
        return self.client.documents_by_id(kind, ids)

    def documents_dated(
        self, kind: DocumentKind, start: date | None, end: date
    ) -> Iterator[Document | MalformedDocument]:
        return self.client.documents_dated(kind, start, end)

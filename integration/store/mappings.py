"""Account mappings: Actionstep accounts, timekeepers, tax codes and roles -> Xero codes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from integration.domain import Mapping, MappingKind
from integration.store.tables import AccountMappingRow
from integration.store.types import utcnow


def _to_mapping(row: AccountMappingRow) -> Mapping:
    return Mapping(
        kind=MappingKind(row.kind),
        source_id=row.source_id,
        xero_account=row.xero_account,
        source_name=row.source_name,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


class MappingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> list[Mapping]:
        rows = self._session.scalars(
            select(AccountMappingRow).order_by(AccountMappingRow.kind, AccountMappingRow.source_id)
        )
        return [_to_mapping(row) for row in rows]

    def get(self, kind: MappingKind, source_id: str) -> Mapping | None:
        row = self._find(kind, source_id)
        return _to_mapping(row) if row else None

    def set(self, mapping: Mapping) -> None:
        """Create or replace the mapping for (kind, source_id)."""
        row = self._find(mapping.kind, mapping.source_id)
        if row is None:
            row = AccountMappingRow(kind=mapping.kind.value, source_id=mapping.source_id)
            self._session.add(row)
        row.xero_account = mapping.xero_account
        row.source_name = mapping.source_name or row.source_name
        row.updated_by = mapping.updated_by
        row.updated_at = utcnow()
        self._session.flush()

    def set_many(self, mappings: Sequence[Mapping]) -> None:
        """Create or replace many mappings at once: the existing rows are read in one query per kind, and every
        change is written in one flush (an import of hundreds of rows)."""
        existing: dict[tuple[str, str], AccountMappingRow] = {}
        by_kind: dict[str, set[str]] = {}
        for mapping in mappings:
            by_kind.setdefault(mapping.kind.value, set()).add(mapping.source_id)
        for kind, ids in by_kind.items():
            for chunk in _chunks(sorted(ids), 500):
                rows = self._session.scalars(
                    select(AccountMappingRow).where(
                        AccountMappingRow.kind == kind, AccountMappingRow.source_id.in_(chunk)
                    )
                )
                existing.update({(row.kind, row.source_id): row for row in rows})
        now = utcnow()
        for mapping in mappings:
            key = (mapping.kind.value, mapping.source_id)
            row = existing.get(key)
            if row is None:
                row = existing[key] = AccountMappingRow(kind=mapping.kind.value, source_id=mapping.source_id)
                self._session.add(row)
            row.xero_account = mapping.xero_account
            row.source_name = mapping.source_name or row.source_name
            row.updated_by = mapping.updated_by
            row.updated_at = now
        self._session.flush()

    def remove(self, kind: MappingKind, source_id: str) -> bool:
        result = self._session.execute(
            delete(AccountMappingRow).where(
                AccountMappingRow.kind == kind.value, AccountMappingRow.source_id == source_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _find(self, kind: MappingKind, source_id: str) -> AccountMappingRow | None:
        return self._session.scalar(
            select(AccountMappingRow).where(
                AccountMappingRow.kind == kind.value, AccountMappingRow.source_id == source_id
            )
        )


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

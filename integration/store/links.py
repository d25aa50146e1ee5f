"""Links: which Xero document each source document became. At most one is LINKED per source document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from integration.domain import AllocationSummary, DocumentKind, LineSummary, Link, LinkState, SourceRef
from integration.errors import AlreadyLinked
from integration.store.tables import LinkRow
from integration.store.types import utcnow


def _lines_json(lines: tuple[LineSummary, ...] | None) -> list[Any] | None:
    """Money as text in JSON, so no float ever holds it."""
    if lines is None:
        return None
    return [[x.account_code, x.tax_type, str(x.amount), str(x.tax), x.description] for x in lines]


def _lines(raw: list[Any] | None) -> tuple[LineSummary, ...] | None:
    if raw is None:
        return None
    return tuple(LineSummary(code, tax_type, Decimal(amount), Decimal(tax), text) for code, tax_type, amount, tax,
                 text in raw)  # fmt: skip


def _allocations_json(allocations: tuple[AllocationSummary, ...] | None) -> list[Any] | None:
    if allocations is None:
        return None
    return [[a.invoice_id, str(a.amount), a.invoice_number] for a in allocations]


def _allocations(raw: list[Any] | None) -> tuple[AllocationSummary, ...] | None:
    if raw is None:
        return None
    return tuple(AllocationSummary(invoice_id, Decimal(amount), number) for invoice_id, amount, number in raw)


def _to_link(row: LinkRow, *, lean: bool = False) -> Link:
    """The link `row` holds; a `lean` one leaves out the posted lines and allocations (None: not loaded)."""
    return Link(
        source=SourceRef(DocumentKind(row.source_kind), row.source_id),
        source_version=row.source_version,
        source_number=row.source_number,
        xero_id=row.xero_id,
        xero_number=row.xero_number,
        xero_type=row.xero_type,
        total=row.total,
        state=LinkState(row.state),
        linked_at=row.linked_at,
        linked_by=row.linked_by,
        unlinked_at=row.unlinked_at,
        unlinked_by=row.unlinked_by,
        voided_in_xero=row.voided_in_xero,
        posted_tax=row.posted_tax,
        posted_date=date.fromisoformat(row.posted_date) if row.posted_date else None,
        posted_contact_id=row.posted_contact_id,
        settles_xero_id=row.settles_xero_id,
        posted_lines=None if lean else _lines(row.posted_lines),
        posted_allocations=None if lean else _allocations(row.posted_allocations),
    )


def _to_row(link: Link) -> LinkRow:
    return LinkRow(
        source_kind=link.source.kind.value,
        source_id=link.source.id,
        source_version=link.source_version,
        source_number=link.source_number,
        xero_type=link.xero_type,
        xero_id=link.xero_id,
        xero_number=link.xero_number,
        total=link.total,
        state=LinkState.LINKED.value,
        linked_at=link.linked_at or utcnow(),
        linked_by=link.linked_by,
        posted_tax=link.posted_tax,
        posted_date=link.posted_date.isoformat() if link.posted_date else None,
        posted_contact_id=link.posted_contact_id,
        settles_xero_id=link.settles_xero_id,
        posted_lines=_lines_json(link.posted_lines),
        posted_allocations=_allocations_json(link.posted_allocations),
    )


class LinkRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, link: Link) -> None:
        """Record a new LINKED link; raises `AlreadyLinked` if the source (or Xero document) already has one."""
        try:
            with self._session.begin_nested():
                self._session.add(_to_row(link))
        except IntegrityError:
            raise AlreadyLinked(
                f"{link.source.kind.label} {link.source_number} is already linked to a Xero document."
            ) from None

    def add_many(self, links: Sequence[Link]) -> set[SourceRef]:
        """Record new LINKED links; the sources that already had one (or whose Xero document had), whose links are
        not added. One savepoint for all in the usual case; only when it fails is each tried alone."""
        if not links:
            return set()
        try:
            with self._session.begin_nested():
                self._session.add_all([_to_row(link) for link in links])
            return set()
        except IntegrityError:
            refused = set()
            for link in links:
                try:
                    self.add(link)
                except AlreadyLinked:
                    refused.add(link.source)
            return refused

    def active(self, source: SourceRef) -> Link | None:
        """The document's active link, if it is linked."""
        return self.active_for([source]).get(source)

    def active_for(self, sources: Iterable[SourceRef], *, lean: bool = False) -> dict[SourceRef, Link]:
        """The active links of many documents; `lean` ones without their posted lines and allocations (never
        read from the database), for a reader of totals such as reconciliation."""
        return self._newest(sources, LinkRow.state == LinkState.LINKED.value, lean=lean)

    def latest_for(self, sources: Iterable[SourceRef]) -> dict[SourceRef, Link]:
        """The newest link (linked or unlinked) of each document that has one."""
        return self._newest(sources)

    def superseded_for(self, sources: Iterable[SourceRef]) -> dict[SourceRef, set[str]]:
        """The Xero ids of every copy each document was posted as and that was unlinked since."""
        wanted = list(sources)
        found: dict[SourceRef, set[str]] = {}
        for start in range(0, len(wanted), 500):
            keys = [(s.kind.value, s.id) for s in wanted[start : start + 500]]
            rows = self._session.execute(
                select(LinkRow.source_kind, LinkRow.source_id, LinkRow.xero_id).where(
                    tuple_(LinkRow.source_kind, LinkRow.source_id).in_(keys),
                    LinkRow.state == LinkState.UNLINKED.value,
                )
            )
            for kind, source_id, xero_id in rows:
                found.setdefault(SourceRef(DocumentKind(kind), source_id), set()).add(xero_id)
        return found

    def _newest(
        self, sources: Iterable[SourceRef], *conditions: ColumnElement[bool], lean: bool = False
    ) -> dict[SourceRef, Link]:
        wanted = list(sources)
        found: dict[SourceRef, Link] = {}
        for start in range(0, len(wanted), 500):  # keeps each IN list well inside every database's limits
            keys = [(s.kind.value, s.id) for s in wanted[start : start + 500]]
            query = select(LinkRow).where(
                tuple_(LinkRow.source_kind, LinkRow.source_id).in_(keys), *conditions
            )
            if lean:
                query = query.options(defer(LinkRow.posted_lines), defer(LinkRow.posted_allocations))
            for row in self._session.scalars(query.order_by(LinkRow.id)):
                link = _to_link(row, lean=lean)
                found[link.source] = link  # ordered by id, so the newest wins
        return found

    def history(self, source: SourceRef) -> list[Link]:
        """Every link the document has had, oldest first."""
        rows = self._session.scalars(
            select(LinkRow)
            .where(LinkRow.source_kind == source.kind.value, LinkRow.source_id == source.id)
            .order_by(LinkRow.id)
        )
        return [_to_link(row) for row in rows]

    def by_number(self, number: str) -> list[Link]:
        """Links whose Actionstep or Xero number is exactly `number` (ignoring case), newest first. An equality of
        lower-cased text, never a pattern: `%` or `_` in what a person typed match only themselves."""
        wanted = number.strip().lower()
        rows = self._session.scalars(
            select(LinkRow)
            .where(
                (func.lower(LinkRow.source_number) == wanted) | (func.lower(LinkRow.xero_number) == wanted)
            )
            .order_by(LinkRow.id.desc())
        )
        return [_to_link(row) for row in rows]

    def active_by_xero_id(self, xero_ids: Iterable[str]) -> dict[str, Link]:
        """The active links of these Xero documents, by Xero id (lower case)."""
        wanted = [x.lower() for x in xero_ids]
        found: dict[str, Link] = {}
        for start in range(0, len(wanted), 500):
            rows = self._session.scalars(
                select(LinkRow).where(
                    func.lower(LinkRow.xero_id).in_(wanted[start : start + 500]),
                    LinkRow.state == LinkState.LINKED.value,
                )
            )
            found.update({row.xero_id.lower(): _to_link(row) for row in rows})
        return found

    def latest_by_xero_id(self, xero_ids: Iterable[str]) -> dict[str, Link]:
        """The newest link of each of these Xero documents, linked or unlinked, by Xero id (lower case)."""
        wanted = [x.lower() for x in xero_ids]
        found: dict[str, Link] = {}
        for start in range(0, len(wanted), 500):
            rows = self._session.scalars(
                select(LinkRow)
                .where(func.lower(LinkRow.xero_id).in_(wanted[start : start + 500]))
                .order_by(LinkRow.id)
            )
            found.update({row.xero_id.lower(): _to_link(row) for row in rows})
        return found

    def posted_until(self, end: date) -> Iterator[tuple[DocumentKind, str, Decimal, Decimal | None]]:
        """(kind, Xero type, total, tax) of every active link posted on or before `end` (by the date posted, or
        the day it was linked for a link made before dates were kept), streamed in batches: what the bot's own
        postings add up to at a period's end."""
        day_after = datetime.combine(end + timedelta(days=1), time(), UTC)
        rows = self._session.execute(
            select(LinkRow.source_kind, LinkRow.xero_type, LinkRow.total, LinkRow.posted_tax)
            .where(
                LinkRow.state == LinkState.LINKED.value,
                ((LinkRow.posted_date.is_not(None)) & (LinkRow.posted_date <= end.isoformat()))
                | ((LinkRow.posted_date.is_(None)) & (LinkRow.linked_at < day_after)),
            )
            .execution_options(yield_per=1000)
        )
        for kind, xero_type, total, tax in rows:
            yield DocumentKind(kind), xero_type, total, tax

    def active_settling(self, xero_ids: Iterable[str]) -> dict[str, list[Link]]:
        """The active links of payments the bot posted against these Xero documents, by document id (lower case)."""
        wanted = [x.lower() for x in xero_ids]
        found: dict[str, list[Link]] = {}
        for start in range(0, len(wanted), 500):
            rows = self._session.scalars(
                select(LinkRow).where(
                    func.lower(LinkRow.settles_xero_id).in_(wanted[start : start + 500]),
                    LinkRow.state == LinkState.LINKED.value,
                )
            )
            for row in rows:
                found.setdefault((row.settles_xero_id or "").lower(), []).append(_to_link(row))
        return found

    def active_by_contact(self, contact_ids: Iterable[str]) -> dict[str, list[Link]]:
        """The active links posted for these Xero contacts, by contact id (lower case)."""
        wanted = [x.lower() for x in contact_ids]
        found: dict[str, list[Link]] = {}
        for start in range(0, len(wanted), 500):
            rows = self._session.scalars(
                select(LinkRow).where(
                    func.lower(LinkRow.posted_contact_id).in_(wanted[start : start + 500]),
                    LinkRow.state == LinkState.LINKED.value,
                )
            )
            for row in rows:
                found.setdefault((row.posted_contact_id or "").lower(), []).append(_to_link(row))
        return found

    def next_active(self, xero_type: str, after: str | None) -> Link | None:
        """The active link of `xero_type` with the smallest Xero id (lower case) after `after`, wrapping round to
        the first when none is after it: one step of a rotating sweep."""
        query = select(LinkRow).where(LinkRow.state == LinkState.LINKED.value, LinkRow.xero_type == xero_type)
        ordered = query.order_by(func.lower(LinkRow.xero_id)).limit(1)
        row = None
        if after is not None:
            row = self._session.scalar(ordered.where(func.lower(LinkRow.xero_id) > after.lower()))
        if row is None:
            row = self._session.scalar(ordered)
        return _to_link(row) if row is not None else None

    def count_active(self) -> int:
        """How many documents are linked now."""
        return int(
            self._session.scalar(select(func.count()).where(LinkRow.state == LinkState.LINKED.value)) or 0
        )

    def linked_numbers(self, kinds: Iterable[DocumentKind]) -> list[str]:
        """The Actionstep numbers of every active link of these kinds, for "did you mean…"."""
        rows = self._session.scalars(
            select(LinkRow.source_number)
            .where(LinkRow.state == LinkState.LINKED.value, LinkRow.source_kind.in_([k.value for k in kinds]))
            .distinct()
        )
        return list(rows)

    def unlink(
        self, source: SourceRef, *, by: str, voided_in_xero: bool, at: datetime | None = None
    ) -> Link | None:
        """Turn the active link into history; returns it, or None when there was none (already unlinked)."""
        row = self._session.scalar(
            select(LinkRow)
            .where(
                LinkRow.source_kind == source.kind.value,
                LinkRow.source_id == source.id,
                LinkRow.state == LinkState.LINKED.value,
            )
            .with_for_update()
        )
        if row is None:
            return None
        row.state = LinkState.UNLINKED.value
        row.unlinked_at = at or utcnow()
        row.unlinked_by = by
        row.voided_in_xero = voided_in_xero
        self._session.flush()
        return _to_link(row)

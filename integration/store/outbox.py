"""The outbox of postings: a row is written before a document is sent, so a crash never loses track of a send."""

from __future__ import annotations

from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.orm import Session

from integration.domain import DocumentKind, Posting, PostingState, SourceRef
from integration.store.tables import PostingRow
from integration.store.types import utcnow


def _to_posting(row: PostingRow) -> Posting:
    return Posting(
        source=SourceRef(DocumentKind(row.source_kind), row.source_id),
        source_version=row.source_version,
        idempotency_key=row.idempotency_key,
        state=PostingState(row.state),
        attempts=row.attempts,
        xero_id=row.xero_id,
        error_code=row.error_code,
        error=row.error,
    )


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _row(self, key: str) -> PostingRow:
        row = self._session.scalar(select(PostingRow).where(PostingRow.idempotency_key == key))
        if row is None:
            raise KeyError(key)
        return row

    def ensure(
        self, source: SourceRef, version: str, number: str, key: str, run_id: int | None = None
    ) -> Posting:
        """The outbox row for this document version, written now if it does not exist yet."""
        row = self._session.scalar(
            select(PostingRow).where(
                PostingRow.source_kind == source.kind.value,
                PostingRow.source_id == source.id,
                PostingRow.source_version == version,
            )
        )
        if row is None:
            row = PostingRow(
                idempotency_key=key,
                source_kind=source.kind.value,
                source_id=source.id,
                source_version=version,
                source_number=number,
                state=PostingState.PENDING.value,
                attempts=0,
                run_id=run_id,
            )
            self._session.add(row)
            self._session.flush()
        return _to_posting(row)

    def ensure_many(
        self, entries: list[tuple[SourceRef, str, str, str]], run_id: int | None = None
    ) -> dict[SourceRef, Posting]:
        """`ensure` for many (source, version, number, key) at once: one query, then inserts for the new ones."""
        wanted = {
            (source.kind.value, source.id, version): (source, number, key)
            for source, version, number, key in entries
        }
        rows: dict[tuple[str, str, str], PostingRow] = {}
        keys = list(wanted)
        for start in range(0, len(keys), 300):
            chunk = keys[start : start + 300]
            query = select(PostingRow).where(
                tuple_(PostingRow.source_kind, PostingRow.source_id, PostingRow.source_version).in_(chunk)
            )
            rows.update(
                {(r.source_kind, r.source_id, r.source_version): r for r in self._session.scalars(query)}
            )
        for triple, (_source, number, key) in wanted.items():
            if triple not in rows:
                rows[triple] = row = PostingRow(
                    idempotency_key=key,
                    source_kind=triple[0],
                    source_id=triple[1],
                    source_version=triple[2],
                    source_number=number,
                    state=PostingState.PENDING.value,
                    attempts=0,
                    run_id=run_id,
                )
                self._session.add(row)
        self._session.flush()
        return {wanted[triple][0]: _to_posting(row) for triple, row in rows.items()}

    def get(self, source: SourceRef, version: str) -> Posting | None:
        row = self._session.scalar(
            select(PostingRow).where(
                PostingRow.source_kind == source.kind.value,
                PostingRow.source_id == source.id,
                PostingRow.source_version == version,
            )
        )
        return _to_posting(row) if row else None

    def mark_sent_many(self, keys: list[str], run_id: int | None = None) -> None:
        """Record that these postings are about to leave: from now on their outcome is uncertain until settled."""
        if keys:
            self._session.execute(
                update(PostingRow)
                .where(PostingRow.idempotency_key.in_(keys))
                .values(
                    state=PostingState.SENT.value,
                    attempts=PostingRow.attempts + 1,
                    sent_at=utcnow(),
                    run_id=run_id,
                )
                .execution_options(synchronize_session=False)
            )

    def settle_many(self, succeeded: dict[str, str], failed: dict[str, tuple[str, str]]) -> None:
        """Record outcomes: `succeeded` maps key -> Xero id, `failed` maps key -> (code, message)."""
        statement = (
            update(PostingRow)
            .where(PostingRow.idempotency_key == bindparam("k"))
            .values(
                state=bindparam("s"), xero_id=bindparam("x"), error_code=bindparam("c"), error=bindparam("e")
            )
            .execution_options(synchronize_session=False)
        )
        rows = [
            {"k": k, "s": PostingState.SUCCEEDED.value, "x": x, "c": None, "e": None}
            for k, x in succeeded.items()
        ]
        rows += [
            {"k": k, "s": PostingState.FAILED.value, "x": None, "c": c, "e": e}
            for k, (c, e) in failed.items()
        ]
        if rows:
            self._session.connection().execute(statement, rows)

    def mark_sent(self, key: str, run_id: int | None = None) -> None:
        row = self._row(key)
        row.state = PostingState.SENT.value
        row.attempts += 1
        row.sent_at = utcnow()
        row.run_id = run_id or row.run_id

    def mark_succeeded(self, key: str, xero_id: str) -> None:
        row = self._row(key)
        row.state, row.xero_id, row.error_code, row.error = PostingState.SUCCEEDED.value, xero_id, None, None

    def mark_failed(self, key: str, code: str, error: str) -> None:
        row = self._row(key)
        row.state, row.error_code, row.error = PostingState.FAILED.value, code, error

    def reopen(self, key: str) -> None:
        """Make a failed posting eligible again (e.g. after its mapping was fixed)."""
        row = self._row(key)
        row.state = PostingState.PENDING.value

    def unsettled(self) -> list[Posting]:
        """Postings whose send may have reached Xero without us hearing the answer."""
        rows = self._session.scalars(
            select(PostingRow).where(PostingRow.state == PostingState.SENT.value).order_by(PostingRow.id)
        )
        return [_to_posting(row) for row in rows]

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

    def ensure_many(
        self, entries: list[tuple[SourceRef, str, str, str]], run_id: int | None = None
    ) -> dict[SourceRef, Posting]:
        """The outbox row of each (source, version, number, key), written now where it does not exist yet; an
        existing row keeps its key and state. One query, then inserts for the new ones."""
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

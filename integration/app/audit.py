"""One event in the audit log: who did what to which target, and whether they were allowed to."""

from __future__ import annotations

from typing import Any

from integration.store import Store


def record(
    store: Store, actor: str, action: str, target: str | None = None, *, allowed: bool = True,
    detail: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    with store.unit_of_work() as uow:
        uow.audit.record(actor, action, target, allowed=allowed, detail=detail)
        uow.commit()

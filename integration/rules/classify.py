"""Decides, before anything is sent, what a sync does with each listed document.

In order: unreadable records fail alone; deposits, withdrawals and journals are skipped by design; a linked
document is locked (already linked, or changed after posting when Actionstep has a newer version); a document dated
inside Xero's lock date waits; a document in a currency Xero's organisation has not enabled waits (Xero would refuse
it: "Organisation is not subscribed to currency …"); a document whose mappings are broken waits; a payment or allocation whose document is
not in Xero yet waits; everything else is sent. Pure: the caller supplies links, the lock date and the mapper.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from integration.domain import Document, Link, MalformedDocument, Outcome, SourceRef
from integration.errors import describe
from integration.rules.mapping import Failure, Mapper, Targets


@dataclass(frozen=True, slots=True)
class Verdict:
    """`outcome` is None when the document should be sent (with `targets`); otherwise why not."""

    outcome: Outcome | None
    targets: Targets | None = None
    code: str | None = None
    message: str | None = None
    failures: tuple[Failure, ...] = ()

    @property
    def send(self) -> bool:
        return self.outcome is None


def _verdict(outcome: Outcome, code: str, message: str, failures: tuple[Failure, ...] = ()) -> Verdict:
    return Verdict(outcome, None, code, message, failures)


def classify(
    item: Document | MalformedDocument,
    *,
    link: Link | None,
    lock_date: date | None,
    mapper: Mapper,
    in_xero: Container[SourceRef],
    currencies: Container[str] | None = None,
) -> Verdict:
    """The fate of one listed document. `in_xero` answers whether a document it depends on is linked;
    `currencies` holds the codes Xero's organisation has enabled (None: not checked)."""
    if isinstance(item, MalformedDocument):
        return _verdict(Outcome.FAILED, "doc.malformed", f"{item.number or item.source}: {item.problem}")
    if not item.kind.pushed:
        return Verdict(
            Outcome.SKIPPED_BY_DESIGN, message=f"{item.kind.label.capitalize()}s are not sent to Xero."
        )
    if link is not None:
        if link.source_version == item.version:
            return Verdict(Outcome.ALREADY_LINKED)
        return _verdict(
            Outcome.CHANGED_AFTER_POSTING,
            "doc.changed_after_posting",
            f"{item.number} changed in Actionstep after it was posted to Xero as {link.xero_number or link.xero_id}.",
        )
    if lock_date is not None and item.date <= lock_date:
        return _verdict(
            Outcome.BLOCKED,
            "xero.lock_date",
            f"{item.number} is dated {item.date:%d %b %Y}, on or before Xero's lock date {lock_date:%d %b %Y}.",
        )
    if currencies is not None and item.currency is not None and item.currency.upper() not in currencies:
        return _verdict(
            Outcome.BLOCKED,
            "doc.currency_not_enabled",
            f"{item.number} is in {item.currency.upper()}, a currency the Xero organisation has not enabled.",
        )
    resolution = mapper.resolve(item)
    if resolution.targets is None:
        first = resolution.failures[0]
        return _verdict(Outcome.BLOCKED, first.code, first.message, resolution.failures)
    waiting = [ref for ref in item.depends_on if ref not in in_xero]
    if waiting:
        return _verdict(
            Outcome.BLOCKED,
            "doc.waiting_on_dependency",
            f"{item.number} waits for {', '.join(str(ref) for ref in waiting)} to be in Xero first.",
        )
    return Verdict(None, resolution.targets)


def fix_for(verdict: Verdict) -> str | None:
    """The fix a bookkeeper should apply, from the most specific source available."""
    if verdict.failures:
        return verdict.failures[0].fix
    return describe(verdict.code).fix if verdict.code else None

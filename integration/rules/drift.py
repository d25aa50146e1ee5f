"""Drift rules: compare what Xero now holds of a linked document with what the bot posted; pure, no I/O.

`compare` lists the drifts of one document; `deleted_bot_payments` names the bot's payments a document no longer
lists (deleted in Xero: a webhook names only the document); `describe` words a finding for the alerts channel (what
changed, before → after, who and when, what it breaks in Actionstep) and `facts` gives the same as data for the
alert's row (the daily summary reads them there); `budget_refusal` says whether a pass may spend its share of the
day's Xero calls; `next_cursor` is where an endpoint's next poll starts; `remembered`/`recalled` write and read the
latest pass as the ledger keeps it (one short text), and the `*_to_dict` functions give `xerobot drift --json`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from integration.domain import (
    AllocationSummary,
    Drift,
    DriftFinding,
    DriftKind,
    DriftPass,
    LastDriftPass,
    LineSummary,
    Link,
    ReallocationState,
    RemovedAllocation,
    WebhookCounts,
    XeroRecord,
)

# Xero's daily limit per tenant (developer.xero.com/documentation/guides/oauth2/limits: 5,000 calls a day).
DAY_LIMIT = 5000
DOCUMENT_ENDPOINTS = frozenset({"Invoices", "CreditNotes"})
PAYMENT_ENDPOINTS = frozenset({"Payments"})
# A bot payment deleted in Xero, worded alike whether its own record says so or its document stops listing it.
DELETED_PAYMENT = Drift(DriftKind.PAYMENT_DELETED, "status", "posted", "deleted")


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def compare(
    link: Link,
    record: XeroRecord | None,
    *,
    bot_payment_ids: Collection[str] = (),
    contact_archived: bool = False,
    bot_allocations: Sequence[AllocationSummary] | None = None,
) -> list[Drift]:
    """How Xero's `record` of the linked document differs from what the bot posted (`link`); None when Xero no
    longer has it. `bot_payment_ids` are the Xero ids (lower case) of payments the bot posted; `bot_allocations`
    the credit-note allocations the bot made that should still be there (`bot_allocations` below), None when
    unknown."""
    is_payment = link.settles_xero_id is not None or (
        record is not None and record.endpoint in PAYMENT_ENDPOINTS
    )
    if record is None:
        kind = DriftKind.PAYMENT_DELETED if is_payment else DriftKind.DELETED
        return [Drift(kind, "no longer in Xero")]
    status = (record.status or "").upper()
    if status == "DELETED":
        if is_payment:
            return [DELETED_PAYMENT]
        return [Drift(DriftKind.DELETED, "status", "posted", "deleted")]
    if status == "VOIDED":
        return [Drift(DriftKind.VOIDED, "status", "posted", "voided")]
    drifts = _edits(link, record)
    if record.endpoint in DOCUMENT_ENDPOINTS:
        foreign = [p for p in record.payments if p.payment_id.lower() not in bot_payment_ids]
        if foreign:
            paid = sum((p.amount for p in foreign), Decimal(0))
            whole = record.amount_due is not None and record.amount_due == 0
            drifts.append(
                Drift(
                    DriftKind.PAID_ELSEWHERE,
                    "paid in Xero" if whole else "part-paid in Xero",
                    "unpaid by others",
                    f"{_money(paid)} paid by {len(foreign)} payment(s) the bot did not post",
                )
            )
    if bot_allocations is not None and record.allocations is not None:
        drifts += _allocation_drifts(bot_allocations, record.allocations)
    if contact_archived:
        drifts.append(Drift(DriftKind.CONTACT_ARCHIVED, "contact", "active", "archived"))
    return drifts


def bot_allocations(link: Link, removed: Iterable[RemovedAllocation]) -> tuple[AllocationSummary, ...] | None:
    """The allocations of the linked credit note that the bot made and that should still be in Xero: those it
    posted with the note, less those an unlink took off a voided invoice (`removed_allocations`), plus those it
    applied again to the corrected invoice. One being sent (answer not yet confirmed) is expected nowhere. None
    for a link made before allocations were recorded."""
    if link.posted_allocations is None:
        return None
    expected = list(link.posted_allocations)
    for r in removed:
        if r.credit_note_id.lower() != link.xero_id.lower():
            continue
        taken = next(
            (
                a
                for a in expected
                if a.invoice_id.lower() == r.old_invoice_id.lower() and a.amount == r.amount
            ),
            None,
        )
        if taken is not None:
            expected.remove(taken)
        if r.state is ReallocationState.REAPPLIED and r.invoice_id:
            expected.append(AllocationSummary(r.invoice_id, r.amount, r.invoice_number))
    return tuple(expected)


def _allocation_drifts(
    expected: Sequence[AllocationSummary], found: Sequence[AllocationSummary]
) -> list[Drift]:
    """An allocation the bot made that Xero no longer has, or has for another amount (per invoice)."""
    drifts = []
    for invoice_id in dict.fromkeys(a.invoice_id.lower() for a in expected):
        ours = [a for a in expected if a.invoice_id.lower() == invoice_id]
        theirs = [a for a in found if a.invoice_id.lower() == invoice_id]
        posted = sum((a.amount for a in ours), Decimal(0))
        now = sum((a.amount for a in theirs), Decimal(0))
        if posted == now:
            continue
        number = next((a.invoice_number for a in (*ours, *theirs) if a.invoice_number), None) or invoice_id
        drifts.append(
            Drift(
                DriftKind.ALLOCATION_CHANGED,
                f"credit allocated to {number}",
                _money(posted),
                _money(now) if theirs else "removed",
            )
        )
    return drifts


def _line_words(line: LineSummary) -> str:
    return " ".join(p for p in (line.account_code, line.description, _money(line.amount), line.tax_type) if p)


def _grouped(lines: Iterable[LineSummary]) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """Amount and tax per (account code, tax type): how the bot summarises lines, so a split line is the same."""
    groups: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for line in lines:
        key = (line.account_code.upper(), line.tax_type.upper())
        amount, tax = groups.get(key, (Decimal(0), Decimal(0)))
        groups[key] = (amount + line.amount, tax + line.tax)
    return {k: v for k, v in groups.items() if v != (Decimal(0), Decimal(0))}


def _lines_drift(link: Link, record: XeroRecord) -> Drift | None:
    """The lines, when Xero's differ in account, tax type, amount or tax from those the bot posted (a reworded
    description is not a drift); compared only when both are known."""
    if link.posted_lines is None or record.lines is None:
        return None
    if _grouped(link.posted_lines) == _grouped(record.lines):
        return None
    return Drift(
        DriftKind.EDITED,
        "lines",
        "; ".join(map(_line_words, link.posted_lines)),
        "; ".join(map(_line_words, record.lines)),
    )


def deleted_bot_payments(record: XeroRecord, settling: Iterable[Link]) -> list[Link]:
    """The bot's payments settling `record` (`settling`: their active links) that the document no longer lists:
    deleted in Xero. Xero sends no webhook for a payment, only the document's UPDATE (its AmountPaid and AmountDue
    changed), so this is how a webhook check sees a deleted payment; polling's Payments pass sees it too, as the
    payment's own record (status DELETED), and raises the same alert. A voided or deleted document lists no
    payments (Xero refuses to void one that has any), so it names none."""
    if record.endpoint not in DOCUMENT_ENDPOINTS or (record.status or "").upper() in ("VOIDED", "DELETED"):
        return []
    listed = {p.payment_id.lower() for p in record.payments}
    return [link for link in settling if link.xero_id.lower() not in listed]


def _edits(link: Link, record: XeroRecord) -> list[Drift]:
    found: list[Drift] = []
    if record.total is not None and record.total != link.total:
        found.append(Drift(DriftKind.EDITED, "total", _money(link.total), _money(record.total)))
    if link.posted_tax is not None and record.tax is not None and record.tax != link.posted_tax:
        found.append(Drift(DriftKind.EDITED, "tax", _money(link.posted_tax), _money(record.tax)))
    if link.posted_date is not None and record.date is not None and record.date != link.posted_date:
        found.append(Drift(DriftKind.EDITED, "date", link.posted_date.isoformat(), record.date.isoformat()))
    if (
        link.posted_contact_id
        and record.contact_id
        and record.contact_id.lower() != link.posted_contact_id.lower()
    ):
        found.append(Drift(DriftKind.EDITED, "contact", link.posted_contact_id, record.contact_id))
    if (
        record.endpoint in DOCUMENT_ENDPOINTS
        and link.xero_number
        and record.number
        and record.number != link.xero_number
    ):
        found.append(Drift(DriftKind.EDITED, "number", link.xero_number, record.number))
    if record.endpoint in DOCUMENT_ENDPOINTS and (lines := _lines_drift(link, record)) is not None:
        found.append(lines)
    return found


_BREAKS = {
    DriftKind.DELETED: "Actionstep still shows {source} as posted, but it is not in Xero's books: its payments "
    "will fail and it will not be posted again until it is unlinked.",
    DriftKind.VOIDED: "Actionstep still shows {source} as posted; receipts and payments for it will fail "
    '("Payments can only be made against Authorised documents").',
    DriftKind.PAYMENT_DELETED: "Actionstep says {source} is paid; Xero says the document is owing again, "
    "which shows only at reconciliation.",
    DriftKind.PAID_ELSEWHERE: "The Actionstep receipt for {number} will fail or pay twice: {number} is already "
    "paid in Xero.",
    DriftKind.EDITED: "Xero no longer matches Actionstep for {source}; a receipt for the Actionstep amount may fail "
    '("Payment amount exceeds the amount outstanding") or leave a balance.',
    DriftKind.ALLOCATION_CHANGED: "Actionstep says {source} is applied as posted; in Xero the invoice it credited "
    "owes a different amount, so Actionstep's receipts for it may fail or leave a balance.",
    DriftKind.CONTACT_MERGED: "Xero moved these documents to the contact it kept and archived this one; the next "
    "document for this Actionstep contact will look for the archived one.",
    DriftKind.CONTACT_ARCHIVED: "New documents and payments for this contact will be refused by Xero.",
}


def _changes(finding: DriftFinding) -> str:
    return "; ".join(
        f"{d.what}: {d.before} → {d.after}" if d.before is not None and d.after is not None else d.what
        for d in finding.drifts
    )


def facts(finding: DriftFinding) -> dict[str, str | None]:
    """The finding as data, stored on its alert (`Problem.facts`) for the daily summary: the Xero number, what
    changed, and who and when (ISO 8601, UTC) where Xero's History said."""
    return {
        "number": finding.xero_number or finding.source_number,
        "changes": _changes(finding),
        "who": finding.changed_by,
        "at": finding.changed_at.isoformat() if finding.changed_at else None,
    }


def describe(finding: DriftFinding) -> str:
    """The alert's words: what changed (before → after), who and when, and what it breaks in Actionstep."""
    number = finding.xero_number or finding.source_number
    source = f"{finding.source_label} {finding.source_number}"
    who = ""
    if finding.changed_by or finding.changed_at:
        who = " by " + (finding.changed_by or "someone")
        if finding.changed_at:
            who += f" on {finding.changed_at:%Y-%m-%d %H:%M} UTC"
    breaks = " ".join(
        dict.fromkeys(_BREAKS[d.kind].format(source=source, number=number) for d in finding.drifts)
    )
    return f"{number} ({source}) was changed in Xero{who}: {_changes(finding)}. {breaks}"


def budget_refusal(remaining: int | None, percent: int, *, day_limit: int = DAY_LIMIT) -> str | None:
    """Why a pass must not run now, or None: drift watching may use `percent` of the day's calls, and a pass is
    skipped when fewer calls than that are left today, so it never eats what the syncs need."""
    if percent <= 0:
        return "drift watching has no share of Xero's daily calls (XEROBOT_DRIFT_BUDGET_PERCENT=0)"
    share = day_limit * percent // 100
    if remaining is not None and remaining < share:
        return (
            f"only {remaining} of today's Xero calls are left, below drift watching's share of {share} "
            f"({percent}% of {day_limit})"
        )
    return None


def next_cursor(current: datetime | None, records: Iterable[XeroRecord]) -> datetime | None:
    """Where the endpoint's next poll starts: the newest change seen (Xero returns records changed after it)."""
    moments = [r.updated for r in records if r.updated is not None]
    if current is not None:
        moments.append(current)
    return max(moments) if moments else None


def pass_to_dict(found: DriftPass) -> dict[str, object]:
    """A pass as JSON-ready data (`xerobot drift --json`)."""
    return {
        "complete": found.complete,
        "skipped": found.skipped,
        "error": found.error,
        "examined": found.examined,
        "calls": found.calls,
        "open_alerts": found.open_alerts,
        "findings": [
            {
                "code": f.kind.code,
                "xero_id": f.xero_id,
                "xero_number": f.xero_number,
                "source": str(f.source_ref),
                "source_number": f.source_number,
                "changed_by": f.changed_by,
                "changed_at": f.changed_at.isoformat() if f.changed_at else None,
                "changes": [
                    {"kind": d.kind.value, "what": d.what, "before": d.before, "after": d.after}
                    for d in f.drifts
                ],
                "message": describe(f),
            }
            for f in found.findings
        ],
    }


REMEMBERED_CHARS = 255  # the ledger keeps the latest pass in one cursor value of this size


def remembered(found: DriftPass, at: datetime) -> str:
    """The pass as one short text for the ledger (`recalled` reads it back); a long reason is cut to fit."""
    reason = found.skipped or found.error
    record: dict[str, object] = {
        "at": at.isoformat(),
        "complete": found.complete,
        "calls": found.calls,
        "findings": len(found.findings),
        "examined": found.examined,
        "reason": reason,
    }
    text = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    while len(text) > REMEMBERED_CHARS and reason:
        reason = reason[: max(len(reason) - (len(text) - REMEMBERED_CHARS) - 1, 0)]
        record["reason"] = reason + "…"
        text = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    return text


def recalled(text: str | None) -> LastDriftPass | None:
    """The pass `remembered` wrote, or None when there is none (or it cannot be read: it is only a report)."""
    if not text:
        return None
    try:
        record = json.loads(text)
        return LastDriftPass(
            datetime.fromisoformat(record["at"]),
            bool(record["complete"]),
            record.get("reason") or None,
            int(record["calls"]),
            int(record["findings"]),
            int(record.get("examined") or 0),
        )
    except (ValueError, KeyError, TypeError):
        return None


def last_pass_to_dict(last: LastDriftPass | None) -> dict[str, object] | None:
    """The latest pass as JSON-ready data."""
    if last is None:
        return None
    return {
        "at": last.at.isoformat(),
        "complete": last.complete,
        "reason": last.reason,
        "calls": last.calls,
        "findings": last.findings,
        "examined": last.examined,
    }


def webhooks_to_dict(counts: WebhookCounts) -> dict[str, int]:
    """The webhook events in the ledger as JSON-ready data."""
    return {
        "received": counts.received,
        "checked": counts.checked,
        "not_ours": counts.not_ours,
        "other_tenant": counts.other_tenant,
        "pending": counts.pending,
    }

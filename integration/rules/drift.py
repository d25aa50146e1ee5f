"""Drift rules: compare what Xero now holds of a linked document with what the bot posted; pure, no I/O.

`compare` lists the drifts of one document; `deleted_bot_payments` names the bot's payments a document no longer
lists (deleted in Xero: a webhook names only the document); `describe` words a finding for the alerts channel (what changed, before
→ after, who and when, what it breaks in Actionstep) and `read_back` takes those words apart again for the daily
summary; `budget_refusal` says whether a pass may spend its share of
the day's Xero calls; `next_cursor` is where an endpoint's next poll starts; `remembered`/`recalled` write and read
the latest pass as the ledger keeps it (one short text), and the `*_to_dict` functions give `xerobot drift --json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from integration.domain import (
    Drift,
    DriftFinding,
    DriftKind,
    DriftPass,
    LastDriftPass,
    Link,
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
) -> list[Drift]:
    """How Xero's `record` of the linked document differs from what the bot posted (`link`); None when Xero no
    longer has it. `bot_payment_ids` are the Xero ids (lower case) of payments the bot posted."""
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
    if contact_archived:
        drifts.append(Drift(DriftKind.CONTACT_ARCHIVED, "contact", "active", "archived"))
    return drifts


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
    DriftKind.CONTACT_ARCHIVED: "New documents and payments for this contact will be refused by Xero.",
}


def describe(finding: DriftFinding) -> str:
    """The alert's words: what changed (before → after), who and when, and what it breaks in Actionstep."""
    number = finding.xero_number or finding.source_number
    source = f"{finding.source_label} {finding.source_number}"
    changes = "; ".join(
        f"{d.what}: {d.before} → {d.after}" if d.before is not None and d.after is not None else d.what
        for d in finding.drifts
    )
    who = ""
    if finding.changed_by or finding.changed_at:
        who = " by " + (finding.changed_by or "someone")
        if finding.changed_at:
            who += f" on {finding.changed_at:%Y-%m-%d %H:%M} UTC"
    breaks = " ".join(
        dict.fromkeys(_BREAKS[d.kind].format(source=source, number=number) for d in finding.drifts)
    )
    return f"{number} ({source}) was changed in Xero{who}: {changes}. {breaks}"


# `describe`'s first sentence; the changes end at the first ". " (amounts have no space after their point).
_DESCRIBED = re.compile(
    r"^(?P<number>.+?) \(.*?\) was changed in Xero(?: by (?P<who>.+?))?(?: on (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d UTC))?"
    r": (?P<changes>.+?)\.(?: |$)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class DescribedDrift:
    """A drift alert's words taken apart: the Xero number, what changed, and who and when where Xero said."""

    number: str | None
    changes: str
    who: str | None = None
    at: str | None = None  # "2024-07-01 09:30 UTC", as the alert says it


def read_back(message: str) -> DescribedDrift:
    """What `describe` wrote, in parts; a message it did not write comes back whole as the changes."""
    found = _DESCRIBED.match(message)
    if found is None:
        return DescribedDrift(None, message)
    return DescribedDrift(found["number"], found["changes"], found["who"], found["at"])


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

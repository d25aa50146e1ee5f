"""Pure: a reconciliation as CSV (one row per difference, for the auditor's spreadsheet), as JSON, and its
fingerprint (what a sign-off is bound to: the same differences, balances and checklist give the same one)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from integration.domain import Reconciliation

COLUMNS = (
    "period", "section", "difference", "kind", "number", "date", "actionstep_total", "actionstep_gst",
    "xero_total", "xero_gst", "gap", "reason", "fix", "actionstep_id", "xero_id",
)  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _gap(left: Decimal | None, right: Decimal | None) -> str:
    return "" if left is None or right is None else f"{right - left:.2f}"


def csv_text(rec: Reconciliation) -> str:
    """Every difference of `rec` as one CSV row (documents, unexplained balances, trust findings, overdrawn matters,
    transfers without a bill, parts not answered). Text cells are neutralised against formulas; amounts are plain
    numbers with two decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    period = str(rec.period)

    def row(section: str, difference: str, **cells: str) -> None:
        writer.writerow([period, section, difference, *(cells.get(c, "") for c in COLUMNS[3:])])

    for d in rec.differences:
        row(
            "document", d.gap.label, kind=d.kind.label if d.kind else "", number=_text(d.number),
            date=d.date.isoformat() if d.date else "", actionstep_total=_amount(d.actionstep_total),
            actionstep_gst=_amount(d.actionstep_tax), xero_total=_amount(d.xero_total),
            xero_gst=_amount(d.xero_tax), gap=_gap(d.actionstep_total, d.xero_total), reason=_text(d.reason),
            fix=_text(d.fix), actionstep_id=_text(d.source_id), xero_id=_text(d.xero_id),
        )  # fmt: skip
    for b in rec.balances:
        if b.unexplained:
            named = "; ".join(f"{why}: {amount:.2f}" for why, amount in b.explained)
            row(
                "balance", f"{b.account.label} unexplained", number=_text(b.code), actionstep_total=_amount(b.implied),
                xero_total=_amount(b.xero), gap=_amount(b.unexplained),
                reason=_text(f"Xero's balance less what the bot posted; named: {named or 'nothing'}"),
                fix="Find the entries made in Xero before this period or outside the bot.",
            )  # fmt: skip
    if rec.trust is not None:
        for finding in rec.trust.findings:
            row("trust", "trust three ways", reason=_text(finding), fix="Find the entry that one side lacks.")
        for m in rec.trust.overdrawn:
            row(
                "trust", "overdrawn matter", number=_text(m.name), actionstep_total=_amount(m.balance),
                reason="The matter's trust ledger is below zero.",
                fix="Report the breach and restore the matter's trust money.", actionstep_id=_text(m.matter_id),
            )  # fmt: skip
        for t in rec.trust.unbilled_transfers:
            row(
                "trust", "transfer without a bill", number=_text(t.number), date=t.date.isoformat(),
                actionstep_total=_amount(t.amount), reason=_text(f"No bill on {t.matter} on or before the transfer."),
                fix="Issue the bill the transfer pays, dated on or before it, or return the money to trust.",
            )  # fmt: skip
    for why in rec.incomplete:
        row("incomplete", "not answered", reason=_text(why), fix="Reconcile again when the service answers.")
    return out.getvalue()


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_json(rec: Reconciliation) -> dict[str, Any]:
    """`rec` as JSON-ready data: money as strings with two decimals, the period as `YYYY-MM`, and the verdict."""
    data: dict[str, Any] = _plain(rec)
    data["period"] = str(rec.period)
    data["agrees"] = rec.agrees
    data["ready_to_sign"] = rec.ready_to_sign
    return data


def fingerprint(rec: Reconciliation) -> str:
    """A digest of what a sign-off vouches for: everything but when it ran and how many calls it took."""
    data = as_json(rec)
    for volatile in ("at", "xero_calls", "actionstep_calls"):
        data.pop(volatile, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

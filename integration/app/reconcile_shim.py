"""SHIM until the lead's use case lands: `reconcile_csv` and `reconcile_json` as the interface names them, so the
Slack face and the command line can be built and tested. Delete this module on merge and re-export the lead's."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from integration.domain import Difference, Reconciliation

HEADER = ("period", "gap", "kind", "number", "date", "actionstep_total", "actionstep_gst", "xero_total",
          "xero_gst", "reason", "fix")  # fmt: skip


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _row(rec: Reconciliation, d: Difference) -> list[str]:
    kind = d.kind.value if d.kind else ""
    values = (rec.period, d.gap.value, kind, d.number, d.date, d.actionstep_total, d.actionstep_tax,
              d.xero_total, d.xero_tax, d.reason, d.fix)  # fmt: skip
    return [_cell(v) for v in values]


def reconcile_csv(rec: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_row(rec, d) for d in rec.differences)
    return out.getvalue()


def reconcile_json(rec: Reconciliation) -> dict[str, Any]:
    return {
        "period": str(rec.period),
        "agrees": rec.agrees,
        "incomplete": list(rec.incomplete),
        "differences": [dict(zip(HEADER, _row(rec, d), strict=True)) for d in rec.differences],
    }

"""`xerobot reconcile [--period YYYY-MM] [--json] [--csv FILE]`: one month's Actionstep against Xero, read only.

Prints per kind Actionstep's count, total and GST beside Xero's; every difference with what differs, the number,
both amounts, the reason and the fix; the control accounts' balances; trust three ways; the checklist; and the
period's sign-off. `--json` prints the reconciliation as JSON, `--csv FILE` writes its differences for the auditor.
Exit status 0 when the month agrees, 1 when it differs or is incomplete (never "agrees" then), 2 for a month that
is malformed or has not started (the reason, no traceback) or a CSV file that cannot be written.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.cli_support import console, errors, reports_errors, settings
from bot.settings import load_bot_settings
from bot.views.reconcile import month, verdict
from bot.views.report import KIND_NAMES
from integration.app import ReconcileResult, reconcile_csv, reconcile_json, startup
from integration.domain import PeriodClose, Reconciliation, SignOffState, TrustCheck


@reports_errors
def reconcile(
    period: Annotated[
        str | None, typer.Option("--period", help="The month as YYYY-MM; without it, the month before today.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reconciliation as JSON.")] = False,
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write every difference to this CSV file (for the auditor)."),
    ] = None,
) -> None:
    """Reconcile a month: Actionstep's documents against Xero's, per kind, each difference named with its fix, the
    control accounts' balances and trust three ways. Never writes to Xero. Exit 0 when it agrees, 1 when it does
    not or could not be completed, 2 for a wrong month."""
    if csv_file is not None and not csv_file.parent.is_dir():
        errors.print(f"Cannot write {csv_file}: the folder {csv_file.parent} does not exist.", markup=False)
        raise typer.Exit(2)
    zone = load_bot_settings().timezone
    service = startup.start(settings())
    try:
        reconciling = service.reconciling
        reconciling.timezone = zone  # "last month" is the firm's (XEROBOT_TIMEZONE)
        try:
            chosen = reconciling.parse_period(period) if period is not None else None
        except ValueError as error:
            errors.print(str(error), markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
        result = reconciling.run(chosen)
    finally:
        service.close()
    rec = result.reconciliation
    if as_json:
        console.print_json(json.dumps(reconcile_json(rec), default=str))
    else:
        print_reconciliation(console, result)
    if csv_file is not None:
        try:
            csv_file.write_text(reconcile_csv(rec), encoding="utf-8", newline="")
        except OSError as error:
            errors.print(f"Cannot write {csv_file}: {error.strerror}.", markup=False)
            raise typer.Exit(2) from None
        written = f"Wrote {len(rec.differences):,} difference(s) to {csv_file}."
        (errors if as_json else console).print(written, markup=False, soft_wrap=True)
    raise typer.Exit(0 if rec.agrees else 1)


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def print_reconciliation(out: Console, result: ReconcileResult) -> None:
    """The reconciliation as readable tables; outside text is never read as markup."""
    rec = result.reconciliation
    out.print(Text(f"Month end {month(rec.period)}: {verdict(rec)}", style="bold"), soft_wrap=True)
    out.print(f"Read {rec.at:%d %b %Y %H:%M} UTC. Nothing was written to Xero.", markup=False)
    if rec.tallies:
        out.print(_tallies(rec))
    if rec.differences:
        out.print(_differences(rec))
    else:
        out.print("No differences.", markup=False)
    for hand in rec.hand_entered:
        out.print(f"Entered in Xero by hand: {hand.what}: {hand.count:,} ({hand.total:,.2f})", markup=False)
    if rec.balances:
        out.print(_balances(rec))
    if rec.trust is not None:
        _trust(out, rec.trust)
    if rec.checklist:
        out.print(Text("Checklist", style="bold"))
        for item in rec.checklist:
            detail = f": {item.detail}" if item.detail else ""
            out.print(f"  [{'x' if item.done else ' '}] {item.label}{detail}", markup=False, soft_wrap=True)
    out.print(_close(result.close, rec, reopened=result.reopened), markup=False, soft_wrap=True)


def _tallies(rec: Reconciliation) -> Table:
    table = Table(title="Per kind: Actionstep | Xero", title_justify="left")
    for name in ("Kind", "Actionstep count", "total", "GST", "Xero count", "total", "GST", ""):
        table.add_column(name, justify="left" if name == "Kind" else "right")
    for t in rec.tallies:
        table.add_row(
            KIND_NAMES[t.kind], f"{t.actionstep_count:,}", _money(t.actionstep_total), _money(t.actionstep_tax),
            f"{t.xero_count:,}", _money(t.xero_total), _money(t.xero_tax),
            Text("ok", style="green") if t.agrees else Text("differs", style="bold red"),
        )  # fmt: skip
    return table


def _differences(rec: Reconciliation) -> Table:
    table = Table(title=f"Differences: {len(rec.differences):,}", title_justify="left")
    for name in ("Gap", "Number", "Kind", "Date", "Actionstep", "Xero", "Reason", "Fix"):
        table.add_column(name, overflow="fold")
    for d in rec.differences:
        actionstep = _money(d.actionstep_total) + (
            f" (GST {_money(d.actionstep_tax)})" if d.actionstep_tax else ""
        )
        xero = _money(d.xero_total) + (f" (GST {_money(d.xero_tax)})" if d.xero_tax else "")
        table.add_row(
            d.gap.label, Text(d.number), d.kind.label if d.kind else "",
            f"{d.date:%d %b %Y}" if d.date else "", actionstep, xero, Text(d.reason), Text(d.fix),
        )  # fmt: skip
    return table


def _balances(rec: Reconciliation) -> Table:
    table = Table(title=f"Control accounts at {rec.period.end:%d %b %Y}", title_justify="left")
    for name in ("Account", "Code", "Xero", "Implied", "Explained", "Unexplained"):
        table.add_column(name, justify="left" if name in ("Account", "Code", "Explained") else "right")
    for b in rec.balances:
        explained = "; ".join(f"{why} {amount:,.2f}" for why, amount in b.explained)
        if b.code is None:
            xero = "not mapped"
        elif b.xero is None:
            xero = "could not be read"
        else:
            xero = _money(b.xero)
        unexplained = b.unexplained
        table.add_row(
            b.account.label, Text(b.code or ""), xero, _money(b.implied), Text(explained),
            Text(_money(unexplained), style="bold red" if unexplained else ""),
        )  # fmt: skip
    return table


def _trust(out: Console, trust: TrustCheck) -> None:
    def read(amount: Decimal | None) -> str:
        return "could not be read" if amount is None else f"{amount:,.2f}"

    state = "reconciled" if trust.reconciled else "NOT reconciled"
    out.print(Text(f"Trust three ways: {state}", style="bold"))
    out.print(
        f"  Actionstep ledger {trust.ledger:,.2f} | Xero Trust Liability {read(trust.liability)} | "
        f"Xero trust bank {read(trust.bank)}",
        markup=False,
    )
    for finding in trust.findings:
        out.print(f"  - {finding}", markup=False, soft_wrap=True)
    for matter in trust.overdrawn:
        out.print(f"  Overdrawn: {matter.name} ({matter.matter_id}): {matter.balance:,.2f}", markup=False)
    for t in trust.unbilled_transfers:
        out.print(
            f"  Transfer without a bill: {t.number} of {t.date:%d %b %Y}, {t.amount:,.2f}, {t.matter}",
            markup=False,
        )


def _close(close: PeriodClose | None, rec: Reconciliation, *, reopened: bool) -> str:
    if close is None:
        return "Not signed off."
    if close.state is SignOffState.SIGNED_OFF:
        at = f" at {close.signed_off_at:%d %b %Y %H:%M} UTC" if close.signed_off_at else ""
        return f"Signed off by {close.signed_off_by}{at}."
    if close.state is SignOffState.REOPENED:
        when = f" at {close.reopened_at:%d %b %Y %H:%M} UTC" if close.reopened_at else ""
        by = " by this reconciliation" if reopened else ""
        return f"Reopened{by}{when}: {close.reopened_because or 'a later reconciliation differs'}."
    ready = "ready: an approver signs off in Slack" if rec.ready_to_sign else "not ready to sign off"
    return f"Not signed off ({ready})."

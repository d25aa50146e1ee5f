"""Reports, problems and unlink plans rendered for a terminal (rich): what `xerobot sync`, `check`, `unlink` and
`demo` print."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from integration.domain import Outcome, Problem, Severity, SyncReport, UnlinkPlan, UnlinkRequest, UnlinkState
from integration.reporting import OUTCOME_LABELS, headline, tallies

STYLES = {
    Outcome.POSTED: "green",
    Outcome.ADOPTED: "green",
    Outcome.WOULD_POST: "cyan",
    Outcome.FAILED: "bold red",
    Outcome.BLOCKED: "yellow",
    Outcome.CHANGED_AFTER_POSTING: "magenta",
}


def report_table(report: SyncReport) -> Table:
    table = Table(title="By kind", title_justify="left", show_lines=False)
    table.add_column("kind")
    table.add_column("outcome")
    table.add_column("documents", justify="right")
    table.add_column("total", justify="right")
    for kind, outcomes in tallies(report).items():
        for n, (outcome, tally) in enumerate(outcomes.items()):
            table.add_row(
                kind.label if n == 0 else "",
                Text(OUTCOME_LABELS[outcome], style=STYLES.get(outcome, "")),
                f"{tally.count:,}",
                f"{tally.total:,.2f}",
            )
    return table


def problems_panel(problems: list[Problem], title: str = "Needs attention") -> Panel:
    rows = []
    for problem in problems:
        colour = "red" if problem.severity is Severity.BLOCKING else "yellow"
        rows.append(Text.assemble((f"[{problem.code}] ", colour), problem.message))
        rows.append(Text.assemble(("  Fix: ", "bold"), problem.fix))
    return Panel(
        Group(*rows) if rows else Text("Nothing: all mappings are healthy.", style="green"), title=title
    )


def print_report(console: Console, report: SyncReport) -> None:
    style = {"ok": "bold green", "interrupted": "bold yellow"}.get(report.status, "bold red")
    console.print(Text(headline(report), style=style))
    if report.error:
        console.print(Text(report.error, style="red"))
    if report.items:
        console.print(report_table(report))
    failures = [i for i in report.items if i.outcome is Outcome.FAILED]
    if failures:
        table = Table(title="Failed", title_justify="left")
        for column in ("document", "code", "why", "fix"):
            table.add_column(column, overflow="fold")
        for item in failures[:50]:
            table.add_row(item.number, item.error_code or "", item.message or "", item.fix or "")
        if len(failures) > 50:
            table.add_row(f"… and {len(failures) - 50} more", "", "", "")
        console.print(table)
    if report.problems:
        console.print(problems_panel(report.problems))


def unlink_panel(plan: UnlinkPlan, void_in_xero: bool) -> Panel:
    """The plan of an unlink as `xerobot unlink` shows it before asking: the document, what is applied to it in
    Xero, the steps of the chosen way in order, and what it leaves behind."""
    xero = plan.xero
    rows: list[Text] = []
    facts = [plan.kind.label.capitalize(), plan.number]
    if xero is not None:
        facts += [
            xero.contact or "",
            f"{xero.total:,.2f}",
            f"{xero.date:%d %b %Y}" if xero.date else "",
            xero.status,
        ]
    rows.append(Text(" · ".join(f for f in facts if f), style="bold"))
    for payment in plan.payments:
        note = " (reconciled)" if payment.xero.reconciled else ""
        rows.append(Text(f"  payment {payment.label} {payment.xero.amount:,.2f}{note}"))
    for allocation in plan.allocations:
        rows.append(Text(f"  credit note {allocation.credit_note_number} applied {allocation.amount:,.2f}"))
    if void_in_xero and plan.void_refused:
        rows.append(Text(plan.void_refused, style="bold red"))
    else:
        rows += [Text(f"{n}. {step.description}") for n, step in enumerate(plan.steps(void_in_xero), 1)]
        rows.append(Text(plan.effect(void_in_xero), style="yellow"))
    title = "Unlink and void in Xero" if void_in_xero else "Unlink"
    return Panel(Group(*rows), title=title, title_align="left")


def print_unlink_outcome(console: Console, request: UnlinkRequest) -> None:
    for record in request.steps_done:
        already = " (already so in Xero)" if record.already else ""
        console.print(Text(f"done: {record.description}{already}", style="green"))
    if request.state is UnlinkState.DONE:
        console.print(Text(f"Unlinked {request.number}. {request.plan.effect(bool(request.void_in_xero))}"))
    elif request.error:
        console.print(Text(request.error, style="bold red"))

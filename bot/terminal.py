"""Reports, problems, summaries, drift findings and unlink plans rendered for a terminal (rich): what `xerobot
sync`, `check`, `summary`, `drift`, `unlink` and `demo` print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.views.status import NextRun
from integration.app import OUTCOME_LABELS, Summary, drift_words, headline, tallies
from integration.domain import (
    DriftPass,
    LastDriftPass,
    Outcome,
    Problem,
    RunStatus,
    Severity,
    SyncReport,
    UnlinkPlan,
    UnlinkRequest,
    UnlinkState,
    WebhookCounts,
)

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
                Text(kind.label if n == 0 else ""),
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


def print_drift(console: Console, found: DriftPass) -> None:
    """One drift pass: each finding in plain words, then how the pass went."""
    if found.skipped:
        console.print(Text(f"Drift pass skipped: {found.skipped}.", style="bold yellow"))
    rows = [Text.assemble((f"[{f.kind.code}] ", "magenta"), drift_words(f)) for f in found.findings]
    title = f"Changed in Xero ({len(found.findings)})"
    console.print(
        Panel(Group(*rows) if rows else Text("Nothing changed in Xero.", style="green"), title=title)
    )
    if found.error:
        console.print(Text(f"Stopped early, resumes from here next time: {found.error}", style="bold yellow"))
    console.print(
        f"{found.examined} linked document(s) compared, {found.calls} Xero call(s); "
        f"{found.open_alerts} drift alert(s) open."
    )


def print_watching(console: Console, last: LastDriftPass | None, webhooks: WebhookCounts | None) -> None:
    """How Xero is watched: the latest drift pass the ledger keeps and, where webhooks are received, their events."""
    if last is None:
        console.print("Last drift pass: none yet.")
    else:
        how = "complete" if last.complete else f"not complete ({last.reason or 'no reason kept'})"
        console.print(
            Text(
                f"Last drift pass: {last.at:%Y-%m-%d %H:%M} UTC, {how}: {last.calls} Xero call(s), "
                f"{last.findings} changed document(s) found."
            )
        )
    if webhooks is not None:
        console.print(
            f"Xero webhooks: {webhooks.received} event(s) received: {webhooks.checked} checked, "
            f"{webhooks.not_ours} not the bot's, {webhooks.other_tenant} another organisation's, "
            f"{webhooks.pending} waiting to be processed."
        )


def print_report(console: Console, report: SyncReport) -> None:
    style = {RunStatus.OK: "bold green", RunStatus.INTERRUPTED: "bold yellow"}.get(report.status, "bold red")
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
        for item in failures[:50]:  # outside text: never read as rich markup
            table.add_row(
                Text(item.number), Text(item.error_code or ""), Text(item.message or ""), Text(item.fix or "")
            )
        if len(failures) > 50:
            table.add_row(f"… and {len(failures) - 50} more", "", "", "")
        console.print(table)
    if report.problems:
        console.print(problems_panel(report.problems))


def print_summary(console: Console, summary: Summary, next_runs: Sequence[NextRun], zone: tzinfo) -> None:
    """The daily summary, with times in the firm's time zone."""

    def local(moment: datetime) -> str:
        return f"{moment.astimezone(zone):%d %b %Y %H:%M %Z}"

    runs = f"{summary.runs:,} sync{'' if summary.runs == 1 else 's'}"
    console.print(Text(f"Since {local(summary.since)}: {runs} ran.", style="bold"))
    if summary.all_clear:
        console.print(Text("All clear: nothing failed and nothing is waiting on anyone.", style="bold green"))
    table = Table(title="Posted to Xero", title_justify="left")
    table.add_column("kind")
    table.add_column("documents", justify="right")
    table.add_column("total", justify="right")
    for tally in summary.posted:
        table.add_row(tally.kind.label, f"{tally.count:,}", f"{tally.total:,.2f}")
    console.print(table if summary.posted else Text("Nothing was posted to Xero."))
    if summary.failures:
        failures = Table(title="Needs attention (oldest first)", title_justify="left")
        for column in ("open since", "problem", "seen"):
            failures.add_column(column, overflow="fold")
        for alert in summary.failures:
            failures.add_row(
                local(alert.first_seen), Text(f"[{alert.code}] {alert.message}"), f"{alert.count:,}"
            )
        console.print(failures)
    if summary.drift:
        drift = Table(title=f"Changed in Xero ({len(summary.drift):,}, oldest first)", title_justify="left")
        for column in ("document", "what changed", "who and when"):
            drift.add_column(column, overflow="fold")
        for line in summary.drift:
            who = " on ".join(p for p in (line.who, line.at) if p) or "Xero did not say"
            drift.add_row(Text(line.document), Text(line.changes), Text(who))
        console.print(drift)
    for unlink in summary.unlinks:
        when = local(unlink.requested_at)
        console.print(
            Text(f"Unlink request waiting: {unlink.number}, asked by {unlink.requested_by} {when}.")
        )
    if summary.skipped:
        kinds = ", ".join(f"{t.count:,} {t.kind.label}" for t in summary.skipped)
        console.print(Text(f"Skipped by design: {kinds}."))
    for health in summary.connections:
        mark, style = ("ok", "green") if health.ok else ("failing", "red")
        console.print(Text.assemble((f"{health.remote}: {mark} ", style), health.detail))
    for run in next_runs:
        console.print(Text(f"Next {run.name.lower()}: {local(run.at)}"))


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

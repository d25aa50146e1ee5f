"""The sync message: progress while a sync runs, then the report it ends as.

The report shows, in order of importance (so the least important is what "…and N more" cuts): counts and totals
by kind, what failed (with code and fix), what waits on a fix, what changed after posting, what was skipped by
design, and every document posted, each linked to its page in Xero.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import HeaderBlock, SectionBlock

from bot.views.message import Budget, Message, context, mrkdwn, section
from bot.views.text import clip, escape, link, mention, money, plural, safe, when
from integration.app import OUTCOME_LABELS, Progress, duration_seconds, headline, tallies, xero_url
from integration.domain import DocumentKind, ItemResult, Outcome, RunStatus, SyncReport

KIND_NAMES = {
    DocumentKind.SALES_INVOICE: "Sales invoices",
    DocumentKind.SUPPLIER_INVOICE: "Supplier invoices",
    DocumentKind.CREDIT_NOTE: "Credit notes",
    DocumentKind.PAYMENT_RECEIVED: "Payments received",
    DocumentKind.SUPPLIER_PAYMENT: "Supplier payments",
    DocumentKind.BANK_TRANSFER: "Bank transfers",
    DocumentKind.TRUST_RECEIPT: "Trust receipts",
    DocumentKind.TRUST_PAYMENT: "Trust payments",
    DocumentKind.TRUST_TRANSFER: "Trust transfers",
    DocumentKind.BANK_DEPOSIT: "Bank deposits",
    DocumentKind.BANK_WITHDRAWAL: "Bank withdrawals",
    DocumentKind.GENERAL_JOURNAL: "General journals",
}

MAX_TEXT = 400  # characters of one outside message in a list line, before escaping


def progress_message(actor: str, dry_run: bool, progress: Progress | None = None) -> Message:
    """While a sync runs: who started it and how far it has got."""
    name = "Preview" if dry_run else "Sync"
    lead = f":hourglass_flowing_sand: {name} started by {mention(actor)}"
    if progress is None:
        detail = "Reading Actionstep…"
    else:
        detail = (
            f"{KIND_NAMES[progress.kind]}: {progress.listed:,} listed so far. "
            f"Overall {progress.posted:,} posted, {progress.failed:,} failed."
        )
    return Message(f"{name} running", [section(f"{lead}\n{detail}")])


def notice_message(text: str) -> Message:
    """A one-line message in place of the sync message (the sync could not start, or stopped unexpectedly)."""
    return Message(text, [section(escape(text))])


def in_progress_message(actor: str | None, trigger: str | None, started: datetime | None) -> Message:
    """In place of a sync that could not start because another one is running."""
    who = ""
    if actor:
        source = f" from {safe(trigger, 50)}" if trigger else ""
        at = f", {when(started)}" if started else ""
        who = f" (started by {mention(actor)}{source}{at})"
    text = f"A sync is already running{who}. Its report arrives when it finishes; nothing is posted twice."
    return Message("A sync is already running.", [section(text)])


def report_message(report: SyncReport) -> Message:
    budget = Budget()
    title = "Preview (nothing sent)" if report.dry_run else _title(report)
    budget.add(HeaderBlock(text=title), len(title))
    lead = escape(headline(report))
    budget.add(section(lead), len(lead))
    by = f"Started by {mention(report.actor)} ({escape(report.trigger)}) · {duration_seconds(report):.1f} s"
    budget.add(context(by), len(by))
    if report.error:
        text = f":x: {safe(report.error, MAX_TEXT)}"
        budget.add(section(text), len(text))
    _tallies(budget, report)
    failed = [i for i in report.items if i.outcome is Outcome.FAILED]
    if failed:
        budget.add_lines(f"*Failed ({len(failed):,})*", [_failure(i) for i in failed], max_chars=4000)
    failed_refs = {i.source for i in failed}
    waiting = [p for p in report.problems if not (p.documents and set(p.documents) <= failed_refs)]
    if waiting:
        lines = [
            f"• {safe(p.message, MAX_TEXT)} (`{escape(p.code)}`)\n   _Fix:_ {safe(p.fix, MAX_TEXT)}"
            for p in waiting
        ]
        budget.add_lines(f"*Waiting on a fix ({len(waiting):,})*", lines, max_chars=2500)
    changed = [i for i in report.items if i.outcome is Outcome.CHANGED_AFTER_POSTING]
    if changed:
        lines = [f"• {safe(i.message or i.number, MAX_TEXT)}" for i in changed]
        budget.add_lines(
            f"*Changed after posting ({len(changed):,})*: unlink to post the new version",
            lines,
            max_sections=2,
        )
    _skipped(budget, report)
    posted = [i for i in report.items if i.outcome in (Outcome.POSTED, Outcome.ADOPTED)]
    if posted:
        lines = [_posted(i, report.xero_short_code) for i in posted]
        budget.add_lines(f"*In Xero now ({len(posted):,})*", lines)
    return Message(headline(report), budget.blocks)


def _title(report: SyncReport) -> str:
    name = f"Sync #{report.run_id}" if report.run_id else "Sync"
    return {RunStatus.OK: f"{name} finished", RunStatus.INTERRUPTED: f"{name} interrupted"}.get(
        report.status, f"{name} failed"
    )


def _tallies(budget: Budget, report: SyncReport) -> None:
    fields = []
    for kind, outcomes in tallies(report).items():
        parts = [f"{t.count:,} {OUTCOME_LABELS[o]} ({money(t.total)})" for o, t in outcomes.items()]
        fields.append(mrkdwn(f"*{KIND_NAMES[kind]}*\n" + "\n".join(parts)))
    for start in range(0, len(fields), 10):
        chunk = fields[start : start + 10]
        budget.add(SectionBlock(fields=chunk), sum(len(f.text) for f in chunk))


def _failure(item: ItemResult) -> str:
    code = f" (`{escape(item.error_code)}`)" if item.error_code else ""
    fix = f"\n   _Fix:_ {safe(item.fix, MAX_TEXT)}" if item.fix else ""
    why = (item.message or "failed").removeprefix(f"{item.number}: ")
    return f"• *{safe(item.number, 100)}*: {safe(why, MAX_TEXT)}{code}{fix}"


def _skipped(budget: Budget, report: SyncReport) -> None:
    counts = {
        kind: outcomes[Outcome.SKIPPED_BY_DESIGN].count
        for kind, outcomes in tallies(report).items()
        if Outcome.SKIPPED_BY_DESIGN in outcomes
    }
    if counts:
        listed = ", ".join(plural(n, k.label) for k, n in counts.items())
        text = f"Skipped by design (never sent to Xero): {listed}."
        budget.add(context(text), len(text))


def _posted(item: ItemResult, short_code: str | None) -> str:
    number = clip(item.number, 100)
    url = xero_url(short_code, item.source.kind, item.xero_id)
    label = link(url, number) if url else escape(number)
    adopted = " (already in Xero, linked)" if item.outcome is Outcome.ADOPTED else ""
    if item.outcome is Outcome.ADOPTED and (item.message or "").startswith("Adopted from Xero"):
        adopted = " (adopted from Xero: paid there first, linked, not sent again)"
    return f"• {label} · {item.source.kind.label} · {money(item.total)}{adopted}"

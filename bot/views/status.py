"""`/xero status`, `/xero check` and the App Home tab: the state of the integration at a glance.

Status and Home share their sections: last sync, a sync running now, unresolved alerts (each linked to its message),
how Xero is watched for changes (webhook events and the latest drift pass), connection health and the next
scheduled runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.views.alerts import alert_title
from bot.views.message import MAX_VIEW_BLOCKS, Budget, Message, context, section
from bot.views.text import escape, link, mention, plural, safe, when
from bot.views.unlinks import pending_lines
from integration.app import OUTCOME_LABELS, Checklist, Status
from integration.domain import (
    Alert,
    AlertState,
    ConnectionHealth,
    LastDriftPass,
    Outcome,
    Problem,
    WebhookCounts,
)
from integration.errors import describe

SHOWN_ALERTS = 10


@dataclass(frozen=True, slots=True)
class NextRun:
    """A scheduled job and when it next runs (the scheduler provides these)."""

    name: str
    at: datetime


def permalink(alert: Alert) -> str | None:
    if not alert.slack_channel or not alert.slack_ts:
        return None
    return f"https://slack.com/archives/{alert.slack_channel}/p{alert.slack_ts.replace('.', '')}"


def _status_sections(budget: Budget, status: Status, next_runs: Sequence[NextRun]) -> None:
    run = status.last_run
    if run is None:
        last = "*Last sync:* none yet. Type `/xero sync` to run the first."
    else:
        counts = ", ".join(f"{n:,} {_outcome(o)}" for o, n in run.summary.items()) or "nothing to do"
        last = f"*Last sync:* #{run.run_id} by {mention(run.actor)} {when(run.started_at)}: {escape(run.status)} ({counts})"
    budget.add(section(last))
    if status.running is not None:
        budget.add(
            section(
                f":hourglass_flowing_sand: A sync is running (started by {mention(status.running.actor)}"
                f" from {safe(status.running.trigger or 'somewhere', 50)}) since {when(status.running.since)}."
            )
        )
    open_alerts = status.open_alerts
    ignored = [a for a in status.alerts if a.state is AlertState.IGNORED]
    if open_alerts:
        lines = [_alert_line(a) for a in open_alerts]
        budget.add_lines(
            f"*Open alerts ({len(open_alerts):,})*",
            lines,
            max_sections=2,
            limit=SHOWN_ALERTS,
        )
    else:
        budget.add(section("*Open alerts:* none. :white_check_mark:"))
    if status.open_drift:
        budget.add(
            context(
                f":mag: {plural(status.open_drift, 'document')} changed in Xero since the bot posted "
                f"{'it' if status.open_drift == 1 else 'them'} (drift alerts above)."
            )
        )
    if ignored:
        budget.add(context(f"{plural(len(ignored), 'alert')} ignored; Undo on the alert brings one back."))
    budget.add(
        context(
            last_drift_text(status.last_drift), *([webhooks_text(status.webhooks)] if status.webhooks else [])
        )
    )
    budget.add(section(connections_text(status.connections)))
    budget.add(section(next_runs_text(next_runs)))


def connections_text(connections: Sequence[ConnectionHealth]) -> str:
    """Each connection's health, with the fix when it is not healthy."""
    lines = []
    for health in connections:
        mark = ":white_check_mark:" if health.ok else ":x:"
        fix = f" _Fix:_ {safe(health.fix, 300)}" if health.fix and not health.ok else ""
        lines.append(f"{mark} *{health.remote.capitalize()}:* {safe(health.detail, 300)}{fix}")
    return "*Connections*\n" + "\n".join(lines)


def last_drift_text(last: LastDriftPass | None) -> str:
    """When Xero was last looked at for changes, whether the look was complete (or why not), its cost and finds."""
    if last is None:
        return "*Last drift pass:* none yet."
    how = "complete" if last.complete else f"not complete ({safe(last.reason or 'no reason kept', 200)})"
    return (
        f"*Last drift pass:* {when(last.at)}, {how}: {plural(last.calls, 'Xero call')}, "
        f"{plural(last.findings, 'changed document')} found."
    )


def webhooks_text(counts: WebhookCounts) -> str:
    """Xero's webhook events in the ledger, by what became of them."""
    return (
        f"*Xero webhooks:* {plural(counts.received, 'event')} received: {counts.checked:,} checked, "
        f"{counts.not_ours:,} not the bot's, {counts.other_tenant:,} another organisation's, "
        f"{counts.pending:,} waiting to be processed."
    )


def next_runs_text(next_runs: Sequence[NextRun]) -> str:
    if not next_runs:
        return "*Next scheduled runs:* no schedule configured."
    runs = "\n".join(f"• {escape(r.name)}: {when(r.at)}" for r in next_runs)
    return f"*Next scheduled runs*\n{runs}"


def _outcome(value: str) -> str:
    """An outcome as the report names it ("already linked", "waiting"), from the value a run's summary keeps."""
    try:
        return OUTCOME_LABELS[Outcome(value)]
    except ValueError:
        return escape(value.replace("_", " "))


def _alert_line(alert: Alert) -> str:
    title = escape(alert_title(alert))
    url = permalink(alert)
    label = link(url, alert_title(alert)) if url else title
    return f"• {label}: {safe(alert.message, 150)} (seen {plural(alert.count, 'time')})"


def status_message(status: Status, next_runs: Sequence[NextRun] = ()) -> Message:
    budget = Budget()
    _status_sections(budget, status, next_runs)
    summary = f"{plural(len(status.open_alerts), 'open alert')}; connections " + (
        "healthy" if all(c.ok for c in status.connections) else "need attention"
    )
    return Message(f"xerobot status: {summary}", budget.blocks)


def checklist_text(checklist: Checklist) -> str:
    """The first-run checklist: each step, done or not, with the command that does it."""

    def line(done: bool, what: str, how: str) -> str:
        return f"{':white_check_mark:' if done else ':white_large_square:'} {what}" + (
            "" if done else f": {how}"
        )

    needs = checklist.mappings
    if needs is None:
        mapped = "Accounts mapped: counted once Xero and Actionstep are connected"
    else:
        mapped = f"Accounts mapped: {needs.mapped:,} of {needs.needed:,} that pending documents need"
    lines = [
        line(
            bool(checklist.xero and checklist.xero.ok), "Xero connected", "`/xero connect xero` (approvers)"
        ),
        line(
            bool(checklist.actionstep and checklist.actionstep.ok),
            "Actionstep connected",
            "`/xero connect actionstep` (approvers)",
        ),
        line(
            needs is not None and needs.done,
            mapped,
            "`/xero mappings` (approvers) to accept the suggestions, or `xerobot mappings suggest --apply`",
        ),
        line(checklist.previewed, "A first preview", "`/xero sync preview` shows what would post"),
        line(checklist.synced, "A first sync that posts", "`/xero sync`"),
    ]
    heading = "*Getting started* (all done: this list goes away)" if checklist.done else "*Getting started*"
    return heading + "\n" + "\n".join(lines)


def home_view(
    status: Status, next_runs: Sequence[NextRun] = (), *, now: datetime, checklist: Checklist | None = None
) -> View:
    budget = Budget(max_blocks=MAX_VIEW_BLOCKS)
    budget.add(HeaderBlock(text="Actionstep → Xero"))
    budget.add(context(f"Updated {when(now)}. Type `/xero help` for commands."))
    budget.add(DividerBlock())
    if checklist is not None:
        budget.add(section(checklist_text(checklist)))
        budget.add(DividerBlock())
    _status_sections(budget, status, next_runs)
    if status.unlinks:
        heading = f"*Pending unlinks ({len(status.unlinks):,})*"
        budget.add_lines(heading, pending_lines(status.unlinks), max_sections=2, limit=SHOWN_ALERTS)
    return View(type="home", blocks=budget.blocks)


def home_busy_view() -> View:
    """In place of App Home while the bot is too busy to read the ledger for it."""
    text = "The bot is busy with other requests right now. Open this tab again in a minute to see the latest."
    return View(type="home", blocks=[HeaderBlock(text="Actionstep → Xero"), section(escape(text))])


def home_refusal_view() -> View:
    text = (
        "This app pushes approved Actionstep documents to Xero for the firm's bookkeepers. "
        "You are not set up as a bookkeeper or approver; ask the firm's Slack admin if you should be."
    )
    return View(type="home", blocks=[HeaderBlock(text="Actionstep → Xero"), section(escape(text))])


def check_message(problems: Sequence[Problem]) -> Message:
    if not problems:
        text = ":white_check_mark: All mappings are healthy: nothing is blocking a pending document."
        return Message(text, [section(text)])
    budget = Budget()
    heading = f"*{plural(len(problems), 'mapping problem')}*"
    lines = [
        f"• *{escape(describe(p.code).title)}*: {safe(p.message, 400)}\n   _Fix:_ {safe(p.fix, 400)}"
        for p in problems
    ]
    budget.add_lines(heading, lines)
    return Message(f"{plural(len(problems), 'mapping problem')} found", budget.blocks)

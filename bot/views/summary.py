"""The daily summary message: what was posted since the last one, what needs someone, and whether the bot is well.

The most useful line comes first: "All clear" on a quiet day (so silence never means the bot is down), otherwise
what needs attention. Changes made in Xero to documents the bot posted (open drift alerts) have their own "Changed
in Xero" section: the first few, each with what changed and who and when. Long lists (open alerts, unlink requests) end with "…and N more" so the message stays inside
Slack's limits however bad the day was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from slack_sdk.models.blocks import HeaderBlock

from bot.views.alerts import alert_title
from bot.views.message import Budget, Message, context, section
from bot.views.report import KIND_NAMES
from bot.views.status import NextRun, connections_text, next_runs_text, permalink
from bot.views.text import escape, link, mention, money, plural, safe, when
from integration.app import DriftLine, KindTally, Summary
from integration.domain import Alert

TITLE = "Daily sync summary"
SHOWN_ALERTS = 15
SHOWN_UNLINKS = 10
SHOWN_DRIFT = 5


def age(span: timedelta) -> str:
    """How long, in the largest unit that says it: "3 days", "5 h", "12 min"."""
    if span >= timedelta(days=1):
        return plural(span.days, "day")
    if span >= timedelta(hours=1):
        return f"{int(span.total_seconds() // 3600)} h"
    return f"{max(int(span.total_seconds() // 60), 1)} min"


def _kinds(tallies: Sequence[KindTally]) -> list[str]:
    return [f"• {KIND_NAMES[t.kind]}: {t.count:,} ({money(t.total)})" for t in tallies]


def _failure(summary: Summary, alert: Alert) -> str:
    url = permalink(alert)
    title = link(url, alert_title(alert)) if url else escape(alert_title(alert))
    return (
        f"• {title}: {safe(alert.message, 200)} "
        f"(open {age(summary.age(alert))}, seen {plural(alert.count, 'time')})"
    )


def _drift(line: DriftLine) -> str:
    url = permalink(line.alert)
    document = link(url, line.document) if url else safe(line.document, 80)
    who = f" by {safe(line.who, 80)}" if line.who else ""
    at = f" on {escape(line.at)}" if line.at else ""
    return f"• {document}: {safe(line.changes, 200)}" + (f" ({who.strip()}{at})" if who or at else "")


def headline(summary: Summary) -> str:
    """The summary in one plain sentence (the notification text)."""
    posted = f"{plural(summary.posted_count, 'document')} posted"
    if summary.all_clear:
        return f"{TITLE}: {posted}; all clear"
    needs = []
    if summary.failures:
        needs.append(plural(len(summary.failures), "open alert"))
    if summary.drift:
        needs.append(plural(len(summary.drift), "document") + " changed in Xero")
    if summary.unlinks:
        needs.append(plural(len(summary.unlinks), "unlink request") + " waiting")
    if not all(c.ok for c in summary.connections):
        needs.append("a connection needs attention")
    return f"{TITLE}: {posted}; {', '.join(needs)}"


def summary_message(summary: Summary, next_runs: Sequence[NextRun] = ()) -> Message:
    budget = Budget()
    budget.add(HeaderBlock(text=TITLE), len(TITLE))
    runs = plural(summary.runs, "sync")
    budget.add(context(f"Since {when(summary.since)} · {runs} ran"))
    if summary.all_clear:
        budget.add(
            section(":white_check_mark: *All clear.* Nothing failed and nothing is waiting on anyone.")
        )
    if summary.posted:
        heading = f"*Posted to Xero: {plural(summary.posted_count, 'document')}*"
        budget.add_lines(heading, _kinds(summary.posted))
    else:
        budget.add(section(f"*Posted to Xero:* nothing since {when(summary.since)}."))
    if summary.failures:
        lines = [_failure(summary, a) for a in summary.failures[:SHOWN_ALERTS]]
        count = len(summary.failures)
        heading = f":rotating_light: *Needs attention: {plural(count, 'open alert')}* (oldest first)"
        budget.add_lines(heading, lines, max_sections=2, max_chars=5_000, total=count)
    if summary.drift:
        count = len(summary.drift)
        heading = f":mag: *Changed in Xero: {plural(count, 'document')}* (open drift alerts, oldest first)"
        lines = [_drift(d) for d in summary.drift[:SHOWN_DRIFT]]
        budget.add_lines(heading, lines, max_sections=1, max_chars=2_500, total=count)
    if summary.ignored:
        budget.add(context(f"{plural(summary.ignored, 'alert')} ignored; Undo on the alert brings one back."))
    if summary.unlinks:
        lines = [
            f"• {safe(u.number, 100)}, asked by {mention(u.requested_by)} {when(u.requested_at)} "
            f"(expires {when(u.expires_at)})"
            for u in summary.unlinks[:SHOWN_UNLINKS]
        ]
        count = len(summary.unlinks)
        heading = f"*Unlink requests waiting: {count:,}*"
        budget.add_lines(heading, lines, max_sections=1, max_chars=2_500, total=count)
    if summary.skipped:
        kinds = ", ".join(f"{t.count:,} {KIND_NAMES[t.kind].lower()}" for t in summary.skipped)
        budget.add(section(f"*Skipped by design* (not pushed to Xero, by the firm's rules): {kinds}."))
    if summary.connections:
        budget.add(section(connections_text(summary.connections)))
    budget.add(section(next_runs_text(next_runs)))
    return Message(headline(summary), budget.blocks)

"""Posting a month-end reconciliation, for `/xero reconcile` and the scheduled run alike: the message in the channel,
remembered by the use case (so the period's message can be kept up to date), then the CSV of every difference in
the message's thread, for the auditor."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.views.reconcile import csv_filename, month, reconcile_message
from integration.app import ReconcileResult, Service, reconcile_csv


def post_reconciliation(
    client: WebClient, notifier: Notifier, service: Service, channel: str, result: ReconcileResult
) -> str:
    """Post `result` to `channel` and attach its CSV in the thread; returns the message's ts. Raises
    `SlackApiError` when the message cannot be posted (nothing is remembered or attached then). The trust alerts
    the run raised or resolved go to the alerts channel first, whatever becomes of the message."""
    notifier.publish(result.changes)
    rec = result.reconciliation
    message = reconcile_message(rec, result.close, reopened=result.reopened)
    ts: str = client.chat_postMessage(channel=channel, **message.payload())["ts"]
    service.reconciling.remember_message(rec.period, channel, ts)
    notifier.upload_file(
        channel,
        csv_filename(rec.period),
        reconcile_csv(rec),
        title=f"Reconciliation {month(rec.period)}: {len(rec.differences):,} difference(s)",
        thread_ts=ts,
    )
    return ts

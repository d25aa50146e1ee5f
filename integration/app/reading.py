"""The pure helpers the Slack face and the command line render with, re-exported so they import only the app:
labels, tallies and headlines of a report, links into Xero, the summary's shape, the scheduler's schedules."""

from integration.alerting.desk import alert_target
from integration.rules.deeplinks import xero_url
from integration.rules.reporting import OUTCOME_LABELS, duration_seconds, headline, tallies, to_dict
from integration.rules.schedule import Daily, Every, Schedule
from integration.rules.summary import KindTally, PendingUnlink, Summary
from integration.unlinking.steps import request_target

__all__ = [
    "OUTCOME_LABELS",
    "Daily",
    "Every",
    "KindTally",
    "PendingUnlink",
    "Schedule",
    "Summary",
    "alert_target",
    "duration_seconds",
    "headline",
    "request_target",
    "tallies",
    "to_dict",
    "xero_url",
]

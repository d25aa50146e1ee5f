"""The application: the use cases the Slack face and the command line call, and the composition root.

The Slack face imports from here only (and `bootstrap`, to build a `Service`): the facade, what its use cases
return, and the pure helpers its views render with (a report's labels, tallies and headline, links into Xero,
the summary's shape, the scheduler's schedules).
"""

from integration.alerting.desk import alert_target
from integration.app.drift_actions import ADOPTABLE, UNLINKABLE, DriftAction, DriftActions
from integration.app.mappings import Checked, FixResult, Suggestions
from integration.app.onboarding import Checklist
from integration.app.organisation_switch import SWITCH_CODE, SwitchConfirmation
from integration.app.reconciling import ReconcileResult, Reconciling, SignOffOutcome
from integration.app.service import Service
from integration.app.status import HealthResult, RunInfo, RunningSync, Status
from integration.app.syncing import RetryResult, SyncResult
from integration.app.webhooks import Answer, Receipt, XeroWebhooks
from integration.app.xero_payments import PaymentAction
from integration.rules.deeplinks import xero_url
from integration.rules.drift import describe as drift_words
from integration.rules.drift import last_pass_to_dict, webhooks_to_dict
from integration.rules.drift import pass_to_dict as drift_to_dict
from integration.rules.health import HealthCheck
from integration.rules.reconcile_export import as_json as reconcile_json
from integration.rules.reconcile_export import csv_text as reconcile_csv
from integration.rules.reporting import OUTCOME_LABELS, duration_seconds, headline, tallies, to_dict
from integration.rules.schedule import Daily, Every, Monthly, Schedule
from integration.rules.summary import DriftLine, KindTally, PendingUnlink, Summary
from integration.sync.delivery import PAID_IN_XERO
from integration.sync.kind_pass import Progress
from integration.unlinking.steps import request_target
from integration.unlinking.unlinker import UnlinkOutcome, UnlinkPolicy

__all__ = [
    "ADOPTABLE",
    "OUTCOME_LABELS",
    "PAID_IN_XERO",
    "SWITCH_CODE",
    "UNLINKABLE",
    "Answer",
    "Checked",
    "Checklist",
    "Daily",
    "DriftAction",
    "DriftActions",
    "DriftLine",
    "Every",
    "FixResult",
    "HealthCheck",
    "HealthResult",
    "KindTally",
    "Monthly",
    "PaymentAction",
    "PendingUnlink",
    "Progress",
    "Receipt",
    "ReconcileResult",
    "Reconciling",
    "RetryResult",
    "RunInfo",
    "RunningSync",
    "Schedule",
    "Service",
    "SignOffOutcome",
    "Status",
    "Suggestions",
    "Summary",
    "SwitchConfirmation",
    "SyncResult",
    "UnlinkOutcome",
    "UnlinkPolicy",
    "XeroWebhooks",
    "alert_target",
    "drift_to_dict",
    "drift_words",
    "duration_seconds",
    "headline",
    "last_pass_to_dict",
    "reconcile_csv",
    "reconcile_json",
    "request_target",
    "tallies",
    "to_dict",
    "webhooks_to_dict",
    "xero_url",
]

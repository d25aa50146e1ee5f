"""The application: the use cases the Slack face and the command line call, and the composition root.

The Slack face imports from here only (and `bootstrap`, to build a `Service`): the facade, what its use cases
return, and the pure helpers its views render with (`reading`).
"""

from integration.app.mappings import FixResult
from integration.app.reading import (
    OUTCOME_LABELS,
    Daily,
    Every,
    KindTally,
    PendingUnlink,
    Schedule,
    Summary,
    alert_target,
    duration_seconds,
    headline,
    request_target,
    tallies,
    to_dict,
    xero_url,
)
from integration.app.service import Service
from integration.app.status import HealthResult, RunInfo, RunningSync, Status
from integration.app.syncing import RetryResult, SyncResult
from integration.rules.health import HealthCheck
from integration.sync.kind_pass import Progress
from integration.unlinking.unlinker import UnlinkOutcome, UnlinkPolicy

__all__ = [
    "OUTCOME_LABELS",
    "Daily",
    "Every",
    "FixResult",
    "HealthCheck",
    "HealthResult",
    "KindTally",
    "PendingUnlink",
    "Progress",
    "RetryResult",
    "RunInfo",
    "RunningSync",
    "Schedule",
    "Service",
    "Status",
    "Summary",
    "SyncResult",
    "UnlinkOutcome",
    "UnlinkPolicy",
    "alert_target",
    "duration_seconds",
    "headline",
    "request_target",
    "tallies",
    "to_dict",
    "xero_url",
]

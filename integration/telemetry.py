"""What an operator graphs and alerts on: the bot's Prometheus metrics, counted where things happen.

Counters and gauges live in one registry (`REGISTRY`); `GET /metrics` renders it (`render`). Labels hold only
bounded, non-secret values: a status, a document kind and outcome, a remote and an endpoint name with ids taken out,
an alert code. Never a token, a user id, a document number or an amount.

`xerobot serve` is one process with threads, so the default in-process registry is exact. Where an operator runs
several worker processes behind one port, setting `PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess
mode) makes `render` gather every process's files instead; the directory must be empty at start.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

SYNCS = Counter("xerobot_syncs", "Sync runs, by how they ended.", ["status"], registry=REGISTRY)
DOCUMENTS = Counter(
    "xerobot_documents",
    "Documents a sync looked at, by kind and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
REMOTE_CALLS = Counter(
    "xerobot_remote_calls",
    "Requests on the wire to Xero or Actionstep, by endpoint and HTTP status ('error' when no answer came).",
    ["remote", "endpoint", "status"],
    registry=REGISTRY,
)
THROTTLED = Counter("xerobot_remote_throttled", "429 answers, by remote.", ["remote"], registry=REGISTRY)
RETRIES = Counter(
    "xerobot_remote_retries",
    "Requests sent again after a failure or a 429, by remote.",
    ["remote"],
    registry=REGISTRY,
)
XERO_BUDGET = Gauge(
    "xerobot_xero_calls_remaining",
    "Xero's remaining calls for this organisation, as its last answer said (window: minute or day).",
    ["window"],
    registry=REGISTRY,
    multiprocess_mode="mostrecent",
)
DRIFT_FINDINGS = Counter(
    "xerobot_drift_findings",
    "Changes made in Xero to posted documents, by kind.",
    ["kind"],
    registry=REGISTRY,
)
JOBS_REFUSED = Counter(
    "xerobot_jobs_refused", "Work the job runner turned away because it was full.", registry=REGISTRY
)
SLACK_ACK = Histogram(
    "xerobot_slack_ack_seconds",
    "Time from a Slack request arriving to its answer (Slack allows 3 s).",
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)

# Path segments that are ids, not endpoint names: GUIDs, numbers, and comma lists of them.
_ID = re.compile(r"^(?:[0-9a-fA-F-]{32,36}|\d+)(?:,(?:[0-9a-fA-F-]{32,36}|\d+))*$")


def endpoint_of(path: str) -> str:
    """The endpoint a request path names, with ids replaced by `{id}` and the query dropped, so labels stay few:
    `Invoices/4f…/History` → `Invoices/{id}/History`."""
    segments = [s for s in path.split("?", 1)[0].strip("/").split("/") if s]
    return "/".join("{id}" if _ID.match(s) else s for s in segments)[:80] or "/"


def count_call(remote: str, path: str, status: int | None) -> None:
    """One request on the wire and how it was answered (None: no answer came)."""
    REMOTE_CALLS.labels(remote, endpoint_of(path), "error" if status is None else str(status)).inc()


class LiveGauges(Collector):
    """Gauges read at scrape time from whatever holds them now (the ledger's open alerts, the job runner's queue),
    so nothing has to keep them in step."""

    def __init__(self) -> None:
        self._sources: dict[str, tuple[str, str, Callable[[], Iterable[tuple[dict[str, str], float]]]]] = {}

    def watch(
        self, name: str, documentation: str, read: Callable[[], Iterable[tuple[dict[str, str], float]]]
    ) -> None:
        """Report `name` at every scrape from `read()`: (labels, value) pairs, all with the same label names."""
        self._sources[name] = (name, documentation, read)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        for name, documentation, read in list(self._sources.values()):
            try:
                samples = list(read())
            except Exception as error:  # a scrape must not fail because one source cannot answer now
                log.warning("Metric %s could not be read for this scrape: %s", name, type(error).__name__)
                continue
            labels = sorted(samples[0][0]) if samples else []
            family = GaugeMetricFamily(name, documentation, labels=labels)
            for values, value in samples:
                family.add_metric([values[k] for k in labels], value)
            yield family


LIVE = LiveGauges()
REGISTRY.register(LIVE)


def render() -> bytes:
    """The metrics in Prometheus' text format: this process's, or every worker's in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_ENV):
        gathered = CollectorRegistry()
        multiprocess.MultiProcessCollector(gathered)  # type: ignore[no-untyped-call]
        gathered.register(LIVE)
        return generate_latest(gathered)
    return generate_latest(REGISTRY)

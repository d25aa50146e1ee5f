"""`GET /metrics`: what an operator graphs, in Prometheus' text format, moving as the bot works, and never carrying
a token, a user id, a document number or an amount in a label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.web import wsgi_app
from tests.support.bot import BOOKKEEPER, RunningBot, running_demo_bot


def scrape(bot: RunningBot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of `/metrics`, by name and labels; parsing it with Prometheus' own parser is part of the test."""
    response = bot.http.get(f"{bot.url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return sum(
        value
        for (sample, sample_labels), value in samples.items()
        if sample == name and all((k, v) in sample_labels for k, v in labels.items())
    )


@pytest.fixture
def demo_bot(tmp_path: Path) -> Iterator[RunningBot]:
    with running_demo_bot(tmp_path) as running:
        yield running


def test_a_sync_moves_the_sync_document_call_alert_and_ack_metrics_and_no_label_names_a_person_or_a_document(
    demo_bot: RunningBot,
) -> None:
    before = scrape(demo_bot)

    demo_bot.command("sync")
    demo_bot.settle()
    after = scrape(demo_bot)

    assert total(after, "xerobot_syncs_total") == total(before, "xerobot_syncs_total") + 1
    posted = total(after, "xerobot_documents_total", outcome="posted") - total(
        before, "xerobot_documents_total", outcome="posted"
    )
    assert posted >= 20, "the demo firm's sync posts its documents"
    invoices = total(after, "xerobot_remote_calls_total", remote="xero", endpoint="Invoices")
    assert invoices > total(before, "xerobot_remote_calls_total", remote="xero", endpoint="Invoices")
    assert total(after, "xerobot_remote_calls_total", remote="actionstep") > total(
        before, "xerobot_remote_calls_total", remote="actionstep"
    )
    assert total(after, "xerobot_open_alerts") >= 1, "the demo firm's deliberate problems are open alerts"
    assert total(after, "xerobot_slack_ack_seconds_count") > total(before, "xerobot_slack_ack_seconds_count")
    assert ("xerobot_xero_calls_remaining", (("window", "day"),)) in after
    labels = " ".join(f"{k}={v}" for _, sample_labels in after for k, v in sample_labels if k != "le")
    for secret_or_personal in (BOOKKEEPER, "INV-1", "xoxb-", "Bearer", ".00"):
        assert secret_or_personal not in labels
    assert all("{id}" in v or "-" not in v for _, ls in after for k, v in ls if k == "endpoint"), (
        "ids taken out"
    )


def test_metrics_ask_for_the_configured_token_and_answer_401_without_it() -> None:
    app = wsgi_app(None, dict, metrics_token="s3cret-metrics")
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://bot") as http:
        assert http.get("/metrics").status_code == 401
        assert http.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        allowed = http.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
    assert allowed.status_code == 200 and "xerobot_syncs_total" in allowed.text

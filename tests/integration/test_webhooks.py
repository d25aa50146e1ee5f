"""Xero's webhooks: received on `POST /xero/webhooks`, stored before the 200, processed into drift alerts, on SQLite
and PostgreSQL.

Each test syncs the demo firm into the Xero sandbox, then has the sandbox send its signed webhooks to the bot's WSGI
app (in-process), as Xero sends them to `xerobot serve`.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bot.jobs import JobRunner
from bot.serve import Server
from bot.web import MAX_WEBHOOK_BYTES, WEBHOOK_PATH, wsgi_app
from integration.app import Service, XeroWebhooks
from integration.clock import VirtualClock
from integration.domain import LastDriftPass, RunStatus, WebhookCounts, XeroEvent
from integration.store import Store
from sandboxes.server import Sandboxes
from sandboxes.xero.webhooks import signature
from tests.fakes.slack import FakeSlack
from tests.support.bot import ALERTS, bot_settings
from tests.support.engine import demo_service, drift_alerts, unsettled
from tests.support.webhooks import KEY, Bot, wire
from tests.support.xero_people import in_xero, void_in_xero

BOOKKEEPER = "UBOOK"


@pytest.fixture
def synced(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store, environment={"XERO_WEBHOOK_KEY": KEY})
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    assert service.drift().complete  # polling's cursors set, as in production
    clock = sandboxes.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(5)  # what changes next is after the cursors
    yield service, sandboxes
    service.close()


@pytest.fixture
def bot(synced: tuple[Service, Sandboxes]) -> Bot:
    return wire(*synced)


def stored(service: Service) -> int:
    return sum(service.webhooks.counts().values())


def event(
    sandboxes: Sandboxes, resource_id: str, *, tenant: str | None = None, at: str = "2026-11-02T09:00:05.000"
):
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{resource_id}",
        "resourceId": resource_id,
        "eventDateUtc": at,
        "eventType": "UPDATE",
        "eventCategory": "INVOICE",
        "tenantId": tenant or sandboxes.xero.tenant_id,
        "tenantType": "ORGANISATION",
    }


def event_for(resource_id: str) -> dict[str, Any]:
    """An INVOICE UPDATE event of some organisation, for tests that need no sandbox."""
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{resource_id}",
        "resourceId": resource_id,
        "eventDateUtc": "2026-11-02T09:00:05.000",
        "eventType": "UPDATE",
        "eventCategory": "INVOICE",
        "tenantId": "00000000-0000-0000-0000-0000000000aa",
        "tenantType": "ORGANISATION",
    }


def payload(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "events": list(events),
        "firstEventSequence": 1,
        "lastEventSequence": len(events),
        "entropy": "ABC",
    }


def test_intent_to_receive_is_answered_200_with_an_empty_body_when_signed_and_401_when_not(bot: Bot) -> None:
    assert bot.sender.intent_to_receive(correctly_signed=True) == 200
    assert bot.sender.intent_to_receive(correctly_signed=False) == 401
    answer = bot.signed(payload())
    assert (answer.status_code, answer.content) == (200, b"")
    assert stored(bot.service) == 0


def test_forged_changed_unsigned_and_oversized_webhooks_are_refused_and_store_nothing(bot: Bot) -> None:
    sale = unsettled(bot.sandboxes)
    body = json.dumps(payload(event(bot.sandboxes, sale["InvoiceID"]))).encode()
    good = signature(body, KEY)

    forged = bot.post(body, {"x-xero-signature": signature(body, "not-the-key")})
    changed = bot.post(body.replace(b"UPDATE", b"CREATE"), {"x-xero-signature": good})
    unsigned = bot.post(body)
    garbage = bot.post(body, {"x-xero-signature": "!!not base64!!"})
    big = b"{" + b" " * MAX_WEBHOOK_BYTES + b"}"
    oversized = bot.post(big, {"x-xero-signature": signature(big, KEY)})

    assert [r.status_code for r in (forged, changed, unsigned, garbage)] == [401] * 4
    assert all(r.content == b"" for r in (forged, changed, unsigned, garbage, oversized))
    assert oversized.status_code == 413
    assert stored(bot.service) == 0
    assert bot.post(body, {"x-xero-signature": good}).status_code == 200
    assert stored(bot.service) == 1


def test_without_a_key_the_endpoint_answers_404(store: Store) -> None:
    service, _ = demo_service(store)
    try:
        body = json.dumps(payload()).encode()
        app = wsgi_app(None, dict, webhooks=service.webhooks)
        with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://bot.test") as http:
            answer = http.post(WEBHOOK_PATH, content=body, headers={"x-xero-signature": signature(body, KEY)})
        assert answer.status_code == 404
    finally:
        service.close()


def test_a_redelivered_webhook_is_stored_once_and_processed_once(bot: Bot) -> None:
    sale = unsettled(bot.sandboxes)
    assert void_in_xero(bot.sandboxes.xero, sale["InvoiceID"]).status_code == 200
    first = bot.sender.sent[-1]
    again = bot.post(first.body, {"x-xero-signature": signature(first.body, KEY)})
    assert (again.status_code, again.content) == (200, b"")
    assert bot.service.webhooks.counts() == {"pending": 1}

    run = bot.service.webhooks.process()
    assert run.outcomes == {"checked": 1}
    assert [a.code for a in run.changes.new] == ["drift.voided"]
    bot.post(first.body, {"x-xero-signature": signature(first.body, KEY)})
    assert bot.service.webhooks.process().outcomes == {}
    assert bot.service.webhooks.counts() == {"checked": 1}
    assert [a.count for a in drift_alerts(bot.service)] == [1]


def test_a_void_made_in_xero_reaches_the_bot_by_webhook_and_raises_the_same_alert_as_polling(
    synced: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = synced
    jobs = JobRunner(workers=1, queue=4)
    bot = wire(service, sandboxes, received=lambda: bool(jobs.submit("webhooks", service.webhooks.process)))
    sale = unsettled(sandboxes)

    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    assert jobs.wait_idle(30)
    jobs.shutdown()

    delivered = bot.sender.sent[-1]
    assert delivered.answers == [200]
    assert delivered.payload["events"][0]["eventCategory"] == "INVOICE"
    assert delivered.payload["events"][0]["resourceId"] == sale["InvoiceID"]
    by_webhook = drift_alerts(service)
    assert [a.code for a in by_webhook] == ["drift.voided"]
    assert service.webhooks.counts() == {"checked": 1}

    polled = service.drift()  # polling finds the same change: the same alert, counted, not a second one
    assert [f.kind.code for f in polled.findings] == ["drift.voided"]
    assert not polled.changes.new
    after = drift_alerts(service)
    assert [(a.id, a.fingerprint, a.message) for a in after] == [
        (a.id, a.fingerprint, a.message) for a in by_webhook
    ]


def test_a_crash_after_the_answer_loses_nothing_the_next_processing_run_raises_it(
    synced: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = synced
    bot = wire(service, sandboxes)  # the process answers, then dies before any processing run
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    assert bot.sender.sent[-1].answers == [200]
    assert not drift_alerts(service)

    restarted, _ = demo_service(store, sandboxes, environment={"XERO_WEBHOOK_KEY": KEY})
    run = restarted.webhooks.process()

    assert run.outcomes == {"checked": 1}
    assert [a.code for a in drift_alerts(restarted)] == ["drift.voided"]
    assert restarted.webhooks.counts() == {"checked": 1}


def test_another_organisations_events_are_ignored_and_counted(bot: Bot) -> None:
    sale = unsettled(bot.sandboxes)
    stranger = "00000000-0000-0000-0000-0000000000ff"
    answer = bot.signed(payload(event(bot.sandboxes, sale["InvoiceID"], tenant=stranger)))
    assert (answer.status_code, answer.content) == (200, b"")
    calls = bot.sandboxes.xero.requests_to("Invoices")

    run = bot.service.webhooks.process()

    assert run.outcomes == {"other_tenant": 1}
    assert bot.service.webhooks.counts() == {"other_tenant": 1}
    assert bot.sandboxes.xero.requests_to("Invoices") == calls  # nothing asked of Xero
    assert not drift_alerts(bot.service)


def test_a_webhook_for_a_document_the_bot_never_posted_is_counted_and_ignored(bot: Bot) -> None:
    contact = bot.sandboxes.xero.contacts()[0]["ContactID"]
    made = in_xero(
        bot.sandboxes.xero,
        "PUT",
        "Invoices",
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact},
                    "Date": "2026-11-02",
                    "DueDate": "2026-11-30",
                    "Status": "DRAFT",
                    "LineItems": [{"Description": "Typed in Xero", "Quantity": 1, "UnitAmount": 10}],
                }
            ]
        },
    )
    assert made.status_code == 200, made.text
    assert bot.sender.sent and bot.sender.sent[-1].payload["events"][0]["eventType"] == "CREATE"

    run = bot.service.webhooks.process()

    assert run.outcomes == {"not_ours": 1}
    assert not drift_alerts(bot.service)


def serve_once(service: Service, slack: FakeSlack) -> None:
    """Start `xerobot serve`'s composition over `service`, let its start-up work finish, and stop it."""
    server = Server(bot_settings(slack), service, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="xerobot-serve")
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while service.webhooks.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.settle(timeout=30)
    finally:
        server.close()
        thread.join(timeout=20)
    assert not thread.is_alive(), "the server did not stop"


def test_events_stored_before_a_crash_are_processed_once_when_serve_starts(
    synced: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = synced
    wire(service, sandboxes)  # this process answers the webhook, then dies before processing it
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    assert service.webhooks.counts() == {"pending": 1}
    service.close()

    with FakeSlack() as slack:
        restarted, _ = demo_service(store, sandboxes, environment={"XERO_WEBHOOK_KEY": KEY})
        try:
            serve_once(restarted, slack)
            assert restarted.webhooks.counts() == {"checked": 1}
            alerts = drift_alerts(restarted)
            assert [(a.code, a.count) for a in alerts] == [("drift.voided", 1)]
            assert [c.body["channel"] for c in slack.of("chat.postMessage")] == [ALERTS]
            reads = sandboxes.xero.requests_to("Invoices")

            serve_once(restarted, slack)  # the next start finds nothing left to process

            assert sandboxes.xero.requests_to("Invoices") == reads
            assert [(a.code, a.count) for a in drift_alerts(restarted)] == [("drift.voided", 1)]
            assert len(slack.of("chat.postMessage")) == 1
        finally:
            restarted.close()


def test_status_counts_the_webhook_events_and_keeps_the_latest_drift_pass(bot: Bot) -> None:
    sandboxes, service = bot.sandboxes, bot.service
    first = service.status().last_drift  # the fixture's pass, before any change
    assert (
        first is not None and first.complete and (first.calls, first.findings) == (7, 0)
    )  # six endpoints and the transfer sweep
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    stranger = "00000000-0000-0000-0000-0000000000ff"
    assert bot.signed(payload(event(sandboxes, sale["InvoiceID"], tenant=stranger))).status_code == 200
    service.webhooks.process()
    later = event(sandboxes, sale["InvoiceID"], at="2026-11-02T09:00:09.000")
    assert bot.signed(payload(later)).status_code == 200  # stored, not processed yet

    assert service.status().webhooks == WebhookCounts(
        received=3, checked=1, not_ours=0, other_tenant=1, pending=1
    )
    found = service.drift()
    clock = sandboxes.clock
    kept = service.status().last_drift
    assert kept == LastDriftPass(clock.now(), True, None, found.calls, 1, found.examined)

    sandboxes.xero.faults.fail_next(100, status=503, method="GET", path="Invoices")
    cut = service.drift()
    sandboxes.xero.faults.clear()
    stopped = service.last_drift()
    assert not cut.complete and stopped is not None and not stopped.complete
    assert stopped.reason == cut.error and stopped.calls == cut.calls


def test_concurrent_deliveries_of_the_same_events_store_each_once(store: Store) -> None:
    events = [XeroEvent("t", f"r{i}", "INVOICE", "UPDATE", "2026-11-02T09:00:00.000") for i in range(30)]
    # Eight deliveries at once, each carrying an overlapping slice (Xero redelivers, and batches differently).
    slices = [events[start : start + 10] for start in range(0, 24, 3)]
    barrier = threading.Barrier(len(slices))

    def deliver(batch: list[XeroEvent]) -> int:
        barrier.wait()
        return store.webhooks.add(batch)

    with ThreadPoolExecutor(len(slices)) as pool:
        stored = sum(pool.map(deliver, slices))

    distinct = len({e.key for batch in slices for e in batch})
    assert stored == distinct
    with store.unit_of_work() as uow:
        assert uow.webhooks.counts() == {"pending": distinct}


def test_processing_is_started_only_once_the_answer_has_been_sent(store: Store) -> None:
    calls: list[str] = []
    app = wsgi_app(
        None, dict, webhooks=XeroWebhooks(store, None, KEY.encode()), received=lambda: calls.append("run")
    )
    body = json.dumps(payload(event_for("00000000-0000-0000-0000-000000000001"))).encode()
    environ = {
        "PATH_INFO": WEBHOOK_PATH, "REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_XERO_SIGNATURE": signature(body, KEY), "wsgi.input": io.BytesIO(body),
    }  # fmt: skip
    statuses: list[str] = []

    answer = app(environ, lambda status, headers, *_: statuses.append(status))  # type: ignore[arg-type]

    assert statuses == ["200 OK"] and calls == []  # stored and answered; nothing started yet
    assert b"".join(answer) == b""
    getattr(answer, "close", lambda: None)()  # the server has sent the last byte
    assert calls == ["run"]

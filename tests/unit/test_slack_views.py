"""Every message and view the app can produce, filled with the worst the outside world can send (thousands of
documents, very long texts, mrkdwn control characters), passes Slack's validation and pings nobody."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.views import replies
from bot.views.alerts import alert_message as render_alert
from bot.views.alerts import details_modal, fix_modal, ignore_modal, loading_modal
from bot.views.message import Message
from bot.views.report import in_progress_message, notice_message, progress_message, report_message
from bot.views.status import NextRun, check_message, home_refusal_view, home_view, status_message
from bot.views.text import escape, when
from integration.app import Progress, RunInfo, RunningSync, Status, xero_url
from integration.domain import (
    Activity,
    Alert,
    AlertDocument,
    AlertSource,
    ConnectionHealth,
    DocumentKind,
    ItemResult,
    LastDriftPass,
    Outcome,
    Problem,
    RunStatus,
    SourceRef,
    SyncReport,
    WebhookCounts,
    XeroAccount,
)
from tests.fakes.slack import validation_problems
from tests.support.books import demo_xero_chart

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOSTILE = "<!channel> Party Hire & Co <https://evil.example|pay here> " * 40  # ~2,400 characters


def report(
    *, items: int = 2000, failures: int = 300, dry_run: bool = False, status: RunStatus = RunStatus.OK
) -> SyncReport:
    made = SyncReport(1, "slack", "U123", NOW, NOW + timedelta(seconds=3), dry_run=dry_run, status=status)
    made.xero_short_code = "!hF9xQ"
    outcome = Outcome.WOULD_POST if dry_run else Outcome.POSTED
    kinds = [DocumentKind.SALES_INVOICE, DocumentKind.SUPPLIER_INVOICE, DocumentKind.TRUST_RECEIPT]
    made.items += [
        ItemResult(
            SourceRef(kinds[i % 3], f"d{i}"), f"INV-{i:05d}", outcome, Decimal("1234.56"), xero_id=f"x-{i}"
        )
        for i in range(items)
    ]
    made.items += [
        ItemResult(
            SourceRef(DocumentKind.SALES_INVOICE, f"f{i}"),
            f"{HOSTILE[:120]}-{i}",
            Outcome.FAILED,
            Decimal(5),
            error_code="xero.unknown",
            message=HOSTILE,
            fix=HOSTILE,
        )
        for i in range(failures)
    ]
    made.items += [
        ItemResult(SourceRef(kind, f"s{kind}"), "JNL-1", Outcome.SKIPPED_BY_DESIGN, Decimal(1))
        for kind in (DocumentKind.BANK_DEPOSIT, DocumentKind.GENERAL_JOURNAL)
    ]
    made.items.append(
        ItemResult(
            SourceRef(DocumentKind.SALES_INVOICE, "c"),
            "INV-C",
            Outcome.CHANGED_AFTER_POSTING,
            Decimal(9),
            message=HOSTILE,
        )
    )
    made.problems = [Problem("mapping.unmapped_account", f"account:{i}", HOSTILE, HOSTILE) for i in range(60)]
    if status is not RunStatus.OK:
        made.error, made.error_code = HOSTILE, "remote.unavailable"
    return made


def alert(**changes: Any) -> Alert:
    base: dict[str, Any] = {
        "id": 7, "fingerprint": "mapping.unmapped_account:account:5040", "code": "mapping.unmapped_account",
        "subject": "account:5040", "message": HOSTILE, "fix": HOSTILE, "source": AlertSource.SYNC, "count": 12,
        "first_seen": NOW, "last_seen": NOW, "version": 3, "slack_channel": "C1", "slack_ts": "1.2",
        "documents": tuple(AlertDocument(f"sales_invoice:{i}", f"{HOSTILE[:50]}{i}") for i in range(500)),
    }  # fmt: skip
    base.update(changes)
    return Alert(**base)


def drift_alert(code: str, **changes: Any) -> Alert:
    """A drift alert of `code` about one document (its number hostile, as outside text may be)."""
    return alert(
        code=code, fingerprint=f"{code}:xero:abc", subject="xero:abc", source=AlertSource.DRIFT,
        documents=(AlertDocument("sales_invoice:9", HOSTILE[:80]),), **changes,
    )  # fmt: skip


DRIFT_BUTTONS = {
    "drift.paid_elsewhere": ["alert.adopt_payment", "alert.check_again", "alert.ignore", "alert.details"],
    "drift.deleted": ["alert.unlink_ledger", "alert.check_again", "alert.ignore", "alert.details"],
    "drift.voided": ["alert.unlink_ledger", "alert.check_again", "alert.ignore", "alert.details"],
    "drift.edited": ["alert.unlink_ledger", "alert.check_again", "alert.ignore", "alert.details"],
    "drift.payment_deleted": ["alert.unlink_ledger", "alert.check_again", "alert.ignore", "alert.details"],
    "drift.contact_archived": ["alert.check_again", "alert.ignore", "alert.details"],
}


ACTIVITY = [
    Activity(NOW, "U1", "alert.ignore", {"reason": HOSTILE}),
    Activity(NOW, "U2", "alert.unignore"),
    Activity(NOW, "U3", "alert.retry", {"result": "still failing"}),
    Activity(NOW, "U4", "alert.fix", {"mapping": "account:5040", "xero": "429"}),
]


def status(alerts: int = 200) -> Status:
    run = RunInfo(4, "slack", "U9", RunStatus.OK, NOW, NOW, {"posted": 3, "failed": 1})
    return Status(
        run,
        RunningSync(HOSTILE, "slack", NOW),
        [alert(id=i, ignored_at=NOW if i % 2 else None, ignored_by="U1") for i in range(alerts)],
        [ConnectionHealth("xero", True, HOSTILE), ConnectionHealth("actionstep", False, HOSTILE, HOSTILE)],
        webhooks=WebhookCounts(received=1240, checked=1000, not_ours=200, other_tenant=30, pending=10),
        last_drift=LastDriftPass(NOW, False, HOSTILE, 6, 2),
    )


def accounts() -> list[XeroAccount]:
    chart = list(demo_xero_chart().accounts)
    many = [XeroAccount(f"id-{i}", f"{i:03d}", f"Expense {HOSTILE[:90]}", "EXPENSE") for i in range(150)]
    return chart + many


def every_message() -> list[tuple[str, Message | View]]:
    progress = Progress(DocumentKind.PAYMENT_RECEIVED, 1200, 900, 3)
    return [
        ("report", report_message(report())),
        ("preview", report_message(report(dry_run=True))),
        ("interrupted report", report_message(report(status=RunStatus.INTERRUPTED))),
        ("empty report", report_message(report(items=0, failures=0))),
        ("progress", progress_message("U1", False, progress)),
        ("progress before listing", progress_message("U1", True)),
        ("notice", notice_message(HOSTILE)),
        ("sync already running", in_progress_message(HOSTILE, HOSTILE, NOW)),
        ("open alert", render_alert(alert(), ACTIVITY, note="Retrying…")),
        (
            "ignored alert",
            render_alert(alert(ignored_at=NOW, ignored_by="U1", ignore_reason=HOSTILE), ACTIVITY),
        ),
        ("resolved alert", render_alert(alert(resolved_at=NOW))),
        *[(f"{code} alert", render_alert(drift_alert(code), ACTIVITY)) for code in DRIFT_BUTTONS],
        ("details modal", details_modal(alert(), ACTIVITY)),
        ("ignore modal", ignore_modal(alert())),
        ("fix modal", fix_modal(alert(), accounts())),
        ("fix modal for a bank account", fix_modal(alert(code="mapping.not_a_bank_account"), accounts())),
        ("loading modal", loading_modal("Fix mapping", HOSTILE)),
        ("status", status_message(status(), [NextRun(HOSTILE[:80], NOW)])),
        ("home", home_view(status(), [NextRun("Daily summary", NOW)], now=NOW)),
        ("quiet home", home_view(status(alerts=0), now=NOW)),
        ("home refusal", home_refusal_view()),
        ("healthy check", check_message([])),
        (
            "check",
            check_message(
                [Problem("mapping.unmapped_account", f"a:{i}", HOSTILE, HOSTILE) for i in range(300)]
            ),
        ),
        ("help", replies.help_message()),
        ("refusal", replies.refusal("run a sync")),
        ("busy", replies.busy()),
        ("failed", replies.failed("running the sync")),
        ("text", replies.text_message(HOSTILE)),
        ("outcome", replies.outcome(HOSTILE, "U1")),
    ]


@pytest.mark.parametrize(("name", "made"), every_message(), ids=[name for name, _ in every_message()])
def test_every_message_passes_slacks_validation_and_pings_nobody(name: str, made: Message | View) -> None:
    if isinstance(made, View):
        sent: dict[str, Any] = {"view": made.to_dict()}
        problems = validation_problems("views.open", sent)
    else:
        sent = made.payload()
        problems = validation_problems("chat.postMessage", sent)
    assert problems == []
    parsed = ([sent["text"]] if "text" in sent else []) + mrkdwn(sent)
    assert parsed and not any("<!channel>" in text or "<https://evil" in text for text in parsed)


def mrkdwn(payload: Any) -> list[str]:
    """Every mrkdwn text object in a payload (plain_text is shown as it is, so a name there pings nobody)."""
    found: list[str] = []
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn":
            found.append(payload["text"])
        for value in payload.values():
            found += mrkdwn(value)
    elif isinstance(payload, list):
        for value in payload:
            found += mrkdwn(value)
    return found


def test_a_report_too_long_for_one_message_says_how_many_more_there_are() -> None:
    payload = report_message(report()).payload()
    assert len(payload["blocks"]) <= 50
    notes = [b["elements"][0]["text"] for b in payload["blocks"] if b["type"] == "context"]
    more = [n for n in notes if n.startswith("…and ")]
    assert more and all(int(n.split()[1].replace(",", "")) > 0 for n in more)
    shown_posted = json.dumps(payload).count("ID=x-")
    posted_more = int(more[-1].split()[1].replace(",", ""))
    assert shown_posted > 0 and shown_posted + posted_more == 2000


def test_xero_deep_links_use_the_short_code_and_the_page_for_the_kind() -> None:
    base = "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21hF9xQ&redirecturl="
    assert (
        xero_url("!hF9xQ", DocumentKind.SALES_INVOICE, "abc")
        == base + "/AccountsReceivable/View.aspx?InvoiceID=abc"
    )
    assert (
        xero_url("!hF9xQ", DocumentKind.SUPPLIER_INVOICE, "abc")
        == base + "/AccountsPayable/View.aspx?InvoiceID=abc"
    )
    assert (
        xero_url("!hF9xQ", DocumentKind.CREDIT_NOTE, "abc")
        == base + "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID=abc"
    )
    assert (
        xero_url("!hF9xQ", DocumentKind.TRUST_PAYMENT, "abc")
        == base + "/Bank/ViewTransaction.aspx?bankTransactionID=abc"
    )
    assert xero_url(None, DocumentKind.SALES_INVOICE, "abc") is None
    assert xero_url("!hF9xQ", DocumentKind.PAYMENT_RECEIVED, "abc") is None


def test_escaping_replaces_only_slacks_three_control_characters_ampersand_first() -> None:
    assert escape("<!here> & <@U1> *bold* `code`") == "&lt;!here&gt; &amp; &lt;@U1&gt; *bold* `code`"
    assert escape("&lt;") == "&amp;lt;"


def test_times_are_shown_in_each_readers_time_zone_with_a_utc_fallback() -> None:
    assert when(NOW) == f"<!date^{int(NOW.timestamp())}^{{date_short_pretty}} {{time}}|02 Nov 2026 09:00 UTC>"
    assert when(None) == "never"


def test_status_and_app_home_show_the_webhook_events_and_the_latest_drift_pass() -> None:
    quiet = status(alerts=0)
    watched = Status(
        quiet.last_run, None, [], quiet.connections,
        webhooks=WebhookCounts(received=12, checked=7, not_ours=3, other_tenant=1, pending=1),
        last_drift=LastDriftPass(NOW, True, None, 6, 2),
    )  # fmt: skip
    for blocks in (
        status_message(watched).payload()["blocks"],
        home_view(watched, now=NOW).to_dict()["blocks"],
    ):
        notes = " ".join(e["text"] for b in blocks if b["type"] == "context" for e in b["elements"])
        assert (
            "*Xero webhooks:* 12 events received: 7 checked, 3 not the bot's, 1 another organisation's, "
            "1 waiting to be processed." in notes
        )
        assert f"*Last drift pass:* {when(NOW)}, complete: 6 Xero calls, 2 changed documents found." in notes

    skipped = Status(
        quiet.last_run,
        None,
        [],
        quiet.connections,
        last_drift=LastDriftPass(NOW, False, "only 12 calls <left>", 0, 0),
    )
    text = json.dumps(status_message(skipped).payload())
    assert "not complete (only 12 calls &lt;left&gt;)" in text
    assert "Xero webhooks" not in text  # off here, and none ever received
    assert "*Last drift pass:* none yet." in json.dumps(status_message(Status(None, None, [], [])).payload())


def test_app_home_counts_the_documents_changed_in_xero() -> None:
    drifted = [
        alert(id=900 + i, code="drift.voided", source=AlertSource.DRIFT, documents=()) for i in range(3)
    ]
    quiet = status(alerts=0)
    home = home_view(Status(quiet.last_run, None, drifted, quiet.connections), now=NOW).to_dict()
    notes = [b["elements"][0]["text"] for b in home["blocks"] if b["type"] == "context"]
    assert any(n.startswith(":mag: 3 documents changed in Xero") for n in notes)


@pytest.mark.parametrize(("code", "expected"), DRIFT_BUTTONS.items())
def test_a_drift_alert_offers_the_buttons_that_fit_its_change_and_never_retry(
    code: str, expected: list[str]
) -> None:
    payload = render_alert(drift_alert(code)).payload()
    (actions,) = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == expected
    ignored = render_alert(drift_alert(code, ignored_at=NOW, ignored_by="U1")).payload()
    (undo,) = [b for b in ignored["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in undo["elements"]] == ["alert.unignore", "alert.details"]


def test_an_overdrawn_matter_alert_offers_details_only_never_retry_or_ignore() -> None:
    trust = alert(code="trust.overdrawn", fingerprint="trust.overdrawn:matter:5002", subject="matter:5002",
                  source=AlertSource.TRUST, documents=())  # fmt: skip
    (actions,) = [b for b in render_alert(trust).payload()["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["alert.details"]


def test_the_unlink_button_asks_first_and_escapes_the_document_number() -> None:
    payload = render_alert(drift_alert("drift.voided")).payload()
    (actions,) = [b for b in payload["blocks"] if b["type"] == "actions"]
    confirm = actions["elements"][0]["confirm"]
    assert confirm["title"]["text"] == "Unlink in the ledger?"
    assert "<!channel>" not in confirm["text"]["text"] and "never Xero" in confirm["text"]["text"]

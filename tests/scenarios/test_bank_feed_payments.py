"""A receipt the bank feed already matched in Xero is never posted a second time: adopted at once (`auto`), held
with an alert whose Link / Post anyway act once however often they are clicked (`ask`), posted as before (`off`)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import unquote_plus

import pytest

from bot import ids
from integration.app import Service
from integration.domain import Outcome, PaymentReceived, SourceRef
from integration.rules.bankfeed import AdoptMode, PaymentMatching
from integration.store import Store
from integration.sync.engine import SyncEngine
from tests.support.bot import RunningBot
from tests.support.engine import demo_service
from tests.support.firm import Firm, _stamp, demo_firm, sales_invoice

INVOICE_TOTAL = Decimal("110.00")  # sales_invoice's 100.00 and its GST


def receipt(
    number: str, invoice: str, amount: Decimal = INVOICE_TOTAL, when: date = date(2026, 10, 5)
) -> PaymentReceived:
    stamp = _stamp()
    return PaymentReceived(
        id=f"rc-{number}", number=number, date=when, version=stamp.isoformat(), modified_at=stamp,
        invoice=SourceRef(sales_invoice(invoice).kind, f"si-{invoice}"), bank_account_id="1000", amount=amount,
    )  # fmt: skip


def invoice_in_xero(firm: Firm, number: str = "INV-50") -> str:
    """Post the invoice through a sync; its Xero id."""
    firm.actionstep.add(sales_invoice(number))
    firm.service.sync("test", "tester")
    return next(d.xero_id for d in firm.xero.posted if d.number == number)


def payments_posted(firm: Firm) -> list[str]:
    return [d.reference or "" for d in firm.xero.posted if d.xero_type == "PAYMENT" and d.reference]


@contextmanager
def firm_with(database_url: str, mode: AdoptMode) -> Iterator[Firm]:
    """The demo firm with its service built for `mode`, as `bootstrap` builds it from the setting."""
    with demo_firm(database_url) as firm:
        engine = SyncEngine(firm.store, firm.actionstep, firm.xero, matching=PaymentMatching(mode, 7))
        service = Service(firm.store, firm.actionstep, firm.xero, engine)
        yield replace(firm, service=service)


def test_a_receipt_the_bank_feed_already_matched_is_adopted_in_auto_and_never_posted_twice(
    database_url: str,
) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        invoice = invoice_in_xero(firm)
        fed = firm.xero.bank_feed_payment(invoice, INVOICE_TOTAL, date(2026, 10, 3))
        firm.actionstep.add(receipt("RC-1", "INV-50"))

        first = firm.service.sync("test", "tester").report
        second = firm.service.sync("test", "tester").report

        (item,) = [i for i in first.items if i.number == "RC-1"]
        assert item.outcome is Outcome.ADOPTED and item.xero_id == fed
        assert item.message and item.message.startswith("Adopted from Xero") and "110.00" in item.message
        assert payments_posted(firm) == []
        assert [i.outcome for i in second.items if i.number == "RC-1"] in ([], [Outcome.ALREADY_LINKED])


def test_an_adopted_payment_is_linked_as_xero_dates_it_so_drift_sees_no_change(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        invoice = invoice_in_xero(firm)
        firm.xero.bank_feed_payment(invoice, INVOICE_TOTAL, date(2026, 10, 3))
        firm.actionstep.add(receipt("RC-1", "INV-50", when=date(2026, 10, 5)))
        firm.service.sync("test", "tester")
        ref = SourceRef(PaymentReceived.KIND, "rc-RC-1")
        with firm.store.unit_of_work() as uow:
            link = uow.links.active_for([ref])[ref]
        assert link.posted_date == date(2026, 10, 3)


def test_a_receipt_against_an_invoice_xero_shows_unpaid_costs_no_payments_read(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        invoice_in_xero(firm)
        firm.actionstep.add(receipt("RC-1", "INV-50"))
        reads = firm.xero.invoice_reads

        result = firm.service.sync("test", "tester")

        assert [i.outcome for i in result.report.items if i.number == "RC-1"] == [Outcome.POSTED]
        assert firm.xero.invoice_reads == reads + 1 and firm.xero.payment_reads == []


def test_a_receipt_against_an_invoice_paid_only_by_this_bot_costs_no_payments_read(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        invoice_in_xero(firm)
        firm.actionstep.add(receipt("RC-1", "INV-50", Decimal("50.00")))
        firm.service.sync("test", "tester")
        firm.actionstep.add(receipt("RC-2", "INV-50", Decimal("60.00"), date(2026, 10, 6)))

        result = firm.service.sync("test", "tester")

        assert [i.outcome for i in result.report.items if i.number == "RC-2"] == [Outcome.POSTED]
        assert payments_posted(firm) == ["RC-1", "RC-2"] and firm.xero.payment_reads == []


def test_only_an_invoice_with_a_payment_the_bot_did_not_post_is_asked_about_its_payments(
    database_url: str,
) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        fed_invoice = invoice_in_xero(firm)
        invoice_in_xero(firm, "INV-51")
        fed = firm.xero.bank_feed_payment(fed_invoice, INVOICE_TOTAL, date(2026, 10, 3))
        firm.actionstep.add(receipt("RC-1", "INV-50"))
        firm.actionstep.add(receipt("RC-2", "INV-51"))

        report = firm.service.sync("test", "tester").report

        outcomes = {i.number: (i.outcome, i.xero_id) for i in report.items if i.number.startswith("RC-")}
        assert outcomes["RC-1"] == (Outcome.ADOPTED, fed) and outcomes["RC-2"][0] is Outcome.POSTED
        assert firm.xero.payment_reads == [[fed_invoice.lower()]]


def test_over_the_sandbox_only_the_invoice_the_bank_feed_paid_is_read_from_payments(store: Store) -> None:
    service, sandboxes = demo_service(store)

    report = service.sync("test", "U1").report

    assert [i.number for i in report.items if i.outcome is Outcome.ADOPTED] == ["RCT-5004"]
    reads = [r for r in sandboxes.xero.requests if r.method == "GET" and r.path.endswith("/Payments")]
    fed = next(i["InvoiceID"] for i in sandboxes.xero.invoices() if i["InvoiceNumber"] == "INV-1010")
    assert len(reads) == 1 and unquote_plus(reads[0].query).count("Guid(") == 1 and fed in reads[0].query
    assert all(len(r.query) <= 2048 for r in sandboxes.xero.requests)  # Xero's query-string limit


def test_a_different_amount_is_never_adopted_and_the_alert_says_what_differs(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        invoice = invoice_in_xero(firm)
        firm.xero.bank_feed_payment(invoice, Decimal("100.00"), date(2026, 10, 5))
        firm.actionstep.add(receipt("RC-2", "INV-50"))

        result = firm.service.sync("test", "tester")

        (item,) = [i for i in result.report.items if i.number == "RC-2"]
        assert item.outcome is Outcome.BLOCKED and item.error_code == "payment.paid_in_xero"
        assert payments_posted(firm) == []
        (alert,) = [a for a in firm.service.alerts.unresolved() if a.code == "payment.paid_in_xero"]
        assert "RC-2" in alert.message and "INV-50" in alert.message
        assert "Xero's payment is 100.00, Actionstep's is 110.00" in alert.message


def test_a_payment_dated_outside_the_window_is_asked_about_not_adopted(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.AUTO) as firm:
        invoice = invoice_in_xero(firm)
        firm.xero.bank_feed_payment(invoice, INVOICE_TOTAL, date(2026, 10, 5) + timedelta(days=20))
        firm.actionstep.add(receipt("RC-3", "INV-50"))

        firm.service.sync("test", "tester")

        (alert,) = [a for a in firm.service.alerts.unresolved() if a.code == "payment.paid_in_xero"]
        assert "20 days from Actionstep's" in alert.message
        assert payments_posted(firm) == []


def test_off_posts_as_today(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.OFF) as firm:
        invoice = invoice_in_xero(firm)
        firm.xero.bank_feed_payment(invoice, INVOICE_TOTAL, date(2026, 10, 3))
        firm.actionstep.add(receipt("RC-4", "INV-50"))
        calls = firm.xero.api_calls

        result = firm.service.sync("test", "tester")

        assert [i.outcome for i in result.report.items if i.number == "RC-4"] == [Outcome.POSTED]
        assert payments_posted(firm) == ["RC-4"]
        assert firm.xero.api_calls - calls < 10


def test_off_still_reports_xeros_refusal_as_before(database_url: str) -> None:
    with firm_with(database_url, AdoptMode.OFF) as firm:
        invoice = invoice_in_xero(firm)
        firm.xero.bank_feed_payment(invoice, INVOICE_TOTAL, date(2026, 10, 3))
        words = (
            "xero.payment_exceeds_outstanding",
            "Payment amount exceeds the amount outstanding on this document",
        )
        firm.xero.refuse_documents["RC-5"] = words
        firm.actionstep.add(receipt("RC-5", "INV-50"))

        result = firm.service.sync("test", "tester")

        (item,) = [i for i in result.report.items if i.number == "RC-5"]
        assert item.outcome is Outcome.FAILED and item.message == words[1]


def held_alert(bot: RunningBot, number: str = "RC-9", amount: Decimal = INVOICE_TOTAL) -> tuple[int, str]:
    """In `ask` (the default), a receipt Xero already shows paid: the alert's id and the Xero payment's id."""
    invoice = invoice_in_xero(bot.firm)
    fed = bot.firm.xero.bank_feed_payment(invoice, amount, date(2026, 10, 4))
    bot.firm.actionstep.add(receipt(number, "INV-50"))
    bot.command("sync")
    bot.settle()
    (alert,) = [a for a in bot.firm.service.alerts.unresolved() if a.code == "payment.paid_in_xero"]
    return alert.id, fed


def links_of(bot: RunningBot, number: str) -> list[str]:
    with bot.firm.store.engine.connect() as connection:
        from sqlalchemy import text

        rows = connection.execute(
            text("SELECT xero_id FROM links WHERE source_number = :n AND state = 'linked'"), {"n": number}
        )
        return [row[0] for row in rows]


def test_in_ask_an_alert_appears_and_link_adopts_it_once_under_ten_concurrent_clicks(bot: RunningBot) -> None:
    alert_id, fed = held_alert(bot)
    message = str(bot.message("CALERTS", bot.firm.service.alerts.get(alert_id).slack_ts or ""))
    assert "Link to the Xero payment" in message and "Post anyway" in message and "Ignore" in message

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: bot.click(ids.ALERT_LINK_PAYMENT, alert_id), range(10)))
    bot.settle()

    assert links_of(bot, "RC-9") == [fed]
    assert payments_posted(bot.firm) == []
    assert bot.firm.service.alerts.get(alert_id).resolved_at is not None
    with bot.firm.store.unit_of_work() as uow:
        linked = [e for e in uow.audit.recent(200) if e.action == "alert.link_xero_payment"]
    assert len(linked) == 1
    bot.command("sync")
    bot.settle()
    assert payments_posted(bot.firm) == []


def test_post_anyway_posts_once_under_repeated_clicks(bot: RunningBot) -> None:
    alert_id, fed = held_alert(bot, "RC-8")

    with ThreadPoolExecutor(5) as pool:
        list(pool.map(lambda _: bot.click(ids.ALERT_POST_ANYWAY, alert_id), range(5)))
    bot.settle()
    bot.click(ids.ALERT_POST_ANYWAY, alert_id)
    bot.settle()
    bot.command("sync")
    bot.settle()

    assert payments_posted(bot.firm) == ["RC-8"]
    assert links_of(bot, "RC-8") != [fed] and len(links_of(bot, "RC-8")) == 1
    with bot.firm.store.engine.connect() as connection:
        from sqlalchemy import text

        decided = connection.execute(
            text(
                "SELECT xero_payment_id, source_id, decided_by FROM xero_payment_decisions WHERE decision = :d"
            ),
            {"d": "post_anyway"},
        ).all()
    assert [tuple(row) for row in decided] == [
        (fed.lower(), "rc-RC-8", "UBOOK")
    ]  # recorded once, not per click


def test_people_without_the_role_cannot_link(bot: RunningBot) -> None:
    from tests.support.bot import STRANGER

    alert_id, _ = held_alert(bot, "RC-7")
    bot.click(ids.ALERT_LINK_PAYMENT, alert_id, user=STRANGER)
    bot.settle()
    assert links_of(bot, "RC-7") == []
    assert bot.replies_to(STRANGER)


@pytest.mark.parametrize("mode", ["sometimes", "yes"])
def test_a_wrong_adopt_mode_stops_start_up_naming_the_variable(mode: str) -> None:
    from integration.errors import ConfigError
    from integration.settings import load_settings

    with pytest.raises(ConfigError, match="XEROBOT_ADOPT_XERO_PAYMENTS"):
        load_settings(xerobot_adopt_xero_payments=mode)
    with pytest.raises(ConfigError, match="XEROBOT_PAYMENT_MATCH_DAYS"):
        load_settings(xerobot_payment_match_days=91)

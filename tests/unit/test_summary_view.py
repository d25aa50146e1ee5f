"""The daily summary message: inside Slack's limits however bad the day (thousands of alerts, hostile text), "and N
more" where it is cut, pinging nobody, and a short "all clear" on a quiet day."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from bot.views.status import NextRun
from bot.views.summary import age, summary_message
from integration.domain import AlertSource, AlertState, ConnectionHealth, DocumentKind
from integration.rules.summary import KindTally, PendingUnlink, Summary, drift_line
from tests.fakes.slack import validation_problems
from tests.unit.test_slack_views import HOSTILE, NOW, alert, mrkdwn

ALERT = alert(documents=())
HEALTHY = (
    ConnectionHealth("xero", True, "Connected to Harbour Law."),
    ConnectionHealth("actionstep", True, "ok"),
)


DRIFT_MESSAGE = (
    "INV-1001 (sales invoice INV-1001) was changed in Xero by Jane Ng on 2026-11-02 04:10 UTC: "
    "status: posted → voided. Actionstep still shows sales invoice INV-1001 as posted."
)


DRIFT_FACTS = {
    "number": "INV-1001",
    "changes": "status: posted → voided",
    "who": "Jane Ng",
    "at": "2026-11-02T04:10:00+00:00",
}


def drifted(count: int, message: str = DRIFT_MESSAGE, facts: dict | None = DRIFT_FACTS) -> tuple:  # type: ignore[type-arg]
    return tuple(
        drift_line(
            replace(
                ALERT,
                id=1_000 + i,
                code="drift.voided",
                source=AlertSource.DRIFT,
                message=message,
                facts=facts,
            )
        )
        for i in range(count)
    )


def summary(
    *, alerts: int = 0, unlinks: int = 0, posted: bool = True, connections=HEALTHY, drift: int = 0
) -> Summary:  # type: ignore[no-untyped-def]
    kinds = [k for k in DocumentKind if k.pushed]
    return Summary(
        since=NOW - timedelta(days=1),
        until=NOW,
        runs=96,
        posted=tuple(KindTally(k, 1_000 + n, Decimal("1234567.89")) for n, k in enumerate(kinds))
        if posted
        else (),
        skipped=(KindTally(DocumentKind.BANK_DEPOSIT, 12, Decimal(5)),),
        failures=tuple(replace(ALERT, id=i, first_seen=NOW - timedelta(days=i)) for i in range(alerts)),
        ignored=3,
        unlinks=tuple(
            PendingUnlink(i, f"{HOSTILE[:60]}{i}", "U123", NOW - timedelta(hours=i), NOW + timedelta(hours=1))
            for i in range(unlinks)
        ),
        connections=connections,
        drift=drifted(drift),
    )


def test_a_bad_day_fits_one_message_says_how_many_more_and_pings_nobody() -> None:
    broken = (ConnectionHealth("xero", False, HOSTILE, HOSTILE, "auth.expired"), HEALTHY[1])
    payload = summary_message(
        summary(alerts=2_000, unlinks=500, connections=broken, drift=800), [NextRun(HOSTILE[:80], NOW)]
    ).payload()
    assert validation_problems("chat.postMessage", payload) == []
    assert len(payload["blocks"]) <= 50 and len(json.dumps(payload["blocks"])) < 40_000
    notes = [b["elements"][0]["text"] for b in payload["blocks"] if b["type"] == "context"]
    assert [n for n in notes if n.startswith("…and ")] == [
        "…and 1,985 more.",
        "…and 795 more.",
        "…and 490 more.",
    ]
    texts = [payload["text"], *mrkdwn(payload)]
    assert not any("<!channel>" in t or "<https://evil" in t for t in texts)
    assert payload["text"] == (
        "Daily sync summary: 9,036 documents posted; 2,000 open alerts, 800 documents changed in Xero, "
        "500 unlink requests waiting, a connection needs attention"
    )


def test_failures_are_listed_oldest_first_with_their_age() -> None:
    made = summary(alerts=3)
    assert [a.id for a in made.failures] == [0, 1, 2]  # as the service orders them
    text = json.dumps(summary_message(made).payload())
    assert "open 2 days" in text and "open 1 day," in text and "All clear" not in text


def test_a_quiet_day_still_gets_a_short_all_clear() -> None:
    payload = summary_message(
        summary(posted=False), [NextRun("Daily summary", NOW + timedelta(days=1))]
    ).payload()
    sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert sections[0].startswith(":white_check_mark: *All clear.*")
    assert any(s.startswith("*Posted to Xero:* nothing since") for s in sections)
    assert any("Daily summary" in s for s in sections)
    assert payload["text"] == "Daily sync summary: 0 documents posted; all clear"
    assert len(payload["blocks"]) < 10


def test_ages_read_in_the_largest_unit_that_says_them() -> None:
    assert [
        age(timedelta(days=3, hours=5)),
        age(timedelta(hours=5, minutes=59)),
        age(timedelta(seconds=5)),
    ] == [
        "3 days",
        "5 h",
        "1 min",
    ]


def test_an_ignored_alert_is_counted_not_listed() -> None:
    made = summary(alerts=1)
    assert all(a.state is AlertState.OPEN for a in made.failures)
    assert "3 alerts ignored" in json.dumps(summary_message(made).payload())


def test_changed_in_xero_lists_the_first_drifts_with_what_changed_and_who_and_when() -> None:
    payload = summary_message(summary(drift=7)).payload()
    sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    drift = next(s for s in sections if "*Changed in Xero: 7 documents*" in s)
    assert drift.count("• ") == 5
    assert "status: posted → voided (by Jane Ng on 2026-11-02 04:10 UTC)" in drift and "INV-1001" in drift
    notes = [b["elements"][0]["text"] for b in payload["blocks"] if b["type"] == "context"]
    assert "…and 2 more." in notes and "All clear" not in json.dumps(payload)
    assert payload["text"].endswith("7 documents changed in Xero")


def test_a_hostile_drift_message_is_shown_escaped_and_pings_nobody() -> None:
    hostile_facts = {"number": HOSTILE[:80], "changes": HOSTILE, "who": HOSTILE, "at": None}
    lines = drifted(2, HOSTILE, None) + drifted(2, HOSTILE, hostile_facts)
    payload = summary_message(replace(summary(), drift=lines)).payload()
    assert validation_problems("chat.postMessage", payload) == []
    assert not any("<!channel>" in t or "<https://evil" in t for t in mrkdwn(payload))

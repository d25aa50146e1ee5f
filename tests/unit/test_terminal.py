"""Reports printed in a terminal show outside text as it is: never read as rich markup, never a crash."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

from rich.console import Console

from bot.terminal import print_report
from integration.domain import DocumentKind, ItemResult, Outcome, Problem, RunStatus, SourceRef, SyncReport

WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_a_document_number_that_looks_like_markup_is_printed_as_it_is() -> None:
    number, message = "INV-[/]7 [bold]", "Xero said [red]no[/red] to [/]"
    report = SyncReport(7, "cli", "me", WHEN, WHEN, status=RunStatus.OK)
    report.items.append(
        ItemResult(SourceRef(DocumentKind.SALES_INVOICE, "7"), number, Outcome.FAILED, Decimal("1.00"),
                   error_code="xero.unknown", message=message, fix="[/] fix it")
    )  # fmt: skip
    report.problems.append(
        Problem("xero.unknown", "post:7", message, "[/]", documents=(report.items[0].source,))
    )
    out = io.StringIO()
    print_report(Console(file=out, width=200, color_system=None), report)
    printed = out.getvalue()
    assert number in printed and message in printed and "[/] fix it" in printed


def test_the_printed_summary_has_a_changed_in_xero_table_with_who_and_when() -> None:
    from datetime import timedelta

    from bot.terminal import print_summary
    from integration.domain import Alert, AlertSource
    from integration.rules.summary import Summary, drift_line

    said = (
        "INV-[/]4 (sales invoice INV-4) was changed in Xero by Jane Ng on 2026-11-02 04:10 UTC: "
        "status: posted → voided. Receipts for it will fail."
    )
    facts = {
        "number": "INV-[/]4",
        "changes": "status: posted → voided",
        "who": "Jane Ng",
        "at": "2026-11-02T04:10:00Z",
    }
    alert = Alert(
        1, "f", "drift.voided", "xero:a", said, "Look.", AlertSource.DRIFT, 1, WHEN, WHEN, 1, facts=facts
    )
    summary = Summary(WHEN - timedelta(days=1), WHEN, 1, (), (), (), 0, (), (), (drift_line(alert),))
    out = io.StringIO()
    print_summary(Console(file=out, width=200, color_system=None), summary, [], UTC)
    printed = out.getvalue()
    assert "Changed in Xero (1, oldest first)" in printed and "All clear" not in printed
    assert "INV-[/]4" in printed and "status: posted → voided" in printed
    assert "Jane Ng on 2026-11-02 04:10 UTC" in printed

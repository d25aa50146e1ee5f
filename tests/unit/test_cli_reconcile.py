"""`xerobot reconcile [--period YYYY-MM] [--json] [--csv FILE]` over a month-end use case the test steers
(`tests.fakes.reconciling`): a readable table, JSON and the CSV as the use case renders them, and the exit code:
0 when the month agrees, 1 when it differs or is incomplete, 2 for a wrong month (the reason, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot import cli, cli_reconcile
from integration.app import ReconcileResult, reconcile_csv, reconcile_json
from integration.domain import Gap
from tests.fakes.reconciling import FakeReconciling
from tests.support.reconcile import JULY, agreeing, difference, result


class FakeService:
    def __init__(self, reconciling: FakeReconciling) -> None:
        self.reconciling = reconciling
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the command run over a fake use case answering `made`."""

    def install(made: ReconcileResult) -> FakeService:
        service = FakeService(FakeReconciling(made))
        monkeypatch.setattr(cli_reconcile, "settings", lambda: None)
        # Rich reads COLUMNS once, when the console is made (at import, maybe by another test): fix the width.
        monkeypatch.setattr(cli_reconcile.console, "width", 220)
        monkeypatch.setattr(cli_reconcile.startup, "start", lambda _settings: service)
        return service

    return install


def flat(output: str) -> str:
    return " ".join(output.replace("│", " ").replace("┃", " ").split())


def run(*args: str) -> Any:
    return CliRunner().invoke(cli.app, ["reconcile", *args], env={"COLUMNS": "220"})


def test_an_agreeing_month_prints_the_tables_and_exits_0(use: Any) -> None:
    service = use(result())
    done = run("--period", "2026-07")

    assert done.exit_code == 0, done.output
    out = flat(done.output)
    assert "Month end July 2026: agrees" in out and "No differences." in out
    assert "Sales invoices 12 4,500.00 450.00 12 4,500.00 450.00 ok" in out
    assert "Actionstep ledger 900.00 | Xero Trust Liability 900.00 | Xero trust bank 900.00" in out
    assert "[x] Every approved document is in Xero" in out and "Nothing was written to Xero." in out
    assert service.reconciling.runs == [JULY] and service.closed


def test_without_a_period_it_reconciles_the_month_before_today(use: Any) -> None:
    service = use(result())
    assert run().exit_code == 0
    assert service.reconciling.runs == [None]


def test_differences_are_listed_with_gap_number_amounts_reason_and_fix_and_exit_1(use: Any) -> None:
    use(result(agreeing(differences=(difference("[bold]INV-7[/bold]", Gap.NOT_POSTED),))))
    done = run("--period", "2026-07")

    assert done.exit_code == 1, done.output
    out = flat(done.output)
    assert "Month end July 2026: 1 difference" in out
    assert "not posted [bold]INV-7[/bold] sales invoice 14 Jul 2026" in out
    assert "Xero's total is not what was posted." in out and "Unlink it and post it again." in out


def test_an_incomplete_month_says_so_never_agrees_and_exits_1(use: Any) -> None:
    use(result(agreeing(incomplete=("Xero's balance sheet could not be read",))))
    done = run("--period", "2026-07")

    assert done.exit_code == 1
    assert "Month end July 2026: incomplete: Xero's balance sheet could not be read" in flat(done.output)
    assert "agrees" not in done.output


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2026-13", "is not a month. Give the period as YYYY-MM"), ("2027-01", "has not started yet")],
)
def test_a_wrong_or_future_month_exits_2_with_the_reason_and_no_traceback(
    use: Any, period: str, expected: str
) -> None:
    service = use(result())
    done = run("--period", period)

    assert done.exit_code == 2
    assert expected in flat(done.output) and "Traceback" not in done.output
    assert service.reconciling.runs == [] and service.closed


def test_json_prints_the_reconciliation_as_the_use_case_renders_it(use: Any) -> None:
    made = result(agreeing(differences=(difference(),)))
    use(made)
    done = run("--period", "2026-07", "--json")

    assert done.exit_code == 1
    assert json.loads(done.output) == json.loads(json.dumps(reconcile_json(made.reconciliation), default=str))


def test_csv_writes_every_difference_to_the_file(use: Any, tmp_path: Path) -> None:
    made = result(agreeing(differences=tuple(difference(f"INV-{n}") for n in range(20))))
    use(made)
    target = tmp_path / "july.csv"
    done = run("--period", "2026-07", "--csv", str(target))

    assert done.exit_code == 1
    assert target.read_bytes() == reconcile_csv(made.reconciliation).encode()
    assert f"Wrote 20 difference(s) to {target}." in flat(done.output)


def test_csv_into_a_folder_that_does_not_exist_exits_2_before_reading_anything(
    use: Any, tmp_path: Path
) -> None:
    service = use(result())
    done = run("--csv", str(tmp_path / "nowhere" / "july.csv"))

    assert done.exit_code == 2 and "does not exist" in flat(done.output)
    assert service.reconciling.runs == []

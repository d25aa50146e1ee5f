"""`xerobot unlink NUMBER [--void-in-xero] [--yes]` against the demo firm's sandboxes served on loopback: the same
plan as in Slack, a confirmation prompt unless --yes, and the outcome in the ledger and in Xero."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo import DEMO_MAPPINGS
from integration.app import bootstrap
from integration.settings import load_settings
from sandboxes.server import Sandboxes, settings_for
from tests.support.http import serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[dict[str, str], Sandboxes]]:
    """The demo sandboxes on loopback, a ledger with the demo mappings, and one sync done."""
    sandboxes = Sandboxes.demo()
    with serving(sandboxes) as base:
        env = {**settings_for(base), "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
        store = bootstrap.open_store(load_settings(database_url=env["DATABASE_URL"]))
        bootstrap.seed_mappings(store, DEMO_MAPPINGS, actor="demo")
        store.close()
        assert CliRunner().invoke(app, ["sync"], env=env).exit_code == 0
        yield env, sandboxes


def flat(output: str) -> str:
    """The output as one line of words: panels wrap to whatever width the terminal has."""
    return " ".join(output.replace("│", " ").split())


def status_of(sandboxes: Sandboxes, number: str) -> str:
    return next(str(i["Status"]) for i in sandboxes.xero.invoices() if i["InvoiceNumber"] == number)


def test_unlink_with_void_in_xero_and_yes_deletes_the_payments_and_voids_the_invoice(
    served: tuple[dict[str, str], Sandboxes],
) -> None:
    env, sandboxes = served
    result = CliRunner().invoke(app, ["unlink", "INV-1001", "--void-in-xero", "--yes"], env=env)

    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert out.index("1. Delete payment RCT-5001") < out.index("3. Void sales invoice INV-1001")
    assert "done: Void sales invoice INV-1001 in Xero and unlink it" in out and "Unlinked INV-1001." in out
    assert status_of(sandboxes, "INV-1001") == "VOIDED"


def test_unlink_asks_first_and_a_no_changes_nothing(served: tuple[dict[str, str], Sandboxes]) -> None:
    env, sandboxes = served
    declined = CliRunner().invoke(app, ["unlink", "INV-1002"], env=env, input="n\n")

    out = flat(declined.output)
    assert declined.exit_code == 1 and "Unlink INV-1002? [y/N]" in out
    assert "Nothing was changed." in out and "the Xero copy of INV-1002 stays" in out

    accepted = CliRunner().invoke(app, ["unlink", "INV-1002"], env=env, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert status_of(sandboxes, "INV-1002") == "AUTHORISED", "unlink only leaves Xero alone"
    again = CliRunner().invoke(app, ["unlink", "INV-1002", "--yes"], env=env)
    assert again.exit_code == 1 and "was already unlinked" in flat(again.output)


def test_unlink_of_an_unknown_number_suggests_the_closest_and_exits_1(
    served: tuple[dict[str, str], Sandboxes],
) -> None:
    env, _ = served
    result = CliRunner().invoke(app, ["unlink", "SUP2002", "--yes"], env=env)
    assert result.exit_code == 1 and "Did you mean SUP-2002" in flat(result.output)


def test_with_the_two_person_rule_the_command_line_refuses_and_points_to_slack(
    served: tuple[dict[str, str], Sandboxes],
) -> None:
    env, sandboxes = served
    result = CliRunner().invoke(
        app, ["unlink", "INV-1001", "--yes"], env={**env, "XEROBOT_UNLINK_TWO_PERSON": "true"}
    )
    assert result.exit_code == 1 and "/xero unlink INV-1001" in flat(result.output)
    assert status_of(sandboxes, "INV-1001") == "PAID"

"""`xerobot mappings suggest` and `xerobot mappings import` against the demo firm's sandboxes served on loopback:
suggestions from a ledger without the demo's mappings make the first sync post; an import reads Xero's chart once
and stores every row or none, naming each bad row by its line in the file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from integration.app import bootstrap
from integration.settings import load_settings
from sandboxes import demo_chart
from sandboxes.server import Sandboxes, settings_for
from tests.support.http import serving

KEYS = {"kind", "source", "source_name", "xero", "xero_name", "confidence"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[dict[str, str], Sandboxes]]:
    """The demo sandboxes on loopback and an empty ledger: no mapping stored."""
    sandboxes = Sandboxes.demo()
    with serving(sandboxes) as base:
        yield {**settings_for(base), "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}, sandboxes


def stored(env: dict[str, str]) -> dict[tuple[str, str], str]:
    store = bootstrap.open_store(load_settings(database_url=env["DATABASE_URL"]))
    try:
        with store.unit_of_work() as uow:
            return {(m.kind.value, m.source_id): m.xero_account for m in uow.mappings.all()}
    finally:
        store.close()


def xero_api_calls(sandboxes: Sandboxes) -> int:
    return sum(1 for r in sandboxes.xero.requests if "/api.xro/" in r.path)


def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={**env, "COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_suggest_as_json_prints_exactly_the_documented_keys_for_unmapped_needs(
    served: tuple[dict[str, str], Sandboxes],
) -> None:
    env, sandboxes = served
    code, out, err = invoke(env, "mappings", "suggest", "--json")

    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(set(row) == KEYS for row in rows)
    by_source = {(r["kind"], r["source"]): r for r in rows}
    assert by_source[("account", "4010")]["xero"] == "201"
    assert by_source[("account", "4010")]["confidence"] == "high"
    assert by_source[("role", "accounts_receivable")]["xero"] == "610"
    assert xero_api_calls(sandboxes) <= 3
    assert stored(env) == {}


def test_suggestions_on_the_demo_firm_are_mostly_right_and_never_archived_codeless_or_the_wrong_type(
    served: tuple[dict[str, str], Sandboxes],
) -> None:
    env, _ = served
    rows = json.loads(invoke(env, "mappings", "suggest", "--json")[1])
    demo = {(k, s): x for k, s, x in demo_chart.DEMO_MAPPINGS}
    xero = {a["Code"]: a for a in demo_chart.XERO_ACCOUNTS if a["Code"]}
    suggested = [r for r in rows if r["xero"]]
    compared = [r for r in suggested if (r["kind"], r["source"]) in demo]
    right = [r for r in compared if demo[(r["kind"], r["source"])] == r["xero"]]

    assert len(right) >= 0.8 * len(compared) and len(compared) >= 10
    assert all(xero[r["xero"]].get("Status", "ACTIVE") == "ACTIVE" for r in suggested)
    kinds = {a["id"]: a["type"] for a in demo_chart.ACTIONSTEP_ACCOUNTS}
    allowed = {"income": {"REVENUE", "SALES"}, "expense": {"EXPENSE", "OVERHEADS", "DIRECTCOSTS"},
               "bank": {"BANK"}, "trust_bank": {"BANK"}, "trust_liability": {"CURRLIAB", "LIABILITY", "TERMLIAB"}}  # fmt: skip
    for row in suggested:
        if row["kind"] == "account":
            assert xero[row["xero"]]["Type"] in allowed[kinds[row["source"]]], row


def test_applying_the_suggestions_to_an_empty_ledger_makes_the_first_sync_post(
    served: tuple[dict[str, str], Sandboxes],
) -> None:
    env, sandboxes = served
    before = xero_api_calls(sandboxes)
    code, out, err = invoke(env, "mappings", "suggest", "--apply")
    assert code == 0, err
    assert (
        "Stored " in out and xero_api_calls(sandboxes) - before <= 4
    )  # the suggestion's read, and the check's
    assert stored(env)[("account", "4010")] == "201"

    code, out, err = invoke(env, "sync", "--json")
    report = json.loads(out)
    assert sum(1 for item in report["items"] if item["outcome"] == "posted") >= 15, err


def test_importing_500_rows_reads_xeros_chart_once(
    served: tuple[dict[str, str], Sandboxes], tmp_path: Path
) -> None:
    env, sandboxes = served
    file = tmp_path / "mappings.csv"
    file.write_text("kind,source,xero\n" + "".join(f"account,9{n:03},200\n" for n in range(500)))
    before = xero_api_calls(sandboxes)

    code, out, err = invoke(env, "mappings", "import", str(file))

    assert code == 0, err
    assert "Set 500 mappings" in out and len(stored(env)) == 500
    assert xero_api_calls(sandboxes) - before <= 3


def test_a_code_xero_does_not_have_names_its_row_and_nothing_is_stored(
    served: tuple[dict[str, str], Sandboxes], tmp_path: Path
) -> None:
    env, _ = served
    file = tmp_path / "mappings.csv"
    file.write_text("kind,source,xero\naccount,4000,200\naccount,4010,999\ntax_code,GST:sales,NOPE\n")

    code, _, err = invoke(env, "mappings", "import", str(file))

    assert code == 2
    assert "Row 3 (account 4010): Xero has no account with code or id 999." in err
    assert "Row 4 (tax_code GST:sales): Xero has no tax type NOPE." in err
    assert "Traceback" not in err and stored(env) == {}


def test_rows_of_the_wrong_width_or_kind_are_named_by_their_line_before_xero_is_asked(tmp_path: Path) -> None:
    file = tmp_path / "mappings.csv"
    file.write_text(
        "kind,source,xero\n# a comment\naccount,5040\nplanet,1,2\n\nrole,boss,800\naccount,4000,200\n"
    )

    code, _, err = invoke({}, "mappings", "import", str(file))

    lines = err.strip().splitlines()
    assert code == 2
    assert lines[0] == "Row 3: 2 columns; expected 3: kind,source,xero."
    assert lines[1].startswith("Row 4: unknown kind 'planet'")
    assert lines[2].startswith("Row 6: unknown role 'boss'")
    assert "Nothing was stored" in lines[3]


def test_the_first_data_row_is_row_1_without_a_header(tmp_path: Path) -> None:
    file = tmp_path / "mappings.csv"
    file.write_text("planet,1,2\n")
    assert invoke({}, "mappings", "import", str(file))[2].startswith("Row 1: unknown kind")


def test_a_missing_file_is_one_line_and_exit_2_not_a_traceback(tmp_path: Path) -> None:
    code, _, err = invoke({}, "mappings", "import", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "missing.csv: no such file." in err and "Traceback" not in err


def test_a_file_that_is_not_text_is_refused_with_how_to_save_it(tmp_path: Path) -> None:
    file = tmp_path / "mappings.csv"
    file.write_bytes(b"\xff\xfe\x00k\x00i\x00n\x00d\x00\xff")
    code, _, err = invoke({}, "mappings", "import", str(file))
    assert code == 2 and "is not a UTF-8 text file" in err

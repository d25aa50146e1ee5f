"""Mappings: `xerobot mappings suggest` for a 400-account chart on both sides, and `xerobot mappings import` of 500
rows, against the in-process sandboxes through the real clients, on a fresh SQLite ledger with no mapping stored.

The demo firm's charts are grown by 400 accounts on each side (half income, half expense, named the way two
bookkeepers would name the same thing differently), and 40 approved documents use every new Actionstep account,
so all of them need a suggestion. Figures: the suggest use case's wall time (Actionstep's books and pending
documents, Xero's chart and tax rates, the rules), the Xero API calls it makes (counted at the sandbox, API calls
only), and how many of the new accounts it matched to their counterpart; the import's wall time and Xero calls.
Targets (issue 15): suggest < 1 s and ≤ 3 Xero calls; import of 500 rows ≤ 3 Xero calls.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from bench import Measurement, sized
from bot.cli_mappings import read_rows
from bot.demo import SANDBOX_BASE
from integration.app import Service, bootstrap
from integration.clock import SystemClock
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.actionstep.firm import ACCOUNT_TYPE_IDS, Record
from sandboxes.actionstep.tables import FIRM_TZ
from sandboxes.actionstep.writer import LineSpec, Writer
from sandboxes.server import Sandboxes, settings_for
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.seed import account

ACCOUNTS = sized(400, quick=40)
ROWS = sized(500, quick=50)
LINES_PER_DOCUMENT = 10
SUBJECTS = (
    "Counsel", "Expert Witness", "Travel", "Photocopying", "Courier", "Filing", "Search", "Conveyancing",
    "Probate", "Litigation", "Mediation", "Advisory", "Drafting", "Research", "Settlement", "Stamp Duty",
)  # fmt: skip
STAMP = datetime(2026, 9, 1, 9, 0, tzinfo=FIRM_TZ)


def _name(n: int) -> tuple[str, str]:
    """The same account as each side might name it: "Counsel Fees 12" in Actionstep, "counsel fees - 12 a/c" in
    Xero (case, punctuation and a common word apart)."""
    subject = SUBJECTS[n % len(SUBJECTS)]
    return f"{subject} & Costs {n}", f"{subject.lower()} and costs - {n} account"


def _sandboxes() -> Sandboxes:
    clock = SystemClock()
    xero = XeroSandbox.demo(clock=clock)
    actionstep = ActionstepSandbox.demo(clock=clock)
    records: list[Record] = []
    writer = Writer(first_id=90_000)
    lines: list[LineSpec] = []
    for n in range(ACCOUNTS):
        income = n % 2 == 0
        ours, theirs = _name(n)
        source_id = str(70_000 + n)
        records.append((
            "accounts",
            {"id": source_id, "accountNumber": f"7-{n:04}", "name": ours, "active": "T", "header": "F",
             "links": {"accountType": ACCOUNT_TYPE_IDS["income" if income else "expense"]}},
        ))  # fmt: skip
        raw = {"Code": f"7{n:03}", "Name": theirs, "Type": "REVENUE" if income else "EXPENSE", "TaxType": "OUTPUT" if income else "INPUT"}  # fmt: skip
        added = account(raw)
        xero.books.accounts[added.id] = added
        lines.append(LineSpec(ours, Decimal(1), Decimal("100.00"), "GST", account_id=source_id))
    for start in range(0, len(lines), LINES_PER_DOCUMENT):
        chunk = lines[start : start + LINES_PER_DOCUMENT]
        number = f"BENCH-{start // LINES_PER_DOCUMENT}"
        written = writer.sale_purchase(
            number, date(2026, 9, 1), STAMP, contact_id="201", lines=chunk, purchase=True
        )
        records.extend(written.records)
    actionstep.load(records)
    return Sandboxes(xero, actionstep, clock)


def _xero_calls(sandboxes: Sandboxes) -> int:
    return sum(1 for r in sandboxes.xero.requests if "/api.xro/" in r.path)


def _service(directory: Path, sandboxes: Sandboxes, name: str) -> Service:
    return bootstrap.build_local(
        directory / name, settings_for(SANDBOX_BASE), sandboxes, clock=sandboxes.clock
    )


def _suggest(directory: Path) -> list[Measurement]:
    sandboxes = _sandboxes()
    service = _service(directory, sandboxes, "suggest.db")
    try:
        service.connections()  # tokens fetched before the clock starts, as in a running bot
        before = _xero_calls(sandboxes)
        started = time.perf_counter()
        found = service.suggest_mappings().suggestions
        elapsed = time.perf_counter() - started
        calls = _xero_calls(sandboxes) - before
    finally:
        service.close()
    matched = sum(
        1 for s in found if s.source_id.startswith("7") and s.xero_code == f"7{int(s.source_id) - 70_000:03}"
    )
    return [
        Measurement("mappings", f"suggest: {ACCOUNTS} accounts a side, wall time", elapsed * 1000, "ms", "< 1,000 ms"),
        Measurement("mappings", "suggest: Xero API calls", calls, "calls", "≤ 3"),
        Measurement("mappings", f"suggest: new accounts matched to their counterpart (of {ACCOUNTS})", matched, "accounts", f"{ACCOUNTS}"),
    ]  # fmt: skip


def _import(directory: Path) -> list[Measurement]:
    sandboxes = _sandboxes()
    service = _service(directory, sandboxes, "import.db")
    file = directory / "mappings.csv"
    file.write_text("kind,source,xero\n" + "".join(f"account,{80_000 + n},200\n" for n in range(ROWS)))
    try:
        service.connections()
        before = _xero_calls(sandboxes)
        started = time.perf_counter()
        rows, problems = read_rows(file)
        assert not problems, problems
        stored = service.import_mappings(rows, actor="bench")
        elapsed = time.perf_counter() - started
        calls = _xero_calls(sandboxes) - before
    finally:
        service.close()
    assert stored == ROWS, stored
    return [
        Measurement("mappings", f"import: {ROWS} rows, wall time", elapsed * 1000, "ms"),
        Measurement("mappings", f"import: {ROWS} rows, Xero API calls", calls, "calls", "≤ 3"),
    ]


def run() -> list[Measurement]:
    with tempfile.TemporaryDirectory() as directory:
        return [*_suggest(Path(directory)), *_import(Path(directory))]

"""Documents a person enters in Actionstep's web app, entered into the sandbox's tables.

Actionstep publishes no resource for trust transactions and no write for bills (reference digest §3.1: `bills` is
GET only; §3.4: no trust resource was found), so the sandbox serves no POST for them: a firm enters them in
Actionstep's web app, and a test does the same through these calls. Each record is written by `Writer`, exactly as the
demo firm's are (`demo`): a trust transaction is a `trusttransactions` record with `transactionType` Receipt, Payment
or Transfer, `status` Posted, the trust bank (`trustAccount`) and trust liability (`account`) accounts, the matter
(`action`) and the matter's client (`participant`); a transfer also names the account it goes to (`toAccount`). A
bill is an approved (Open) `bills` record with one line.

**Overdrawing a matter.** Actionstep's trust pages work from the matter's available trust funds ("Making a Trust
Payment", support.actionstep.com article 150000019742: a payment is made from a matter's funds, optionally with
related matters'; "Creating a Trust Invoice Payment", article 150000019741: the Available balance shows how much is
available and invoices are paid "where funds are available"). So `enter_trust` refuses a payment or transfer that
would take the matter's trust ledger below zero on its date or any later one (`TrustOverdrawn`; the wording is
ours). A matter still ends up overdrawn when money it was paid out against never arrives: a dishonoured cheque or a
recalled deposit. `dishonour` records that, and is how a test makes an overdrawn matter. How Actionstep's API shows a
reversal is not published; the sandbox's choice is the one that keeps a trust ledger's history: the receipt stays as
it was (trust records are not edited after posting) and a new Payment of the same amount on the same matter,
dated the day of the dishonour and described as the reversal, takes the money back out. The bank has already taken
it back, so no balance check applies to it.

The date rule on the payment page ("You cannot enter a future date") is not enforced: tests run on a virtual clock
and enter documents on the dates they need.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.actionstep.firm import OFFICE_BANK, TRUST_BANK, TRUST_LIABILITY
from sandboxes.actionstep.tables import Table
from sandboxes.actionstep.writer import LineSpec, Writer, Written

TRUST = "trusttransactions"
# How each transaction type moves the matter's trust ledger, and the prefix of the numbers the sandbox gives it.
SIGNS = {"Receipt": 1, "Payment": -1, "Transfer": -1}
PREFIXES = {"Receipt": "TR", "Payment": "TP", "Transfer": "TT"}
POSTED = "Posted"
PROFESSIONAL_FEES = "4000"


class TrustOverdrawn(ValueError):
    """A trust payment or transfer the matter's trust funds do not cover, refused as Actionstep's page would."""


def writer(tables: Mapping[str, Table]) -> Writer:
    """A writer that takes its ids from the sandbox's own tables, after every record already there."""
    return Writer(ids=lambda resource: str(tables[resource].allocate_id()))


def client_of(tables: Mapping[str, Table], matter_id: str) -> str | None:
    """The matter's first primary participant (its client), as Actionstep fills a matter's entry in; KeyError when
    the sandbox has no such matter."""
    table = tables["actions"]
    if matter_id not in table.rows:
        raise KeyError(f"the sandbox has no matter (action) {matter_id}")
    matter = table.render(table.rows[matter_id])
    clients = matter["links"].get("primaryParticipants") or []
    return str(clients[0]) if clients else None


def trust_ledger(tables: Mapping[str, Table], matter_id: str) -> list[tuple[date, int, Decimal]]:
    """The matter's posted trust transactions as (date, id, signed amount), in date order. A record whose date or
    amount cannot be read (a test's malformed record) is left out."""
    table = tables[TRUST]
    entries = []
    for row in table:
        record = table.render(row)
        action = record["links"].get("action")
        sign = SIGNS.get(str(record.get("transactionType")))
        if record.get("status") != POSTED or sign is None or str(action) != matter_id:
            continue
        try:
            day = date.fromisoformat(str(record.get("date")))
            amount = Decimal(str(record.get("amount")))
        except (ValueError, InvalidOperation):
            continue
        entries.append((day, int(record["id"]) if str(record["id"]).isdigit() else 0, sign * amount))
    return sorted(entries)


def trust_balance(tables: Mapping[str, Table], matter_id: str, as_at: date | None = None) -> Decimal:
    """The matter's trust ledger balance, counting transactions dated on or before `as_at` (None: all)."""
    return sum(
        (amount for day, _, amount in trust_ledger(tables, matter_id) if as_at is None or day <= as_at),
        Decimal(0),
    )


def _available(tables: Mapping[str, Table], matter_id: str, day: date) -> Decimal:
    """What the matter can pay out on `day`: its balance then, or less if a later transaction needs some of it."""
    balance, lowest = Decimal(0), None
    for entry_day, _, change in trust_ledger(tables, matter_id):
        if entry_day > day and lowest is None:
            lowest = balance
        balance += change
        if lowest is not None:
            lowest = min(lowest, balance)
    return balance if lowest is None else lowest


def enter_trust(
    tables: Mapping[str, Table],
    transaction_type: str,
    matter_id: str,
    amount: Decimal,
    day: date,
    now: datetime,
    *,
    number: str | None = None,
    contact_id: str | None = None,
    description: str | None = None,
    to_account: str = OFFICE_BANK,
    check_funds: bool = True,
) -> Written:
    """A trust Receipt, Payment or Transfer on a matter, posted at `now` (see the module docstring)."""
    if transaction_type not in SIGNS:
        raise ValueError(f"a trust transaction is a {', '.join(SIGNS)}, not {transaction_type!r}")
    if amount <= 0:
        raise ValueError(f"a trust transaction's amount is more than zero, not {amount}")
    client = client_of(tables, matter_id)  # an unknown matter is refused before anything is written
    if check_funds and SIGNS[transaction_type] < 0:
        available = _available(tables, matter_id, day)
        if amount > available:
            raise TrustOverdrawn(
                f"Matter {matter_id} has {available:.2f} available in trust on {day.isoformat()} (and after it); "
                f"a {transaction_type.lower()} of {amount:.2f} would overdraw it."
            )
    links: dict[str, Any] = {"trustAccount": TRUST_BANK, "account": TRUST_LIABILITY, "action": matter_id}
    links["participant"] = contact_id or client
    if transaction_type == "Transfer":
        links["toAccount"] = to_account
    written = writer(tables).movement(
        TRUST,
        number or "",
        day,
        now,
        amount,
        links=links,
        description=description or f"Trust {transaction_type.lower()}",
        transaction_type=transaction_type,
    )
    return _store(tables, written, number or f"{PREFIXES[transaction_type]}-{written.id}", "reference")


def dishonour(tables: Mapping[str, Table], receipt_id: str, day: date, now: datetime) -> Written:
    """The reversal of a trust receipt whose money never arrived (see the module docstring)."""
    table = tables[TRUST]
    receipt = table.render(table.rows[receipt_id])
    if receipt.get("transactionType") != "Receipt" or receipt.get("status") != POSTED:
        raise ValueError(f"trust transaction {receipt_id} is not a posted receipt")
    reversal = f"{receipt['reference']}-REV"
    if any(table.render(row).get("reference") == reversal for row in table):
        raise ValueError(f"trust receipt {receipt['reference']} is already dishonoured ({reversal})")
    links = receipt["links"]
    return enter_trust(
        tables,
        "Payment",
        str(links["action"]),
        Decimal(str(receipt["amount"])),
        day,
        now,
        number=reversal,
        contact_id=links.get("participant"),
        description=f"Reversal of {receipt['reference']}: dishonoured",
        check_funds=False,
    )


def enter_bill(
    tables: Mapping[str, Table],
    matter_id: str,
    day: date,
    amount: Decimal,
    now: datetime,
    *,
    number: str | None = None,
    contact_id: str | None = None,
    tax_code: str = "GST",
    account_id: str = PROFESSIONAL_FEES,
    description: str = "Professional fees",
) -> Written:
    """An approved (Open) bill on a matter with one line of `amount` before tax, on `account_id` with `tax_code`
    (GST adds 10%, FRE none): `Written.total` is what the bill comes to."""
    client = client_of(tables, matter_id)  # an unknown matter is refused before anything is written
    written = writer(tables).bill(
        number or "",
        day,
        now,
        matter_id=matter_id,
        contact_id=contact_id or client or "",
        lines=[LineSpec(description, Decimal(1), amount, tax_code, account_id=account_id)],
    )
    return _store(tables, written, number or f"INV-{written.id}", "ourReference")


def _store(tables: Mapping[str, Table], written: Written, number: str, number_field: str) -> Written:
    """Put the written records in their tables, the document numbered `number` (by default from its new id)."""
    written.records[0][1][number_field] = number
    for resource, record in written.records:
        tables[resource].put(record)
    return Written(written.id, number, written.total, written.records)

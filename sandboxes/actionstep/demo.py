"""The demo firm's Actionstep: Harbour & Finch Lawyers' chart (from `demo_chart`) and a few dozen documents of
every kind the seed articles name, with the problems a bookkeeper meets.

Fees are timekeeper hours × rate with GST on each line; court, registry and search fees are GST free. Everything is
dated after 1 July 2026 except INV-0998, which falls inside Xero's lock date. `DEMO_PROBLEMS` names the document
that carries each deliberate problem, so tests and the demo can point at them:

- SUP-2001 books courier costs to account 5040, which has no mapping;
- INV-1003 has fee lines by tk-5 (Eve Marshall), who has no income account;
- SUP-2004 uses 5030, mapped to a Xero account without a code;
- SUP-2005 uses 5020, mapped to an archived Xero account;
- INV-0998 is dated 26 June 2026, inside Xero's lock date (30 June 2026);
- DEP-8001 (a bank deposit) and GJ-9001 (a general journal) are skipped by design;
- CN-4001 is a credit note allocated to INV-1002;
- INV-1001 is paid in two receipts, RCT-5001 and RCT-5002;
- TR-7001 and TR-7002 are trust receipts; TT-7201 moves trust money to the office to pay INV-1004;
- INV-1006 has a line whose amount is not a number ("12O0.00"), so it fails alone.

INV-1007 (Draft) and INV-1008 (Deleted) are not approved and are never listed as documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from sandboxes.actionstep.firm import (
    OFFICE_BANK,
    SAVINGS_BANK,
    TRUST_BANK,
    TRUST_LIABILITY,
    Record,
    reference_records,
)
from sandboxes.actionstep.tables import FIRM_TZ
from sandboxes.actionstep.writer import LineSpec, Writer

RATES = {
    "tk-1": Decimal(550),
    "tk-2": Decimal(420),
    "tk-3": Decimal(320),
    "tk-4": Decimal(300),
    "tk-5": Decimal(220),
}
CHART_STAMP = datetime(2026, 6, 1, 9, 0, tzinfo=FIRM_TZ)

DEMO_PROBLEMS: dict[str, str] = {
    "unmapped_account": "SUP-2001",
    "timekeeper_without_income_account": "INV-1003",
    "xero_account_without_code": "SUP-2004",
    "archived_xero_account": "SUP-2005",
    "inside_lock_date": "INV-0998",
    "bank_deposit": "DEP-8001",
    "bank_withdrawal": "WDL-8101",
    "general_journal": "GJ-9001",
    "credit_note_allocated_to_bill": "CN-4001",
    "bill_paid_in_two_payments": "INV-1001",
    "trust_to_office_transfer": "TT-7201",
    "malformed": "INV-1006",
}


def fee(keeper: str, hours: str, description: str) -> LineSpec:
    return LineSpec(description, Decimal(hours), RATES[keeper], "GST", timekeeper_id=keeper)


def cost(description: str, amount: str, tax_code: str, account: str, quantity: str = "1") -> LineSpec:
    return LineSpec(description, Decimal(quantity), Decimal(amount), tax_code, account_id=account)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=FIRM_TZ)


def demo_records() -> list[Record]:
    """Every record of the demo firm, reference data first."""
    return [*reference_records(CHART_STAMP), *_documents()]


def _documents() -> Iterator[Record]:
    w = Writer(first_id=1)
    d = date

    inv1001 = w.bill(
        "INV-1001",
        d(2026, 7, 6),
        at(d(2026, 7, 6), 16, 30),
        matter_id="5001",
        contact_id="101",
        lines=[
            fee("tk-1", "2.5", "Review of lease and advice on rent review clause"),
            fee("tk-2", "6.0", "Drafting lease amendments and variation deed"),
            cost("Title search", "28.50", "FRE", "4100"),
            cost("Courier to lessor's solicitors", "40.00", "GST", "4100"),
        ],
        status="Closed",
    )
    inv1002 = w.bill(
        "INV-1002",
        d(2026, 7, 10),
        at(d(2026, 7, 10), 17, 5),
        matter_id="5002",
        contact_id="102",
        lines=[
            fee("tk-3", "8.0", "Preparing probate application and affidavits"),
            cost("Supreme Court probate filing fee", "1389.00", "FRE", "4100"),
        ],
    )
    inv1003 = w.bill(
        "INV-1003",
        d(2026, 7, 14),
        at(d(2026, 7, 14), 15, 45),
        matter_id="5003",
        contact_id="103",
        lines=[
            fee("tk-4", "5.5", "Preparing points of claim"),
            fee("tk-5", "7.0", "Research and review of site documents"),
        ],
    )
    inv1004 = w.bill(
        "INV-1004",
        d(2026, 7, 17),
        at(d(2026, 7, 17), 12, 0),
        matter_id="5004",
        contact_id="104",
        lines=[
            fee("tk-2", "4.0", "Conveyance: contract review and requisitions"),
            cost("Land title search", "28.50", "FRE", "4100"),
            cost("Settlement agent fee", "150.00", "GST", "4100"),
        ],
        status="Closed",
    )
    inv1005 = w.bill(
        "INV-1005",
        d(2026, 7, 21),
        at(d(2026, 7, 21), 10, 20),
        matter_id="5005",
        contact_id="105",
        lines=[fee("tk-3", "3.0", "Letter of demand"), cost("Process server", "95.00", "GST", "4100")],
        status="Closed",
    )
    inv0998 = w.bill(
        "INV-0998",
        d(2026, 6, 26),
        at(d(2026, 7, 2), 9, 15),  # approved after the lock date, dated before it
        matter_id="5001",
        contact_id="101",
        lines=[fee("tk-1", "1.5", "Advice on assignment of lease (June)")],
    )
    malformed = w.bill(
        "INV-1006",
        d(2026, 7, 24),
        at(d(2026, 7, 24), 14, 0),
        matter_id="5003",
        contact_id="103",
        lines=[fee("tk-4", "4.0", "Mediation preparation")],
    )
    malformed.records[1][1]["amount"] = "12O0.00"  # a letter O where a zero belongs
    draft = w.bill(
        "INV-1007",
        d(2026, 7, 27),
        at(d(2026, 7, 27), 11, 0),
        matter_id="5001",
        contact_id="101",
        lines=[fee("tk-2", "1.0", "Telephone conference")],
        status="Draft",
    )
    deleted = w.bill(
        "INV-1008",
        d(2026, 7, 27),
        at(d(2026, 7, 27), 11, 30),
        matter_id="5002",
        contact_id="102",
        lines=[fee("tk-3", "0.5", "Entered in error")],
        status="Deleted",
    )
    approved_together = at(d(2026, 8, 10), 9, 0)  # a batch approval: two bills share a timestamp
    inv1009 = w.bill(
        "INV-1009",
        d(2026, 8, 3),
        approved_together,
        matter_id="5004",
        contact_id="104",
        lines=[fee("tk-1", "1.0", "Settlement advice"), fee("tk-3", "2.0", "Preparing settlement statement")],
    )
    inv1010 = w.bill(
        "INV-1010",
        d(2026, 8, 5),
        approved_together,
        matter_id="5001",
        contact_id="101",
        lines=[
            fee("tk-2", "3.0", "Negotiating make-good obligations"),
            cost("Photocopying", "0.25", "GST", "4100", quantity="180"),
        ],
        status="Closed",
    )
    for bill in (
        inv1001,
        inv1002,
        inv1003,
        inv1004,
        inv1005,
        inv0998,
        malformed,
        draft,
        deleted,
        inv1009,
        inv1010,
    ):
        yield from bill.records

    sup2001 = w.sale_purchase(
        "SUP-2001",
        d(2026, 7, 8),
        at(d(2026, 7, 8), 13, 10),
        contact_id="201",
        matter_id="5003",
        lines=[cost("Courier: documents to the Federal Court", "60.00", "GST", "5040")],
        purchase=True,
        reference="SLC-88123",
    )
    sup2002 = w.sale_purchase(
        "SUP-2002",
        d(2026, 7, 9),
        at(d(2026, 7, 9), 9, 40),
        contact_id="202",
        matter_id="5004",
        lines=[cost("Title search", "28.50", "FRE", "5010"), cost("Plan search", "15.00", "FRE", "5010")],
        purchase=True,
        status="Closed",
        reference="LRS-5521907",
    )
    sup2003 = w.sale_purchase(
        "SUP-2003",
        d(2026, 7, 15),
        at(d(2026, 7, 15), 11, 25),
        contact_id="203",
        matter_id="5003",
        lines=[cost("Filing fee: originating application", "1485.00", "FRE", "5000")],
        purchase=True,
        status="Closed",
        reference="FCA-NSD1182/2026",
    )
    sup2004 = w.sale_purchase(
        "SUP-2004",
        d(2026, 7, 22),
        at(d(2026, 7, 22), 16, 0),
        contact_id="105",
        lines=[cost("Client function: marquee and furniture hire", "1200.00", "GST", "5030")],
        purchase=True,
        reference="PH-3391",
    )
    sup2005 = w.sale_purchase(
        "SUP-2005",
        d(2026, 7, 28),
        at(d(2026, 7, 28), 10, 5),
        contact_id="202",
        lines=[cost("Certified copies of title, printed", "8.50", "GST", "5020", quantity="10")],
        purchase=True,
        reference="LRS-5530114",
    )
    cn4001 = w.sale_purchase(
        "CN-4001",
        d(2026, 7, 18),
        at(d(2026, 7, 18), 9, 30),
        contact_id="102",
        matter_id="5002",
        lines=[cost("Agreed reduction of professional fees", "320.00", "GST", "4000")],
        purchase=False,
        credit=True,
        allocations=[("bill", inv1002.id, Decimal("352.00"))],
    )
    cn4002 = w.sale_purchase(
        "CN-4002",
        d(2026, 8, 6),
        at(d(2026, 8, 6), 15, 15),
        contact_id="202",
        lines=[cost("Refund: duplicate plan search", "15.00", "FRE", "5010")],
        purchase=True,
        credit=True,
        reference="LRS-CR-2207",
    )
    for document in (sup2001, sup2002, sup2003, sup2004, sup2005, cn4001, cn4002):
        yield from document.records

    def receipt(
        number: str, day: date, stamp: datetime, bill_id: str, amount: Decimal, matter_id: str
    ) -> Record:
        links = {"bill": bill_id, "bankAccount": OFFICE_BANK, "action": matter_id}
        return w.movement(
            "receipts", number, day, stamp, amount, links=links, description="Client payment"
        ).records[0]

    first_part = Decimal("3000.00")
    yield receipt("RCT-5001", d(2026, 7, 20), at(d(2026, 7, 20), 17, 0), inv1001.id, first_part, "5001")
    yield receipt(
        "RCT-5002", d(2026, 8, 4), at(d(2026, 8, 4), 10, 0), inv1001.id, inv1001.total - first_part, "5001"
    )
    yield receipt("RCT-5003", d(2026, 7, 30), at(d(2026, 7, 30), 11, 45), inv1005.id, inv1005.total, "5005")
    yield receipt("RCT-5004", d(2026, 8, 11), at(d(2026, 8, 11), 9, 30), inv1010.id, inv1010.total, "5001")

    for number, day, stamp, document in (
        ("PAY-3001", d(2026, 7, 20), at(d(2026, 7, 20), 17, 0), sup2002),
        ("PAY-3002", d(2026, 7, 25), at(d(2026, 7, 25), 12, 30), sup2003),
    ):
        links = {"salePurchase": document.id, "bankAccount": OFFICE_BANK}
        yield from w.movement("payments", number, day, stamp, document.total, links=links).records

    for number, day, stamp, source, target, amount in (
        (
            "BT-6001",
            d(2026, 7, 31),
            at(d(2026, 7, 31), 15, 0),
            OFFICE_BANK,
            SAVINGS_BANK,
            Decimal("20000.00"),
        ),
        ("BT-6002", d(2026, 8, 7), at(d(2026, 8, 7), 9, 10), SAVINGS_BANK, OFFICE_BANK, Decimal("5000.00")),
    ):
        links = {"fromAccount": source, "toAccount": target}
        yield from w.movement(
            "banktransfers",
            number,
            day,
            stamp,
            amount,
            links=links,
            description="Transfer between office accounts",
        ).records

    def trust(
        kind: str, number: str, day: date, stamp: datetime, amount: Decimal, text: str, **links: str
    ) -> Record:
        base = {"trustAccount": TRUST_BANK, "account": TRUST_LIABILITY}
        return w.movement(
            "trusttransactions",
            number,
            day,
            stamp,
            amount,
            links={**base, **links},
            description=text,
            transaction_type=kind,
        ).records[0]

    yield trust(
        "Receipt", "TR-7001", d(2026, 7, 7), at(d(2026, 7, 7), 12, 0), Decimal("25000.00"),
        "Deposit for purchase of 12 Ocean St", action="5004", participant="104",
    )  # fmt: skip
    yield trust(
        "Receipt", "TR-7002", d(2026, 7, 11), at(d(2026, 7, 11), 10, 30), Decimal("5000.00"),
        "Funds on account of costs", action="5002", participant="102",
    )  # fmt: skip
    yield trust(
        "Payment", "TP-7101", d(2026, 7, 29), at(d(2026, 7, 29), 14, 20), Decimal("22000.00"),
        "Deposit paid to vendor's agent", action="5004", participant="104",
    )  # fmt: skip
    yield trust(
        "Transfer", "TT-7201", d(2026, 7, 20), at(d(2026, 7, 20), 17, 0), inv1004.total,
        "Transfer to office in payment of INV-1004", action="5004", participant="104", toAccount=OFFICE_BANK,
    )  # fmt: skip

    yield from w.movement(
        "banktransactions", "DEP-8001", d(2026, 7, 31), at(d(2026, 7, 31), 16, 0), Decimal("42.17"),
        links={"bankAccount": OFFICE_BANK, "account": "4200"}, description="Interest received",
        transaction_type="Deposit",
    ).records  # fmt: skip
    yield from w.movement(
        "banktransactions", "WDL-8101", d(2026, 8, 1), at(d(2026, 8, 1), 9, 5), Decimal("35.00"),
        links={"bankAccount": OFFICE_BANK, "account": "5000"}, description="Court counter fee paid by card",
        transaction_type="Withdrawal",
    ).records  # fmt: skip
    yield from w.journal(
        "GJ-9001",
        d(2026, 7, 31),
        at(d(2026, 7, 31), 16, 30),
        "Reclassify partner fees",
        [("4000", Decimal("1000.00"), "Professional fees"), ("4010", Decimal("-1000.00"), "Fees - Partners")],
    ).records

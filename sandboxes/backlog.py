"""A deterministic backlog generator: a large firm's Actionstep, for benchmarks and property tests.

`make_backlog(n, seed)` describes a firm with `n` approved documents in the mix a busy practice has: mostly bills
(fee lines by timekeeper hours × rate, with GST per line, and disbursements, some GST free), receipts against them
(some bills paid in two parts), supplier invoices and their payments, credit notes allocated to bills, trust
receipts, payments and trust-to-office transfers, bank transfers, and the deposits, withdrawals and journals that are
skipped by design; plus about one Draft or Deleted bill per hundred documents, which a listing must leave out.
Timestamps move forward from 1 July 2026 in uneven steps, often several documents to the same second (batch
approvals). `pace` scales those steps: 0.4 is a busier firm, about ten thousand documents in July.

The backlog is lazy: iterating it generates (resource, record) pairs in wire form, reference data first, ready for
`ActionstepSandbox.load`; nothing is held, and iterating again yields the same records. Only mapped accounts and
timekeepers with an income account are used, so a whole backlog can post. Document ids start at 100000 and numbers
at INV-100001 etc., clear of the demo firm's, so a backlog can be loaded on top of the demo.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sandboxes.actionstep.firm import (
    OFFICE_BANK,
    SAVINGS_BANK,
    TRUST_BANK,
    TRUST_LIABILITY,
    Record,
    matter,
    participant,
    reference_records,
)
from sandboxes.actionstep.tables import FIRM_TZ
from sandboxes.actionstep.writer import LineSpec, Writer
from sandboxes.money import to_cents

START = datetime(2026, 7, 1, 8, 0, tzinfo=FIRM_TZ)
FIRST_ID = 100_000
RATES = {"tk-1": Decimal(550), "tk-2": Decimal(420), "tk-3": Decimal(320), "tk-4": Decimal(300)}
KEEPERS = tuple(RATES)
FEE_WORK = (
    "Attendance on client",
    "Drafting correspondence",
    "Review of documents",
    "Preparing affidavit",
    "Conference with counsel",
    "Research",
    "Negotiations with other side",
    "Preparing for hearing",
)
# (description, low, high, tax code, quantity range): disbursements recovered go to 4100.
DISBURSEMENTS = (
    ("Title search", "28.50", "28.50", "FRE", (1, 2)),
    ("Court filing fee", "332.00", "1485.00", "FRE", (1, 1)),
    ("Courier", "25.00", "80.00", "GST", (1, 3)),
    ("Photocopying", "0.25", "0.25", "GST", (20, 400)),
    ("Process server", "95.00", "160.00", "GST", (1, 1)),
    ("Travel", "40.00", "220.00", "GST", (1, 1)),
)
EXPENSES = (("Filing fee", "5000", "FRE"), ("Service fee", "5000", "GST"), ("Search fee", "5010", "FRE"))
KINDS = (
    ("bill", 30),
    ("receipt", 22),
    ("supplier_invoice", 10),
    ("supplier_payment", 6),
    ("credit_note", 3),
    ("bank_transfer", 3),
    ("trust_receipt", 10),
    ("trust_payment", 6),
    ("trust_transfer", 5),
    ("deposit", 2),
    ("withdrawal", 2),
    ("journal", 1),
)
FIRST_NAMES = (
    "Amelia",
    "Jack",
    "Olivia",
    "Noah",
    "Isla",
    "Leo",
    "Mia",
    "Henry",
    "Zara",
    "Lucas",
    "Ava",
    "Hugo",
)
LAST_NAMES = (
    "Smith",
    "Nguyen",
    "Williams",
    "Brown",
    "Patel",
    "Wilson",
    "Taylor",
    "Kaur",
    "Martin",
    "Lee",
    "Walker",
)
COMPANIES = (
    "Holdings",
    "Builders",
    "Logistics",
    "Partners",
    "Trading",
    "Developments",
    "Investments",
    "Foods",
)


@dataclass(frozen=True, slots=True)
class Backlog:
    """`n` approved documents (and the firm around them) from `seed`; iterate for (resource, record) pairs. `pace`
    scales the time between documents (1: the usual firm, about 4,000 documents a month)."""

    n: int
    seed: int
    pace: float = 1.0

    @property
    def clients(self) -> int:
        return max(20, self.n // 25)

    @property
    def matters(self) -> int:
        return max(20, self.n // 15)

    def __iter__(self) -> Iterator[Record]:
        return _Generator(self).records()


def make_backlog(n: int, seed: int = 0, *, pace: float = 1.0) -> Backlog:
    """A firm with `n` approved documents, the same for the same seed and pace."""
    if pace <= 0:
        raise ValueError(f"a backlog's pace is above 0, not {pace}")
    return Backlog(n, seed, pace)


class _Open:
    """A document with money still owing, that a later receipt, payment, credit or transfer can settle."""

    __slots__ = ("contact", "id", "matter", "owing")

    def __init__(self, doc_id: str, matter_id: str, contact_id: str, owing: Decimal) -> None:
        self.id, self.matter, self.contact, self.owing = doc_id, matter_id, contact_id, owing


class _Generator:
    def __init__(self, backlog: Backlog) -> None:
        self.backlog = backlog
        self.rng = random.Random(backlog.seed)
        self.writer = Writer(first_id=FIRST_ID)
        self.moment = START
        self.numbers: dict[str, int] = {}
        self.bills: deque[_Open] = deque(maxlen=400)  # bounded: recent bills are the ones paid
        self.purchases: deque[_Open] = deque(maxlen=200)
        self.matter_clients: list[str] = []

    def records(self) -> Iterator[Record]:
        yield from reference_records(START - timedelta(days=30))
        yield from self._firm()
        kinds, weights = zip(*KINDS, strict=True)
        made = 0
        while made < self.backlog.n:
            kind = self.rng.choices(kinds, weights)[0]
            self._tick()
            written = getattr(self, f"_{kind}")()
            if written:
                made += 1
                yield from written
            if self.rng.random() < 0.01:
                yield from self._bill(status=self.rng.choice(("Draft", "Deleted")))

    def _firm(self) -> Iterator[Record]:
        rng, stamp = self.rng, START - timedelta(days=30)
        for i in range(self.backlog.clients):
            if rng.random() < 0.4:
                name, company = f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANIES)} Pty Ltd", True
            else:
                name, company = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", False
            yield participant(str(20_000 + i), name, company, f"client{i}@example.com", stamp)
        for i in range(30):
            yield participant(
                str(30_000 + i), f"Supplier {i + 1} Pty Ltd", True, f"ap{i}@supplier.example", stamp
            )
        for i in range(self.backlog.matters):
            client = str(20_000 + rng.randrange(self.backlog.clients))
            self.matter_clients.append(client)
            yield matter(str(60_000 + i), f"Matter {i + 1}", f"M-{i + 1:05d}", client, stamp)

    def _tick(self) -> None:
        step = self.rng.choice((0, 0, 0, 1, 7, 45, 120, 600, 1800, 3600))
        self.moment += timedelta(seconds=step * self.backlog.pace)

    def _number(self, prefix: str) -> str:
        value = self.numbers.get(prefix, 100_000) + 1
        self.numbers[prefix] = value
        return f"{prefix}-{value}"

    def _matter_and_client(self) -> tuple[str, str]:
        i = self.rng.randrange(self.backlog.matters)
        return str(60_000 + i), self.matter_clients[i]

    def _day(self, back: int = 3) -> datetime:
        return self.moment - timedelta(days=self.rng.randint(0, back))

    def _bill(self, status: str = "Open") -> list[Record]:
        rng = self.rng
        lines = [
            LineSpec(
                rng.choice(FEE_WORK),
                Decimal(rng.randint(1, 80)) / 10,
                RATES[keeper],
                "GST",
                timekeeper_id=keeper,
            )
            for keeper in rng.sample(KEEPERS, rng.randint(1, 4))
        ]
        for description, low, high, code, (fewest, most) in rng.sample(DISBURSEMENTS, rng.randint(0, 3)):
            cents = rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))
            quantity = Decimal(rng.randint(fewest, most))
            lines.append(LineSpec(description, quantity, Decimal(cents) / 100, code, account_id="4100"))
        matter_id, client = self._matter_and_client()
        written = self.writer.bill(
            self._number("INV"),
            self._day().date(),
            self.moment,
            matter_id=matter_id,
            contact_id=client,
            lines=lines,
            status=status,
        )
        if status == "Open":
            self.bills.append(_Open(written.id, matter_id, client, written.total))
        return written.records

    def _settle(self, pool: deque[_Open], part: bool) -> tuple[_Open, Decimal] | None:
        if not pool:
            return None
        target = pool[0]
        amount = target.owing
        if part and amount > 100:
            amount = to_cents(amount * Decimal(self.rng.randint(30, 70)) / 100)
        target.owing -= amount
        if target.owing <= 0:
            pool.popleft()
        return target, amount

    def _receipt(self) -> list[Record] | None:
        settled = self._settle(self.bills, part=self.rng.random() < 0.2)
        if settled is None:
            return None
        bill, amount = settled
        links = {
            "bill": bill.id,
            "bankAccount": OFFICE_BANK,
            "participant": bill.contact,
            "action": bill.matter,
        }
        day = self._day(1).date()
        return self.writer.movement(
            "receipts", self._number("RCT"), day, self.moment, amount, links=links
        ).records

    def _supplier_invoice(self) -> list[Record]:
        rng = self.rng
        lines = []
        for description, account, code in rng.sample(EXPENSES, rng.randint(1, 3)):
            lines.append(
                LineSpec(description, Decimal(1), Decimal(rng.randint(1500, 150000)) / 100, code, account)
            )
        supplier = str(30_000 + rng.randrange(30))
        matter_id, _ = self._matter_and_client()
        written = self.writer.sale_purchase(
            self._number("SUP"),
            self._day().date(),
            self.moment,
            contact_id=supplier,
            matter_id=matter_id,
            lines=lines,
            purchase=True,
            reference=f"SI-{rng.randint(10_000, 99_999)}",
        )
        self.purchases.append(_Open(written.id, matter_id, supplier, written.total))
        return written.records

    def _supplier_payment(self) -> list[Record] | None:
        settled = self._settle(self.purchases, part=False)
        if settled is None:
            return None
        invoice, amount = settled
        links = {"salePurchase": invoice.id, "bankAccount": OFFICE_BANK, "participant": invoice.contact}
        day = self._day(1).date()
        return self.writer.movement(
            "payments", self._number("PAY"), day, self.moment, amount, links=links
        ).records

    def _credit_note(self) -> list[Record] | None:
        if not self.bills or self.bills[-1].owing < 50:
            return None
        bill = self.bills[-1]  # the newest bill: credits follow soon after a bill
        exclusive = to_cents(bill.owing * Decimal(self.rng.randint(5, 20)) / 100 / Decimal("1.1"))
        line = LineSpec(
            "Agreed reduction of professional fees", Decimal(1), exclusive, "GST", account_id="4000"
        )
        amount = line.amount + line.tax
        bill.owing -= amount
        return self.writer.sale_purchase(
            self._number("CN"),
            self._day(1).date(),
            self.moment,
            contact_id=bill.contact,
            matter_id=bill.matter,
            lines=[line],
            purchase=False,
            credit=True,
            allocations=[("bill", bill.id, amount)],
        ).records

    def _money(self, low: int, high: int) -> Decimal:
        return Decimal(self.rng.randint(low * 100, high * 100)) / 100

    def _trust(self, kind: str, amount: Decimal, matter_id: str, contact: str, **links: str) -> list[Record]:
        prefix = {"Receipt": "TR", "Payment": "TP", "Transfer": "TT"}[kind]
        all_links = {
            "trustAccount": TRUST_BANK,
            "account": TRUST_LIABILITY,
            "action": matter_id,
            "participant": contact,
        }
        return self.writer.movement(
            "trusttransactions",
            self._number(prefix),
            self._day(1).date(),
            self.moment,
            amount,
            links={**all_links, **links},
            description=f"Trust {kind.lower()}",
            transaction_type=kind,
        ).records

    def _trust_receipt(self) -> list[Record]:
        return self._trust("Receipt", self._money(500, 50_000), *self._matter_and_client())

    def _trust_payment(self) -> list[Record]:
        return self._trust("Payment", self._money(200, 20_000), *self._matter_and_client())

    def _trust_transfer(self) -> list[Record] | None:
        settled = self._settle(self.bills, part=False)
        if settled is None:
            return None
        bill, amount = settled
        return self._trust("Transfer", amount, bill.matter, bill.contact, toAccount=OFFICE_BANK)

    def _bank_transfer(self) -> list[Record]:
        source, target = self.rng.choice(((OFFICE_BANK, SAVINGS_BANK), (SAVINGS_BANK, OFFICE_BANK)))
        amount = Decimal(self.rng.randint(1, 40) * 1000)
        links = {"fromAccount": source, "toAccount": target}
        day = self._day(1).date()
        return self.writer.movement(
            "banktransfers", self._number("BT"), day, self.moment, amount, links=links
        ).records

    def _bank_entry(self, kind: str, prefix: str, account: str, amount: Decimal, text: str) -> list[Record]:
        return self.writer.movement(
            "banktransactions",
            self._number(prefix),
            self._day(1).date(),
            self.moment,
            amount,
            links={"bankAccount": OFFICE_BANK, "account": account},
            description=text,
            transaction_type=kind,
        ).records

    def _deposit(self) -> list[Record]:
        return self._bank_entry("Deposit", "DEP", "4200", self._money(5, 300), "Interest received")

    def _withdrawal(self) -> list[Record]:
        return self._bank_entry("Withdrawal", "WDL", "5000", self._money(10, 400), "Counter fee")

    def _journal(self) -> list[Record]:
        amount = self._money(100, 5000)
        return self.writer.journal(
            self._number("GJ"),
            self._day(1).date(),
            self.moment,
            "Reclassify fees",
            [("4000", amount, "Professional fees"), ("4010", -amount, "Fees - Partners")],
        ).records

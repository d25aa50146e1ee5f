"""Account mapping: which Xero account (by code) and tax type each Actionstep account, timekeeper and tax code
posts to, and the check that finds every broken mapping before anything is sent.

Pure: the caller supplies the stored mappings, Actionstep's books and Xero's chart. `Mapper.resolve(document)`
returns the Xero targets the document needs, or the failures that block it; `check()` runs that over many
documents and turns the failures into `Problem`s, one per broken thing, each naming the Actionstep side, the Xero
side, the documents it blocks and the fix. Only documents that need a broken mapping are blocked.

How a line finds its income account (Actionstep's rule, from the integration article): a timekeeper mapping, when
the firm set one, wins; otherwise the line's own account; otherwise the timekeeper's income account in Actionstep;
a fee line with none of those cannot be posted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from integration.domain import (
    BankEntry,
    CreditNote,
    Direction,
    Document,
    Line,
    LinedDocument,
    Mapping,
    MappingKind,
    MappingRole,
    Payment,
    Problem,
    Severity,
    SourceBooks,
    SourceRef,
    SupplierInvoice,
    Transfer,
    TrustPayment,
    TrustReceipt,
    TrustTransfer,
    XeroAccount,
    XeroChart,
)
from integration.errors import describe

Need = tuple[MappingKind, str]  # (kind, Actionstep side): a mapping some document needs


@dataclass(frozen=True, slots=True)
class ResolvedLine:
    line: Line
    account_code: str
    tax_type: str


@dataclass(frozen=True, slots=True)
class Targets:
    """What posting needs from the mapping for one document."""

    lines: tuple[ResolvedLine, ...] = ()
    bank_code: str | None = None  # payments, trust receipts/payments: the bank account money moves through
    to_bank_code: str | None = None  # transfers: the receiving bank account
    account_code: str | None = (
        None  # trust receipts/payments: the account on the other side (Trust Liability)
    )


@dataclass(frozen=True, slots=True)
class Failure:
    """One broken thing, before it is counted across documents."""

    code: str
    subject: str  # stable key, e.g. "account:5040"
    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class Resolution:
    targets: Targets | None
    failures: tuple[Failure, ...] = ()


@dataclass(slots=True)
class MappingReport:
    problems: list[Problem]
    resolutions: dict[SourceRef, Resolution]

    def blocked(self, source: SourceRef) -> bool:
        resolution = self.resolutions.get(source)
        return resolution is not None and resolution.targets is None


def _fix(code: str, specific: str) -> str:
    return specific or describe(code).fix


class Mapper:
    """Resolves documents against the stored mappings, Actionstep's books and Xero's chart."""

    def __init__(self, mappings: Iterable[Mapping], books: SourceBooks, chart: XeroChart) -> None:
        self._map = {(m.kind, m.source_id): m.xero_account for m in mappings}
        self.books = books
        self.chart = chart

    # -- naming things the way a bookkeeper sees them
    def account_label(self, account_id: str) -> str:
        account = self.books.accounts.get(account_id)
        return f"{account.code} {account.name}" if account else f"#{account_id}"

    def _xero_label(self, account: XeroAccount) -> str:
        return f"{account.code} {account.name}" if account.code else f"{account.name} (no code)"

    # -- single lookups
    def _xero_account(self, reference: str, subject: str, who: str) -> XeroAccount | Failure:
        account = self.chart.find(reference)
        if account is None:
            return Failure(
                "mapping.xero_account_missing", subject,
                f"{who} is mapped to Xero account {reference}, which is not in Xero's chart of accounts.",
                f"Create account {reference} in Xero, or map {who} to an existing Xero account code.",
            )  # fmt: skip
        if account.code is None:
            return Failure(
                "mapping.xero_account_no_code", subject,
                f"{who} is mapped to the Xero account {account.name}, which has no code.",
                f"In Xero, give {account.name} a unique code (Accounting > Chart of accounts), then map that code.",
            )  # fmt: skip
        if not account.active:
            return Failure(
                "mapping.xero_account_archived", subject,
                f"{who} is mapped to Xero account {self._xero_label(account)}, which is archived.",
                f"Restore {self._xero_label(account)} in Xero, or map {who} to an active account.",
            )  # fmt: skip
        return account

    def account(self, account_id: str) -> XeroAccount | Failure:
        who = f"Actionstep account {self.account_label(account_id)}"
        subject = f"account:{account_id}"
        reference = self._map.get((MappingKind.ACCOUNT, account_id))
        if reference is None:
            return Failure(
                "mapping.unmapped_account", subject,
                f"{who} has no Xero account mapped to it.",
                f"Map it to a Xero account code: `xerobot mappings set account {account_id} CODE`.",
            )  # fmt: skip
        return self._xero_account(reference, subject, who)

    def role(self, role: MappingRole) -> XeroAccount | Failure:
        label = role.value.replace("_", " ").title()
        subject = f"role:{role.value}"
        reference = self._map.get((MappingKind.ROLE, role.value))
        holding = role in (MappingRole.TRUST_LIABILITY, MappingRole.TRUST_TRANSFERS)
        if reference is None or (holding and self.chart.find(reference) is None):
            code = "mapping.holding_account_missing" if holding else "mapping.unmapped_account"
            return Failure(
                code, subject,
                f"The {label} account is not mapped to an account that exists in Xero."
                + (" Xero has no trust holding accounts by default." if holding else ""),
                f"Create {label} in Xero with a code, then `xerobot mappings set role {role.value} CODE`.",
            )  # fmt: skip
        return self._xero_account(reference, subject, f"The {label} account")

    def bank(self, account_id: str) -> XeroAccount | Failure:
        found = self.account(account_id)
        if isinstance(found, XeroAccount) and not found.is_bank:
            return Failure(
                "mapping.not_a_bank_account", f"account:{account_id}",
                f"Actionstep bank account {self.account_label(account_id)} is mapped to Xero account "
                f"{self._xero_label(found)}, which is not a bank account.",
                "Map it to the matching bank account in Xero.",
            )  # fmt: skip
        return found

    def _line_need(self, line: Line) -> Need | None:
        """The mapping a line's income or expense account comes from (the rule in the module docstring); None for a
        fee line with nowhere to post that a timekeeper mapping would fix."""
        timekeeper_id = line.timekeeper_id
        if timekeeper_id and (MappingKind.TIMEKEEPER, timekeeper_id) in self._map:
            return (MappingKind.TIMEKEEPER, timekeeper_id)
        if line.account_id:
            return (MappingKind.ACCOUNT, line.account_id)
        timekeeper = self.books.timekeepers.get(timekeeper_id or "")
        if timekeeper is not None and timekeeper.income_account_id:
            return (MappingKind.ACCOUNT, timekeeper.income_account_id)
        return (MappingKind.TIMEKEEPER, timekeeper_id) if timekeeper_id else None

    def needs(self, document: Document) -> set[Need]:
        """Every mapping `document` needs, mapped or not: the same walk as `resolve`, without looking anything up."""
        found: set[Need | None] = set()
        if isinstance(document, LinedDocument):
            found.update(self._line_need(line) for line in document.lines)
            sales = _direction(document) is Direction.SALES
            role = MappingRole.ACCOUNTS_RECEIVABLE if sales else MappingRole.ACCOUNTS_PAYABLE
            found.add((MappingKind.ROLE, role.value))
        elif isinstance(document, Payment):
            found.add((MappingKind.ACCOUNT, document.bank_account_id))
        elif isinstance(document, Transfer):
            found.update(
                {
                    (MappingKind.ACCOUNT, document.from_account_id),
                    (MappingKind.ACCOUNT, document.to_account_id),
                }
            )
            if isinstance(document, TrustTransfer):
                found.add((MappingKind.ROLE, MappingRole.TRUST_TRANSFERS.value))
        elif isinstance(document, BankEntry):
            found.add((MappingKind.ACCOUNT, document.bank_account_id))
            if isinstance(document, TrustReceipt | TrustPayment) or not document.account_id:
                found.add((MappingKind.ROLE, MappingRole.TRUST_LIABILITY.value))
            if document.account_id:
                found.add((MappingKind.ACCOUNT, document.account_id))
        return {need for need in found if need is not None}

    def mapped(self, need: Need) -> bool:
        """Whether a mapping is stored for `need` (sound or not: `check` says which are broken)."""
        return need in self._map

    def _line_account(self, line: Line) -> XeroAccount | Failure:
        timekeeper_id = line.timekeeper_id
        if timekeeper_id and (MappingKind.TIMEKEEPER, timekeeper_id) in self._map:
            timekeeper = self.books.timekeepers.get(timekeeper_id)
            who = f"Timekeeper {timekeeper.name if timekeeper else timekeeper_id}"
            return self._xero_account(
                self._map[(MappingKind.TIMEKEEPER, timekeeper_id)], f"timekeeper:{timekeeper_id}", who
            )
        if line.account_id:
            return self.account(line.account_id)
        timekeeper = self.books.timekeepers.get(timekeeper_id or "")
        if timekeeper is not None and timekeeper.income_account_id:
            return self.account(timekeeper.income_account_id)
        name = timekeeper.name if timekeeper else (timekeeper_id or "unknown")
        return Failure(
            "mapping.timekeeper_without_income_account", f"timekeeper:{timekeeper_id}",
            f"Timekeeper {name} has no income account, so their fee lines have nowhere to post.",
            f"Give {name} an income account in Actionstep, or `xerobot mappings set timekeeper {timekeeper_id} CODE`.",
        )  # fmt: skip

    def _tax_type(self, line: Line, direction: Direction, account: XeroAccount) -> str | Failure:
        side = "sales" if direction is Direction.SALES else "purchases"
        tax_type = self._map.get((MappingKind.TAX_CODE, f"{line.tax_code}:{side}"))
        if tax_type is None:
            tax_code = self.books.tax_codes.get(line.tax_code)
            if tax_code is not None:
                tax_type = tax_code.xero_output if direction is Direction.SALES else tax_code.xero_input
        rate = self.chart.taxes.get(tax_type or "")
        if tax_type is None or rate is None or rate.status != "ACTIVE":
            return Failure(
                "mapping.unknown_tax_code", f"tax_code:{line.tax_code}:{side}",
                f"Actionstep tax code {line.tax_code} has no active Xero tax type for {side}.",
                f"`xerobot mappings set tax_code {line.tax_code}:{side} TAXTYPE` with a tax type from Xero.",
            )  # fmt: skip
        if account.klass not in rate.applies_to:
            return Failure(
                "mapping.tax_type_invalid", f"tax:{tax_type}:{account.code}",
                f"Xero does not allow tax type {rate.name} ({tax_type}) on {self._xero_label(account)} "
                f"({account.klass.value.lower()} account).",
                f"Map to a Xero account that allows {rate.name}, or correct the tax code in Actionstep.",
            )  # fmt: skip
        return tax_type

    # -- documents
    def resolve(self, document: Document) -> Resolution:
        """The Xero targets `document` needs, or every failure that blocks it."""
        failures: list[Failure] = []

        def need(found: XeroAccount | Failure) -> str:
            if isinstance(found, Failure):
                failures.append(found)
                return ""
            return found.code or ""

        targets: Targets
        if isinstance(document, LinedDocument):
            direction = _direction(document)
            lines = []
            for line in document.lines:
                account = self._line_account(line)
                if isinstance(account, Failure):
                    failures.append(account)
                    continue
                tax_type = self._tax_type(line, direction, account)
                if isinstance(tax_type, Failure):
                    failures.append(tax_type)
                    continue
                lines.append(ResolvedLine(line, account.code or "", tax_type))
            need(
                self.role(
                    MappingRole.ACCOUNTS_RECEIVABLE
                    if direction is Direction.SALES
                    else MappingRole.ACCOUNTS_PAYABLE
                )
            )
            targets = Targets(lines=tuple(lines))
        elif isinstance(document, Payment):
            targets = Targets(bank_code=need(self.bank(document.bank_account_id)))
        elif isinstance(document, Transfer):
            if isinstance(document, TrustTransfer):
                need(self.role(MappingRole.TRUST_TRANSFERS))
            targets = Targets(
                bank_code=need(self.bank(document.from_account_id)),
                to_bank_code=need(self.bank(document.to_account_id)),
            )
        elif isinstance(document, BankEntry):
            if isinstance(document, TrustReceipt | TrustPayment):
                need(self.role(MappingRole.TRUST_LIABILITY))
            other = (
                self.account(document.account_id)
                if document.account_id
                else self.role(MappingRole.TRUST_LIABILITY)
            )
            targets = Targets(bank_code=need(self.bank(document.bank_account_id)), account_code=need(other))
        else:
            targets = Targets()
        unique = tuple(dict.fromkeys(failures))
        return Resolution(None if unique else targets, unique)

    def check(self, documents: Iterable[Document]) -> MappingReport:
        """Resolve every pushable document and add the problems no document has shown yet: broken mappings that
        nothing uses today (warnings) and timekeepers without an income account."""
        resolutions: dict[SourceRef, Resolution] = {}
        blocked: dict[str, list[SourceRef]] = defaultdict(list)
        seen: dict[str, Failure] = {}
        for document in documents:
            if not document.kind.pushed:
                continue
            resolution = self.resolve(document)
            resolutions[document.ref] = resolution
            for failure in resolution.failures:
                seen.setdefault(failure.subject, failure)
                blocked[failure.subject].append(document.ref)
        for failure in self._standing_failures():
            seen.setdefault(failure.subject, failure)
        problems = [
            Problem(
                code=failure.code,
                subject=subject,
                message=_with_count(failure.message, len(blocked.get(subject, ()))),
                fix=_fix(failure.code, failure.fix),
                severity=Severity.BLOCKING if blocked.get(subject) else Severity.WARNING,
                documents=tuple(blocked.get(subject, ())),
            )
            for subject, failure in seen.items()
        ]
        problems.sort(key=lambda p: (p.severity is not Severity.BLOCKING, -len(p.documents), p.subject))
        return MappingReport(problems, resolutions)

    def _standing_failures(self) -> Iterable[Failure]:
        for (kind, source_id), reference in self._map.items():
            if kind is MappingKind.ACCOUNT:
                found = self.account(source_id)
            elif kind is MappingKind.TIMEKEEPER:
                found = self._xero_account(reference, f"timekeeper:{source_id}", f"Timekeeper {source_id}")
            else:
                continue
            if isinstance(found, Failure):
                yield found
        for role in MappingRole:
            found = self.role(role)
            if isinstance(found, Failure):
                yield found
        for timekeeper in self.books.timekeepers.values():
            if timekeeper.active and not timekeeper.income_account_id:
                found = self._line_account(
                    Line("", None, Decimal(0), Decimal(0), "", timekeeper_id=timekeeper.id)
                )
                if isinstance(found, Failure):
                    yield found


def _direction(document: LinedDocument) -> Direction:
    if isinstance(document, CreditNote):
        return document.direction
    return Direction.PURCHASES if isinstance(document, SupplierInvoice) else Direction.SALES


def _with_count(message: str, count: int) -> str:
    if count == 0:
        return f"{message} No pending document needs it yet."
    return f"{message} It blocks {count} document{'s' if count != 1 else ''}."


__all__ = [
    "Failure",
    "Mapper",
    "MappingReport",
    "Need",
    "Resolution",
    "ResolvedLine",
    "Targets",
]

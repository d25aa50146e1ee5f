"""One reconciliation of a period: read Actionstep, Xero and the ledger, and put together the `Reconciliation`.

Calls: Actionstep's documents of the period in pages per kind (its trust transactions from the beginning, for the
trust ledger); Xero's records of the period in pages of its largest size per endpoint, then the linked ones the
period's listing did not show, many ids a call; Xero's organisation, chart and balance sheet once each. Nothing is
written to Xero. What is kept of each document is `SourceFacts` (or a trust movement), so a month of ten thousand
documents is held once, small.

Every part that Actionstep or Xero cannot answer (an outage, a rate or day limit, lost consent) is named in
`incomplete`, and a reconciliation with anything incomplete never agrees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from integration.clock import Clock
from integration.domain import (
    AccountType,
    Alert,
    AlertSource,
    ChecklistItem,
    ControlAccount,
    Difference,
    Document,
    DocumentKind,
    Gap,
    LinedDocument,
    Link,
    MalformedDocument,
    Mapping,
    MappingKind,
    MappingRole,
    Period,
    Reconciliation,
    SourceBooks,
    SourceRef,
    TrustCheck,
    XeroChart,
    XeroOrganisation,
    XeroRecord,
)
from integration.errors import describe
from integration.ports import ActionstepGateway, ReportedBalance, XeroBooks, XeroGateway
from integration.reconcile.trust_reads import TRUST_KINDS, TrustReader
from integration.reconcile.unanswered import Unanswered
from integration.rules import balances as money
from integration.rules import reconcile as rules
from integration.rules.posting import ENDPOINT_OF_KIND
from integration.rules.reconcile import SourceFacts, Unposted
from integration.store import Store

ZERO = Decimal("0.00")
KINDS = tuple(kind for kind in DocumentKind if kind.pushed)
OPEN_SOURCES = frozenset({AlertSource.SYNC, AlertSource.DRIFT, AlertSource.DUPLICATE})
HAND_ENTERED = "Entered in Xero outside the bot this period"
CHANGED_IN_XERO = "Changed, voided or deleted in Xero this period"


def facts_of(document: Document) -> SourceFacts:
    tax = document.total_tax if isinstance(document, LinedDocument) else ZERO
    return SourceFacts(document.ref, document.number, document.date, document.total, tax)


class PeriodReader:
    """Reads and compares one period for one firm."""

    def __init__(
        self, store: Store, actionstep: ActionstepGateway, xero: XeroGateway, books: XeroBooks, clock: Clock
    ) -> None:
        self._store = store
        self._actionstep = actionstep
        self._xero = xero
        self._books = books
        self._clock = clock

    def reconcile(self, period: Period) -> Reconciliation:
        """The reconciliation of `period` as Actionstep, Xero and the ledger stand now."""
        unanswered = Unanswered()
        guarded = unanswered.guarded
        counters = {id(o): (o, o.api_calls) for o in (self._xero, self._books, self._actionstep)}

        source_books = guarded("Actionstep's chart", self._actionstep.books)
        organisation = guarded("Xero's organisation", self._xero.organisation)
        chart = guarded("Xero's chart of accounts", self._xero.chart)

        facts: dict[DocumentKind, list[SourceFacts]] = defaultdict(list)
        differences: list[Difference] = []
        bills: dict[str, list[date]] = defaultdict(list)

        def keep(document: Document | MalformedDocument) -> None:
            if isinstance(document, MalformedDocument):
                differences.append(
                    Difference(
                        Gap.NOT_POSTED,
                        document.kind,
                        document.number or document.source.id,
                        document.problem,
                        "Correct the record in Actionstep; it cannot be read as it stands.",
                        source_id=document.source.id,
                    )
                )
                return
            if period.start <= document.date <= period.end:
                facts[document.kind].append(facts_of(document))
                if document.kind is DocumentKind.SALES_INVOICE and document.matter_id:
                    bills[document.matter_id].append(document.date)

        unread: set[DocumentKind] = set()
        for kind in KINDS:
            if kind in TRUST_KINDS:
                continue

            def read_kind(kind: DocumentKind = kind) -> bool:
                for document in self._actionstep.documents_dated(kind, period.start, period.end):
                    keep(document)
                return True

            if guarded(f"Actionstep's {kind.label}s", read_kind) is None:
                unread.add(kind)
        trust = TrustReader(self._actionstep, unanswered)
        movements, trust_read = (
            trust.read(period, source_books, keep) if source_books is not None else ([], False)
        )
        if not trust_read:
            unread.update(TRUST_KINDS)

        refs = [f.ref for kind_facts in facts.values() for f in kind_facts]
        with self._store.unit_of_work() as uow:
            links = uow.links.active_for(refs, lean=True)
            pending = uow.pending.outcomes(refs)
            mappings = uow.mappings.all()
            open_alerts = [
                a for a in uow.alerts.unresolved() if a.source in OPEN_SOURCES and a.ignored_at is None
            ]

        records, unanswered_endpoints = self._xero_records(period, links, guarded)
        tallies = []
        explained: dict[ControlAccount, list[tuple[str, Decimal]]] = defaultdict(list)
        changed: dict[ControlAccount, Decimal] = {}
        codes = self._codes(mappings, source_books, chart)
        trust_banks = frozenset(codes.get(ControlAccount.TRUST_BANK, ()))
        for kind in KINDS:
            if kind in unread:
                continue
            counter = rules.KindCount(kind)
            endpoint = ENDPOINT_OF_KIND[kind].value
            for fact in facts.get(kind, []):
                link = links.get(fact.ref)
                record = records.get(link.xero_id.lower()) if link else None
                counter.add(fact, record, link is not None)
                if link is not None and record is None and endpoint in unanswered_endpoints:
                    continue
                difference = rules.examine(fact, link, record, self._unposted(pending.get(fact.ref)))
                if difference is None:
                    continue
                differences.append(difference)
                if link is not None:
                    now = money.record_effects(record, trust_banks) if record and rules.live(record) else {}
                    money.add(changed, now)
                    money.add(
                        changed,
                        money.posted_effects(kind, link.xero_type, link.total, link.posted_tax),
                        Decimal(-1),
                    )
            tallies.append(counter.tally())
        for account, amount in changed.items():
            explained[account].append((CHANGED_IN_XERO, amount))

        strays, ours, hand = self._strays(records, facts, links)
        differences.extend(strays)
        outside: dict[ControlAccount, Decimal] = {}
        for record in ours + hand:
            money.add(outside, money.record_effects(record, trust_banks))
        for account, amount in outside.items():
            explained[account].append((HAND_ENTERED, amount))

        xero_balances = self._balances(period, codes, chart, guarded)
        implied, transfers_posted = self._implied(period)
        shown_codes = {account: ",".join(account_codes) for account, account_codes in codes.items()}
        balances = money.balances(shown_codes, xero_balances, implied, explained)
        trust_check: TrustCheck | None = None
        if ControlAccount.TRUST_BANK in codes or movements:
            known = xero_balances or {}
            trust_check = trust.check(
                period, movements, bills, known.get(ControlAccount.TRUST_LIABILITY),
                known.get(ControlAccount.TRUST_BANK), transfers_posted, complete=trust_read,
            )  # fmt: skip
        checklist = self._checklist(period, differences, open_alerts, organisation, trust_check)
        calls = {key: obj.api_calls - start for key, (obj, start) in counters.items()}
        return Reconciliation(
            period, self._clock.now(), tuple(tallies), tuple(differences), balances, rules.hand_entered(hand),
            trust_check, checklist, tuple(unanswered.parts),
            xero_calls=sum(v for k, v in calls.items() if k != id(self._actionstep)),
            actionstep_calls=calls[id(self._actionstep)],
        )  # fmt: skip

    # -- Xero's side

    def _xero_records(
        self,
        period: Period,
        links: dict[SourceRef, Link],
        guarded: Callable[[str, Callable[[], bool]], bool | None],
    ) -> tuple[dict[str, XeroRecord], set[str]]:
        """Xero's records of the period by id (lower case), and the endpoints Xero did not fully answer. Linked
        documents the period's listing did not show (moved to another date, or gone) are read by id in batches."""
        records: dict[str, XeroRecord] = {}
        unanswered: set[str] = set()
        endpoints = sorted({ENDPOINT_OF_KIND[kind].value for kind in KINDS})
        for endpoint in endpoints:

            def listed(endpoint: str = endpoint) -> bool:
                for record in self._books.dated(endpoint, period.start, period.end):
                    records[record.xero_id.lower()] = record
                return True

            if guarded(f"Xero's {endpoint} of {period}", listed) is None:
                unanswered.add(endpoint)
        missing: dict[str, list[str]] = defaultdict(list)
        for ref, link in links.items():
            endpoint = ENDPOINT_OF_KIND[ref.kind].value
            if link.xero_id.lower() not in records and endpoint not in unanswered:
                missing[endpoint].append(link.xero_id)
        for endpoint, ids in missing.items():

            def by_id(endpoint: str = endpoint, ids: list[str] = ids) -> bool:
                records.update((r.xero_id.lower(), r) for r in self._books.records_by_ids(endpoint, ids))
                return True

            if guarded(f"Xero's {endpoint} by id", by_id) is None:
                unanswered.add(endpoint)
        return records, unanswered

    def _strays(
        self,
        records: dict[str, XeroRecord],
        facts: dict[DocumentKind, list[SourceFacts]],
        links: dict[SourceRef, Link],
    ) -> tuple[list[Difference], list[XeroRecord], list[XeroRecord]]:
        """Live records of the period that no active link explains: ours (a difference each, and the records
        themselves) and the ones entered by hand."""
        linked = {link.xero_id.lower() for link in links.values()}
        candidates = [r for r in records.values() if r.xero_id.lower() not in linked and rules.live(r)]
        if not candidates:
            return [], [], []
        ids = [r.xero_id for r in candidates]
        with self._store.unit_of_work() as uow:
            elsewhere = uow.links.active_by_xero_id(ids)
            candidates = [r for r in candidates if r.xero_id.lower() not in elsewhere]
            latest = uow.links.latest_by_xero_id([r.xero_id for r in candidates])
            contacts = frozenset(
                uow.links.active_by_contact({r.contact_id for r in candidates if r.contact_id})
            )
        numbers = {f.number: kind for kind, kind_facts in facts.items() for f in kind_facts}
        found: list[Difference] = []
        ours: list[XeroRecord] = []
        hand: list[XeroRecord] = []
        for record in candidates:
            difference = rules.stray(record, latest.get(record.xero_id.lower()), numbers, contacts)
            if difference is None:
                hand.append(record)
            else:
                found.append(difference)
                ours.append(record)
        return found, ours, hand

    @staticmethod
    def _codes(
        mappings: Iterable[Mapping], books: SourceBooks | None, chart: XeroChart | None
    ) -> dict[ControlAccount, tuple[str, ...]]:
        """The Xero account codes of each control account the firm has mapped (several trust banks, one of the
        others)."""
        codes: dict[ControlAccount, tuple[str, ...]] = {}
        roles = {
            MappingRole.ACCOUNTS_RECEIVABLE.value: ControlAccount.ACCOUNTS_RECEIVABLE,
            MappingRole.ACCOUNTS_PAYABLE.value: ControlAccount.ACCOUNTS_PAYABLE,
            MappingRole.TRUST_LIABILITY.value: ControlAccount.TRUST_LIABILITY,
            MappingRole.TRUST_TRANSFERS.value: ControlAccount.TRUST_TRANSFERS,
        }
        trust_accounts = (
            {a.id for a in books.accounts.values() if a.type is AccountType.TRUST_BANK} if books else set()
        )
        trust_codes = []
        for mapping in mappings:
            if mapping.kind is MappingKind.ROLE and mapping.source_id in roles:
                codes[roles[mapping.source_id]] = (mapping.xero_account,)
            elif mapping.kind is MappingKind.ACCOUNT and mapping.source_id in trust_accounts:
                trust_codes.append(mapping.xero_account)
        if chart is not None:
            gst = next((a.code for a in chart.accounts if a.system_account == "GST" and a.code), None)
            if gst:
                codes[ControlAccount.GST] = (gst,)
        if trust_codes:
            codes[ControlAccount.TRUST_BANK] = tuple(sorted(set(trust_codes)))
        return codes

    def _balances(
        self,
        period: Period,
        codes: dict[ControlAccount, tuple[str, ...]],
        chart: XeroChart | None,
        guarded: Callable[[str, Callable[[], list[ReportedBalance]]], list[ReportedBalance] | None],
    ) -> dict[ControlAccount, Decimal] | None:
        """Xero's balance sheet at the period's end, per mapped control account; None when it could not be read."""
        if not codes or chart is None:
            return None
        reported = guarded(f"Xero's balance sheet at {period.end}", lambda: self._books.balances(period.end))
        if reported is None:
            return None
        by_id = {b.account_id.lower(): b.balance for b in reported}
        id_of = {a.code: a.account_id.lower() for a in chart.accounts if a.code}
        found: dict[ControlAccount, Decimal] = {}
        for account, account_codes in codes.items():
            found[account] = sum((by_id.get(id_of.get(c, ""), ZERO) for c in account_codes), ZERO)
        return found

    def _implied(self, period: Period) -> tuple[dict[ControlAccount, Decimal], Decimal]:
        """What the bot's postings up to the period's end add up to, and its trust-to-office transfers."""
        transfers = ZERO

        def postings() -> Iterable[tuple[DocumentKind, str, Decimal, Decimal | None]]:
            nonlocal transfers
            for posting in uow.links.posted_until(period.end):
                if posting[0] is DocumentKind.TRUST_TRANSFER:
                    transfers += posting[2]
                yield posting

        with self._store.unit_of_work() as uow:
            totals = money.implied(postings())
        return totals, transfers

    @staticmethod
    def _unposted(outcome: tuple[str, str | None] | None) -> Unposted | None:
        if outcome is None:
            return None
        state, code = outcome
        if code is None:
            return Unposted(
                f"{state.capitalize()} in the last sync.", "See the sync's alert, fix it, and sync again."
            )
        entry = describe(code)
        return Unposted(f"{entry.title}: {entry.cause}", entry.fix)

    @staticmethod
    def _checklist(
        period: Period,
        differences: list[Difference],
        open_alerts: list[Alert],
        organisation: XeroOrganisation | None,
        trust: TrustCheck | None,
    ) -> tuple[ChecklistItem, ...]:
        unposted = sum(1 for d in differences if d.gap is Gap.NOT_POSTED)
        others = len(differences) - unposted
        lock = organisation.lock_date if organisation is not None else None
        return (
            ChecklistItem(
                "Every approved document is in Xero", not unposted,
                f"{unposted} not posted" if unposted else "all posted",
            ),
            ChecklistItem(
                "Actionstep and Xero agree on every document", not others,
                f"{others} differ" if others else "no differences",
            ),
            ChecklistItem(
                "No open failures or drift", not open_alerts,
                f"{len(open_alerts)} open alerts" if open_alerts else "none open",
            ),
            ChecklistItem(
                "Xero's lock date is past the period", lock is not None and lock >= period.end,
                f"locked up to {lock.isoformat()}" if lock else "no lock date set",
            ),
            ChecklistItem(
                "Trust reconciled", trust is None or trust.reconciled,
                "no trust accounts" if trust is None else ("three ways agree" if trust.reconciled else
                                                          f"{len(trust.findings) + len(trust.overdrawn) + len(trust.unbilled_transfers)} to look at"),
            ),
        )  # fmt: skip

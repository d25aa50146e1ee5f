"""Suggested mappings: for each Actionstep account, timekeeper and holding-account role that a pending document
needs and that has no mapping, the Xero account it most likely belongs to, how sure that is, and why.

Pure: the caller supplies what is needed, Actionstep's books, Xero's chart and the stored mappings.

The rules, in order:
- only compatible Xero types are candidates (`COMPATIBLE`): income → REVENUE or SALES; expense → EXPENSE, OVERHEADS or
  DIRECTCOSTS; bank and trust bank → BANK; trust liability and trust transfers → the liability types; accounts
  receivable → CURRENT, payable → CURRLIAB. Never an archived account, never one without a code (Xero identifies
  accounts by code), and never one of Xero's system accounts except Accounts Receivable and Payable for their roles;
- the same code first (high);
- then the name, normalised (`words`): case, punctuation, "&" and "and", and common words such as "account" do not
  count, plurals and a few bookkeeping synonyms ("cheque" and "bank", "received" and "income") count as one. The
  same words are high; sharing at least half of them medium; any word in common low. A tie for the best name lowers
  the confidence one step, and the why names the other candidate;
- a role: Xero's Accounts Receivable / Payable system account (high), else by name (the role's own, or the
  Actionstep account of that type's);
- a timekeeper without an income account: the Xero account most other timekeepers' fees go to (low).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from integration.domain import (
    Account,
    AccountType,
    Confidence,
    MappingKind,
    MappingRole,
    SourceBooks,
    Suggestion,
    XeroAccount,
    XeroChart,
)
from integration.rules.mapping import Need

BANK = frozenset({"BANK"})
LIABILITY = frozenset({"CURRLIAB", "LIABILITY", "TERMLIAB"})
INCOME = frozenset({"REVENUE", "SALES"})
COMPATIBLE: dict[AccountType, frozenset[str]] = {
    AccountType.INCOME: INCOME,
    AccountType.EXPENSE: frozenset({"EXPENSE", "OVERHEADS", "DIRECTCOSTS"}),
    AccountType.BANK: BANK,
    AccountType.TRUST_BANK: BANK,
    AccountType.TRUST_LIABILITY: LIABILITY,
    AccountType.TRUST_TRANSFERS: LIABILITY,
    AccountType.ACCOUNTS_RECEIVABLE: frozenset({"CURRENT"}),
    AccountType.ACCOUNTS_PAYABLE: frozenset({"CURRLIAB"}),
    AccountType.OTHER: frozenset(),
}
SYSTEM_OF: dict[AccountType, str] = {
    AccountType.ACCOUNTS_RECEIVABLE: "DEBTORS",
    AccountType.ACCOUNTS_PAYABLE: "CREDITORS",
}
ROLE_TYPES: dict[MappingRole, tuple[frozenset[str], AccountType, str | None]] = {
    MappingRole.ACCOUNTS_RECEIVABLE: (frozenset({"CURRENT"}), AccountType.ACCOUNTS_RECEIVABLE, "DEBTORS"),
    MappingRole.ACCOUNTS_PAYABLE: (frozenset({"CURRLIAB"}), AccountType.ACCOUNTS_PAYABLE, "CREDITORS"),
    MappingRole.TRUST_LIABILITY: (LIABILITY, AccountType.TRUST_LIABILITY, None),
    MappingRole.TRUST_TRANSFERS: (LIABILITY, AccountType.TRUST_TRANSFERS, None),
}
COMMON_WORDS = frozenset({"account", "accounts", "acct", "a", "c", "ac", "the", "of", "and", "for", "to"})
SYNONYMS = {
    "cheque": "bank", "checking": "bank", "received": "income", "revenue": "income", "earned": "income",
    "expense": "cost", "expenses": "cost", "costs": "cost", "charges": "fee", "charge": "fee",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_LOWER = {
    Confidence.HIGH: Confidence.MEDIUM,
    Confidence.MEDIUM: Confidence.LOW,
    Confidence.LOW: Confidence.LOW,
}


@functools.lru_cache(maxsize=4096)
def words(name: str) -> frozenset[str]:
    """A name's words, normalised: lower case, no punctuation, "&" as "and", common words dropped, plurals and
    synonyms folded. "Printing & Stationery" and "printing and stationery a/c" give the same words."""
    found = set()
    for word in _WORD.findall(name.lower().replace("&", " and ")):
        if word in COMMON_WORDS:
            continue
        word = SYNONYMS.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(SYNONYMS.get(word, word))
    return frozenset(found)


def _code(code: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", (code or "").lower())


def mappable(account: XeroAccount, types: frozenset[str], system: str | None = None) -> bool:
    """Whether `account` may be suggested for a side that takes `types`: active, with a code, of a compatible type,
    and not a system account (unless it is the `system` account the side asks for)."""
    return (
        account.active
        and bool(account.code)
        and account.type in types
        and account.system_account in (None, system)
    )


@dataclass(frozen=True, slots=True)
class _Pick:
    account: XeroAccount
    confidence: Confidence
    why: str


class _Pool:
    """The Xero accounts one kind of side may take, indexed by normalised code and by word, so matching a name
    scores only the accounts that share a word with it."""

    def __init__(self, accounts: Sequence[XeroAccount]) -> None:
        self.accounts = list(accounts)
        self.by_code: dict[str, XeroAccount] = {}
        self.by_word: dict[str, list[XeroAccount]] = defaultdict(list)
        self.by_words: dict[frozenset[str], list[XeroAccount]] = defaultdict(list)
        for account in self.accounts:
            self.by_code.setdefault(_code(account.code), account)
            self.by_words[words(account.name)].append(account)
            for word in words(account.name):
                self.by_word[word].append(account)

    def sharing(self, names: Sequence[str]) -> list[XeroAccount]:
        found = {id(a): a for n in names for w in words(n) for a in self.by_word.get(w, ())}
        return list(found.values())


def _by_name(names: Sequence[str], pool: _Pool) -> _Pick | None:
    ours = [(name, words(name)) for name in names if words(name)]
    for name, mine in ours:  # the same words: found by lookup, no need to score the pool
        same = pool.by_words.get(mine)
        if same:
            why = f"same name: {name} / {same[0].name}"
            if len(same) > 1:
                return _Pick(same[0], Confidence.MEDIUM, why + f" (so does {_label(same[1])})")
            return _Pick(same[0], Confidence.HIGH, why)
    scored: list[tuple[float, XeroAccount, str]] = []
    for account in pool.sharing(names):
        theirs = words(account.name)
        best, best_name = 0.0, ""
        for name, mine in ours:
            common = len(mine & theirs)
            score = common / (len(mine) + len(theirs) - common)  # Jaccard similarity of the two names' words
            if score > best:
                best, best_name = score, name
        if best > 0:
            scored.append((best, account, best_name))
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], s[1].code or ""))
    score, account, name = scored[0]
    confidence = Confidence.HIGH if score == 1 else Confidence.MEDIUM if score >= 0.5 else Confidence.LOW
    label = "same name" if score == 1 else "similar name" if score >= 0.5 else "a word in common"
    shared = ", ".join(sorted(words(name) & words(account.name)))
    why = f"{label} ({shared}): {name} / {account.name}"
    rivals = [a for s, a, _ in scored[1:] if s == score]
    if rivals:
        confidence = _LOWER[confidence]
        why += f" (so does {_label(rivals[0])})"
    return _Pick(account, confidence, why)


def _label(account: XeroAccount) -> str:
    return f"{account.code} {account.name}"


class Suggester:
    """Suggests a Xero account for each need; built once per command or modal over one reading of Xero's chart."""

    def __init__(self, books: SourceBooks, chart: XeroChart, mappings: Mapping[Need, str]) -> None:
        self._books = books
        self._chart = chart
        self._mappings = mappings
        self._pools: dict[frozenset[str], _Pool] = {}
        self._accounts: dict[str, _Pick | None] = {}

    def suggest(self, needs: Iterable[tuple[Need, int]]) -> list[Suggestion]:
        """One suggestion per unmapped need, most-needed first; `needs` pairs each need with how many pending
        documents need it. A need nothing in Xero fits is still listed, with no Xero account."""
        found = [self._suggest(need, count) for need, count in needs if need not in self._mappings]
        order = {MappingKind.ROLE: 0, MappingKind.ACCOUNT: 1, MappingKind.TIMEKEEPER: 2}
        return sorted(
            (s for s in found if s is not None),
            key=lambda s: (order.get(s.kind, 3), s.source_name.lower(), s.source_id),
        )

    def _suggest(self, need: Need, count: int) -> Suggestion | None:
        kind, source_id = need
        if kind is MappingKind.ACCOUNT:
            account = self._books.accounts.get(source_id)
            name = f"{account.code} {account.name}" if account else f"#{source_id}"
            pick = self._account(source_id)
        elif kind is MappingKind.ROLE:
            try:
                role = MappingRole(source_id)
            except ValueError:
                return None
            name, pick = role.value.replace("_", " ").title(), self._role(role)
        elif kind is MappingKind.TIMEKEEPER:
            keeper = self._books.timekeepers.get(source_id)
            name, pick = (keeper.name if keeper else source_id), self._timekeeper(source_id)
        else:
            return None
        if pick is None:
            return Suggestion(kind, source_id, name, why="nothing in Xero's chart fits", documents=count)
        return Suggestion(
            kind, source_id, name, pick.account.code, pick.account.name, pick.confidence, pick.why, count
        )

    def fits(self, need: Need, account: XeroAccount | None, reference: str) -> str | None:
        """Why `account` (what `reference` found in the chart) cannot be accepted for `need`, or None when it can."""
        kind, source_id = need
        if account is None:
            return f"Xero has no account with code {reference}"
        label = _label(account) if account.code else f"{account.name} (no code)"
        if not account.code:
            return f"Xero account {account.name} has no code; give it one in Xero first"
        if not account.active:
            return f"Xero account {label} is archived"
        if kind is MappingKind.ACCOUNT:
            source = self._books.accounts.get(source_id)
            if source is None:
                return f"Actionstep has no account #{source_id}"
            types, system = COMPATIBLE[source.type], SYSTEM_OF.get(source.type)
            kind_words = source.type.value.replace("_", " ")
            what = f"{'an' if kind_words[0] in 'aeiou' else 'a'} {kind_words} account"
        elif kind is MappingKind.ROLE:
            types, _, system = ROLE_TYPES[MappingRole(source_id)]
            what = f"the {source_id.replace('_', ' ')} role"
        else:
            types, system, what = INCOME, None, "a timekeeper's fees"
        if not mappable(account, types, system):
            return f"Xero account {label} ({account.type}) does not suit {what}"
        return None

    def options(self, need: Need) -> list[XeroAccount]:
        """Every Xero account `need` could be mapped to (compatible, active, with a code), by code."""
        kind, source_id = need
        if kind is MappingKind.ACCOUNT:
            source = self._books.accounts.get(source_id)
            if source is None:
                return []
            return self._pool(COMPATIBLE[source.type], SYSTEM_OF.get(source.type)).accounts
        if kind is MappingKind.ROLE and source_id in MappingRole._value2member_map_:
            types, _, system = ROLE_TYPES[MappingRole(source_id)]
            return self._pool(types, system).accounts
        return self._pool(INCOME).accounts if kind is MappingKind.TIMEKEEPER else []

    def _pool(self, types: frozenset[str], system: str | None = None) -> _Pool:
        key = types | ({f"system:{system}"} if system else set())
        if key not in self._pools:
            self._pools[key] = _Pool(
                sorted(
                    (a for a in self._chart.accounts if mappable(a, types, system)),
                    key=lambda a: a.code or "",
                )
            )
        return self._pools[key]

    def _account(self, account_id: str) -> _Pick | None:
        if account_id not in self._accounts:
            self._accounts[account_id] = self._pick_account(account_id)
        return self._accounts[account_id]

    def _pick_account(self, account_id: str) -> _Pick | None:
        account = self._books.accounts.get(account_id)
        if account is None:
            return None
        return self._match(account, self._pool(COMPATIBLE[account.type], SYSTEM_OF.get(account.type)))

    def _match(self, account: Account, pool: _Pool) -> _Pick | None:
        same = pool.by_code.get(_code(account.code)) if _code(account.code) else None
        if same is not None:
            return _Pick(same, Confidence.HIGH, f"same code: {account.code}")
        return _by_name([account.name], pool)

    def _role(self, role: MappingRole) -> _Pick | None:
        types, account_type, system = ROLE_TYPES[role]
        if system:
            for account in self._pool(types, system).accounts:
                if account.system_account == system:
                    return _Pick(account, Confidence.HIGH, f"Xero's own {account.name} account")
        label = role.value.replace("_", " ")
        names = [label, *(a.name for a in self._books.accounts.values() if a.type is account_type)]
        for source in (a for a in self._books.accounts.values() if a.type is account_type):
            mapped = self._mappings.get((MappingKind.ACCOUNT, source.id))
            target = self._chart.find(mapped) if mapped else None
            if target is not None and mappable(target, types):
                return _Pick(
                    target, Confidence.HIGH, f"where Actionstep's {source.code} {source.name} is mapped"
                )
        return _by_name(names, self._pool(types))

    def _timekeeper(self, timekeeper_id: str) -> _Pick | None:
        """The Xero account most other timekeepers' fees go to: their income accounts' mappings or suggestions."""
        targets: Counter[str] = Counter()
        accounts: dict[str, XeroAccount] = {}
        for keeper in self._books.timekeepers.values():
            if keeper.id == timekeeper_id or not keeper.income_account_id:
                continue
            target = self._income_target(keeper.income_account_id)
            if target is not None and target.code:
                targets[target.code] += 1
                accounts[target.code] = target
        if not targets:
            return None
        code, count = sorted(targets.items(), key=lambda t: (-t[1], t[0]))[0]
        why = f"where the fees of {count} of the firm's other timekeepers go"
        return _Pick(accounts[code], Confidence.LOW, why)

    def _income_target(self, account_id: str) -> XeroAccount | None:
        mapped = self._mappings.get((MappingKind.ACCOUNT, account_id))
        if mapped is not None:
            target = self._chart.find(mapped)
            return target if target is not None and mappable(target, INCOME) else None
        pick = self._account(account_id)
        return pick.account if pick is not None else None


__all__ = ["COMPATIBLE", "ROLE_TYPES", "Suggester", "mappable", "words"]

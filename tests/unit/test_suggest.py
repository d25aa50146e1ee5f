"""The suggestion rules (`rules/suggest.py`): same code first, then the normalised name, compatible types only,
never an archived or codeless account; and `Mapper.needs`, which says what a document needs mapped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration.domain import (
    Account,
    AccountType,
    Confidence,
    MappingKind,
    MappingRole,
    SourceBooks,
    Suggestion,
    Timekeeper,
    XeroAccount,
    XeroChart,
)
from integration.rules.mapping import Mapper
from integration.rules.suggest import COMPATIBLE, Suggester, words
from tests.support.books import demo_books, demo_xero_chart
from tests.support.firm import sales_invoice, supplier_invoice


def chart(*accounts: XeroAccount) -> XeroChart:
    return XeroChart(accounts=list(accounts), tax_rates=[])


def books(*accounts: Account, timekeepers: tuple[Timekeeper, ...] = ()) -> SourceBooks:
    return SourceBooks(
        accounts={a.id: a for a in accounts}, timekeepers={t.id: t for t in timekeepers}, tax_codes={}
    )


def suggest_one(source: Account, *candidates: XeroAccount) -> Suggestion:
    (found,) = Suggester(books(source), chart(*candidates), {}).suggest(
        [((MappingKind.ACCOUNT, source.id), 1)]
    )
    return found


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Printing & Stationery", "printing and stationery"),
        ("Business Savings Account", "BUSINESS SAVINGS"),
        ("Fees - Partners", "Fees: partner"),
        ("Office Cheque Account", "Office Bank a/c"),
        ("Interest Received", "Interest Income"),
    ],
)
def test_names_that_differ_only_in_case_punctuation_and_common_words_are_the_same(
    one: str, other: str
) -> None:
    assert words(one) == words(other)


def test_the_same_code_wins_over_the_same_name() -> None:
    source = Account("1", "420", "Court Fees", AccountType.EXPENSE)
    found = suggest_one(
        source,
        XeroAccount("a", "410", "Court Fees", "EXPENSE"),
        XeroAccount("b", "420", "Filing", "EXPENSE"),
    )
    assert (found.xero_code, found.confidence) == ("420", Confidence.HIGH) and "same code" in found.why


@pytest.mark.parametrize(
    ("kind", "xero_type", "fits"),
    [
        (AccountType.INCOME, "REVENUE", True),
        (AccountType.INCOME, "SALES", True),
        (AccountType.INCOME, "EXPENSE", False),
        (AccountType.EXPENSE, "OVERHEADS", True),
        (AccountType.EXPENSE, "DIRECTCOSTS", True),
        (AccountType.EXPENSE, "REVENUE", False),
        (AccountType.BANK, "BANK", True),
        (AccountType.BANK, "CURRENT", False),
        (AccountType.TRUST_BANK, "BANK", True),
        (AccountType.TRUST_LIABILITY, "CURRLIAB", True),
        (AccountType.TRUST_LIABILITY, "BANK", False),
        (AccountType.TRUST_TRANSFERS, "LIABILITY", True),
        (AccountType.OTHER, "EXPENSE", False),
    ],
)
def test_only_compatible_types_are_suggested(kind: AccountType, xero_type: str, fits: bool) -> None:
    found = suggest_one(Account("1", "X-1", "Sundry", kind), XeroAccount("a", "100", "Sundry", xero_type))
    assert (found.xero_code == "100") is fits


def test_an_archived_or_codeless_account_is_never_suggested_even_by_the_same_name() -> None:
    source = Account("1", "5-5020", "Printing & Stationery", AccountType.EXPENSE)
    found = suggest_one(
        source,
        XeroAccount("a", "461", "Printing & Stationery", "OVERHEADS", status="ARCHIVED"),
        XeroAccount("b", None, "Printing and Stationery", "EXPENSE"),
    )
    assert found.xero_code is None and found.confidence is None and "nothing" in found.why


def test_a_tie_for_the_best_name_lowers_the_confidence_and_names_the_rival() -> None:
    source = Account("1", "4-4000", "Professional Fees", AccountType.INCOME)
    found = suggest_one(
        source,
        XeroAccount("a", "200", "Legal Fees", "REVENUE"),
        XeroAccount("b", "201", "Fees - Partners", "REVENUE"),
    )
    assert (
        found.xero_code == "200" and found.confidence is Confidence.LOW and "201 Fees - Partners" in found.why
    )


def test_a_mapped_need_gets_no_suggestion() -> None:
    source = Account("1", "4-4000", "Legal Fees", AccountType.INCOME)
    suggester = Suggester(
        books(source),
        chart(XeroAccount("a", "200", "Legal Fees", "REVENUE")),
        {(MappingKind.ACCOUNT, "1"): "200"},
    )
    assert suggester.suggest([((MappingKind.ACCOUNT, "1"), 3)]) == []


def test_roles_go_to_xeros_own_receivable_and_payable_and_trust_roles_by_name() -> None:
    found = Suggester(demo_books(), demo_xero_chart(), {}).suggest(
        [
            ((MappingKind.ROLE, r), 1)
            for r in ("accounts_receivable", "accounts_payable", "trust_liability", "trust_transfers")
        ]
    )
    assert {s.source_id: s.xero_code for s in found} == {
        "accounts_receivable": "610", "accounts_payable": "800", "trust_liability": "850", "trust_transfers": "855",
    }  # fmt: skip


def test_a_timekeeper_without_an_income_account_gets_where_most_colleagues_fees_go_with_low_confidence() -> (
    None
):
    (found,) = Suggester(demo_books(), demo_xero_chart(), {}).suggest([((MappingKind.TIMEKEEPER, "tk-5"), 1)])
    assert (found.xero_code, found.confidence) == ("200", Confidence.LOW)


def test_a_system_account_such_as_gst_is_never_suggested_for_trust_money() -> None:
    source = Account("1", "2-2200", "GST", AccountType.TRUST_LIABILITY)
    found = suggest_one(source, XeroAccount("a", "820", "GST", "CURRLIAB", system_account="GST"))
    assert found.xero_code is None


def test_an_accepted_account_of_the_wrong_type_is_refused_with_the_reason() -> None:
    suggester = Suggester(demo_books(), demo_xero_chart(), {})
    xero = demo_xero_chart()
    assert suggester.fits((MappingKind.ACCOUNT, "1000"), xero.find("090"), "090") is None
    assert "does not suit a bank account" in (
        suggester.fits((MappingKind.ACCOUNT, "1000"), xero.find("200"), "200") or ""
    )
    assert "archived" in (suggester.fits((MappingKind.ACCOUNT, "5020"), xero.find("461"), "461") or "")
    assert "no account with code 999" in (suggester.fits((MappingKind.ACCOUNT, "5020"), None, "999") or "")


def test_a_document_needs_its_line_accounts_and_its_side_of_the_ledger() -> None:
    mapper = Mapper([], demo_books(), demo_xero_chart())
    assert mapper.needs(sales_invoice("INV-1")) == {
        (MappingKind.ACCOUNT, "4000"),
        (MappingKind.ROLE, "accounts_receivable"),
    }
    assert mapper.needs(supplier_invoice("BILL-1")) == {
        (MappingKind.ACCOUNT, "5040"),
        (MappingKind.ROLE, "accounts_payable"),
    }


XERO_TYPES = (
    "BANK",
    "CURRENT",
    "CURRLIAB",
    "LIABILITY",
    "REVENUE",
    "SALES",
    "EXPENSE",
    "OVERHEADS",
    "DIRECTCOSTS",
    "EQUITY",
)
NAME_WORDS = (
    "Fees",
    "Legal",
    "Trust",
    "Bank",
    "Account",
    "Costs",
    "&",
    "Office",
    "Income",
    "Expenses",
    "GST",
)


@given(
    chart_rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=3)),
            st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=3),
            st.sampled_from(XERO_TYPES),
            st.sampled_from(("ACTIVE", "ARCHIVED")),
            st.sampled_from((None, "DEBTORS", "CREDITORS", "GST")),
        ),
        max_size=25,
        # Xero keeps account codes unique within an organisation (the chart refuses a second account with a code
        # in use), so a generated chart does too; accounts without a code may be many.
        unique_by=lambda row: row[0] if row[0] is not None else object(),
    ),
    source_rows=st.lists(
        st.tuples(
            st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=3), st.sampled_from(list(AccountType))
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_no_suggestion_is_ever_archived_codeless_a_stray_system_account_or_of_an_incompatible_type(
    chart_rows: list[tuple[str | None, list[str], str, str, str | None]],
    source_rows: list[tuple[list[str], AccountType]],
) -> None:
    xero = chart(
        *(
            XeroAccount(f"a{n}", code, " ".join(name), kind, status, system)
            for n, (code, name, kind, status, system) in enumerate(chart_rows)
        )
    )
    sources = [Account(str(n), f"S-{n}", " ".join(name), kind) for n, (name, kind) in enumerate(source_rows)]
    needs = [((MappingKind.ACCOUNT, a.id), 1) for a in sources] + [
        ((MappingKind.ROLE, r.value), 1) for r in MappingRole
    ]
    suggester = Suggester(books(*sources), xero, {})
    for found in suggester.suggest(needs):
        if found.xero_code is None:
            continue
        account = xero.find(found.xero_code)
        assert account is not None and account.active and account.code
        assert suggester.fits((found.kind, found.source_id), account, found.xero_code) is None
        if found.kind is MappingKind.ACCOUNT:
            assert account.type in COMPATIBLE[books(*sources).accounts[found.source_id].type]

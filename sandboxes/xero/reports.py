"""`GET /Reports/BalanceSheet` and `GET /Reports/TrialBalance`, summed from the sandbox's ledger (`ledger`).

Both answer `ReportWithRows` (spec `components/schemas/ReportWithRows`, around line 24568): one report with
`ReportID` (the report's type: `"ReportID": "TrialBalance"` in developers.qodex.ai's mirror of the spec example), `ReportName`, `ReportType`, `ReportTitles` (name, organisation,
"As at 31 July 2026"), `ReportDate` (the organisation's today, as in the examples: `ReportDate` "12 April 2019" on a
report "As at 30 April 2019"), `UpdatedDateUTC`, `Fields: []` and `Rows` of `Header`, `Section` (`Title`, `Rows`),
`Row` and `SummaryRow`. An account's cells carry `Attributes: [{"Value": <AccountID>, "Id": "account"}]`. Amounts
are strings with two decimals; within a section accounts are sorted by name, as in both examples.

Parameters. `date` (default: the organisation's today) is the day the report is as at, exactly (our choice: a
third-party tool notes Xero reports the balance sheet at the end of that month, unverified); one that is not a
date answers 400 ValidationException "Report Parameter date could not be parsed as a DateTime" (XeroAPI/Xero-Net
#137). `timeframe` other than MONTH, QUARTER or YEAR answers Xero's message from XeroAPI/Xero-Java #118; `periods`
must be a whole number from 0 to 11 (our bound, Xero's web app compares at most 11 periods; message unverified).
`standardLayout` is accepted and changes nothing (the sandbox has no custom layouts, so every report is the
standard one). `paymentsOnly` is accepted and answered on the accrual basis (our choice; Xero's trial balance help:
"The trial balance doesn't have the option to be run on cash basis"). Tracking options are accepted and ignored.

Balance sheet (spec example at line ~17330). Columns: the date, then `periods` earlier ones, each the last day of the
month `timeframe` steps before (MONTH 1, QUARTER 3, YEAR 12 months), as in the example's 30 Apr / 31 Mar / 28 Feb.
Sections in the example's order: "Assets" (empty), Bank, Current Assets, Fixed Assets, Non-current Assets, a
"Total Assets" summary, "Liabilities" (empty), Current Liabilities, Non-current Liabilities, "Total Liabilities",
a "Net Assets" row, then Equity with "Total Equity". Assets are debit-positive, liabilities and equity
credit-positive (an overdrawn bank is negative, as the example's Country Savings). Equity holds the EQUITY accounts,
"Current Year Earnings" (revenue less expenses from the start of the financial year to the column's date, its
cells dated by `fromDate`/`toDate` attributes as in the example) and "Retained Earnings" (earlier years' earnings
plus any account whose SystemAccount is RETAINEDEARNINGS), so the sheet balances. Our choices: an account with no
ledger posting up to the report's date is left out, and so is a section without accounts; the LIABILITY type
(Xero's plain "Liability") is shown with Non-current Liabilities.

Trial balance (spec example at line ~18230; help.xero.com/nz/Report_TrialBalance): "The report shows two figures
for each account, the year to date balance (YTD) and the balance just for the month of the report. The YTD balance
for revenue and expense accounts is calculated from the beginning of the financial year. The YTD balance for asset,
liability and equity accounts includes the balance from previous financial years. Accounts will not show on the
report if they do not have either a YTD balance or balance for the month" (and OData Link's Xero TrialBalance page:
"DebitAmount … the total debit for the month as at the date"). So Debit/Credit hold the month's net
movement (the first of the date's month to the date) and YTD Debit/YTD Credit the year-to-date net movement of a
revenue or expense account and the balance of any other; earlier years' earnings show as Retained Earnings. Each
figure goes on the side of its sign; a zero on the account's usual side, the other side empty (the example's
`"0.00"` and `""`). Rows are named "Name (Code)"; the sections Revenue, Expenses, Assets, Liabilities, Equity; a last
untitled section holds the "Total" summary row.

Financial year: the organisation's `FinancialYearEndDay`/`FinancialYearEndMonth`, 30 June when absent (the AU
default; the demo firm is Australian).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sandboxes.xero.books import ZERO, Account, Books
from sandboxes.xero.ledger import Posting, postings, summed
from sandboxes.xero.render import ms_date
from sandboxes.xero.rules import Context
from sandboxes.xero.wsgi import HttpError, Request

REPORTS = {"balancesheet": "BalanceSheet", "trialbalance": "TrialBalance"}
STEPS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}
MAX_PERIODS = 11
EARNINGS_ID = "00000000-0000-0000-0000-000000000000"  # the spec example's Current Year Earnings AccountID
_ASSET_SECTIONS = (
    ("Bank", ("BANK",)),
    ("Current Assets", ("CURRENT", "INVENTORY", "PREPAYMENT")),
    ("Fixed Assets", ("FIXED",)),
    ("Non-current Assets", ("NONCURRENT",)),
)
_LIABILITY_SECTIONS = (
    ("Current Liabilities", ("CURRLIAB", "PAYG")),
    ("Non-current Liabilities", ("TERMLIAB", "LIABILITY")),
)
_TRIAL_SECTIONS = (
    ("Revenue", "REVENUE"),
    ("Expenses", "EXPENSE"),
    ("Assets", "ASSET"),
    ("Liabilities", "LIABILITY"),
    ("Equity", "EQUITY"),
)


def _invalid(message: str) -> HttpError:
    return HttpError(
        400, {"ErrorNumber": 10, "Type": "ValidationException", "Message": message, "Elements": []}
    )


def _amount(value: Decimal) -> str:
    return f"{value + ZERO:.2f}"


def _header_date(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"  # "30 Apr 2019"


def _long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"  # "30 April 2019"


def _us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"  # the attributes' "4/30/2019"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return _month_end(index // 12, index % 12 + 1)


def year_start(books: Books, day: date) -> date:
    """The first day of the financial year holding `day`."""
    month = int(books.organisation.get("FinancialYearEndMonth") or 6)
    end_day = int(books.organisation.get("FinancialYearEndDay") or 30)

    def end_in(year: int) -> date:
        return date(year, month, min(end_day, calendar.monthrange(year, month)[1]))

    end = end_in(day.year) if day <= end_in(day.year) else end_in(day.year + 1)
    return end_in(end.year - 1) + timedelta(days=1)


def _report_date(request: Request, ctx: Context) -> date:
    text = request.param("date")
    if text is None or not text.strip():
        return ctx.today
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise _invalid("Report Parameter date could not be parsed as a DateTime") from None


def _columns(request: Request, day: date) -> list[date]:
    timeframe = (request.param("timeframe") or "MONTH").strip().upper()
    if timeframe not in STEPS:
        raise _invalid(
            "The supplied timeframe parameter must be one of the following: 'MONTH', 'QUARTER', 'YEAR'."
        )
    text = (request.param("periods") or "0").strip()
    if not text.isdigit() or int(text) > MAX_PERIODS:
        raise _invalid(
            f"The periods parameter must be a whole number from 0 to {MAX_PERIODS}"
        )  # (unverified)
    return [day] + [_months_before(day, STEPS[timeframe] * k) for k in range(1, int(text) + 1)]


def _cell(value: str, account_id: str | None = None, **dated: str) -> dict[str, Any]:
    if account_id is None:
        return {"Value": value}
    attributes = [{"Value": account_id, "Id": "account"}]
    attributes += [{"Value": v, "Id": k} for k, v in dated.items()]
    return {"Value": value, "Attributes": attributes}


def _row(kind: str, cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"RowType": kind, "Cells": cells}


def _section(title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"RowType": "Section", "Title": title, "Rows": rows}


def _summary(name: str, totals: list[Decimal]) -> dict[str, Any]:
    return _row("SummaryRow", [_cell(name)] + [_cell(_amount(t)) for t in totals])


class _Sheet:
    """The ledger's postings summed per column, for one report."""

    def __init__(self, books: Books, columns: list[date]) -> None:
        self.books = books
        self.columns = columns
        self.entries: list[Posting] = list(postings(books))
        self.balances = [summed(self.entries, until=day) for day in columns]
        self.used = {e.account.id: e.account for e in self.entries if e.day <= columns[0]}
        self.retained = system_account_or_none(books, "RETAINEDEARNINGS")

    def accounts(self, types: tuple[str, ...]) -> list[Account]:
        found = [a for a in self.used.values() if a.type in types and a is not self.retained]
        return sorted(found, key=lambda a: (a.name.lower(), a.code or ""))

    def earnings(self, since: date | None, until: date) -> Decimal:
        """Revenue less expenses posted from `since` to `until` (credit-positive)."""
        return -sum(
            (e.amount for e in self.entries if e.account.account_class in ("REVENUE", "EXPENSE")
             and e.day <= until and (since is None or e.day >= since)),
            ZERO,
        )  # fmt: skip

    def retained_earnings(self, until: date) -> Decimal:
        """Earlier years' earnings and the retained earnings account, as at `until` (credit-positive)."""
        start = year_start(self.books, until)
        earlier = self.earnings(None, start - timedelta(days=1))
        own = summed(self.entries, until=until).get(self.retained.id, ZERO) if self.retained else ZERO
        return earlier - own


def system_account_or_none(books: Books, name: str) -> Account | None:
    """The chart's account with this `SystemAccount`, if any."""
    return next((a for a in books.accounts.values() if a.system_account == name), None)


def _group(
    sheet: _Sheet, sections: tuple[tuple[str, tuple[str, ...]], ...], sign: int
) -> tuple[list[dict[str, Any]], list[Decimal]]:
    """The account sections of one side of the sheet, and that side's totals per column."""
    rows: list[dict[str, Any]] = []
    side = [ZERO for _ in sheet.columns]
    for title, types in sections:
        accounts = sheet.accounts(types)
        if not accounts:
            continue
        totals = [ZERO for _ in sheet.columns]
        section_rows = []
        for account in accounts:
            values = [sign * b.get(account.id, ZERO) for b in sheet.balances]
            totals = [t + v for t, v in zip(totals, values, strict=True)]
            section_rows.append(
                _row(
                    "Row", [_cell(account.name, account.id)] + [_cell(_amount(v), account.id) for v in values]
                )
            )
        side = [s + t for s, t in zip(side, totals, strict=True)]
        rows.append(_section(title, [*section_rows, _summary(f"Total {title}", totals)]))
    return rows, side


def _equity(sheet: _Sheet) -> tuple[dict[str, Any], list[Decimal]]:
    named: list[tuple[str, dict[str, Any], list[Decimal]]] = []
    for account in sheet.accounts(("EQUITY",)):
        values = [-b.get(account.id, ZERO) for b in sheet.balances]
        cells = [_cell(account.name, account.id)] + [_cell(_amount(v), account.id) for v in values]
        named.append((account.name, _row("Row", cells), values))
    starts = [year_start(sheet.books, day) for day in sheet.columns]
    current = [sheet.earnings(s, day) for s, day in zip(starts, sheet.columns, strict=True)]
    cells = [_cell("Current Year Earnings", EARNINGS_ID)] + [
        _cell(_amount(v), EARNINGS_ID, fromDate=_us_date(s), toDate=_us_date(day))
        for v, s, day in zip(current, starts, sheet.columns, strict=True)
    ]
    named.append(("Current Year Earnings", _row("Row", cells), current))
    retained = [sheet.retained_earnings(day) for day in sheet.columns]
    if any(retained) or (sheet.retained is not None and sheet.retained.id in sheet.used):
        retained_id = sheet.retained.id if sheet.retained else EARNINGS_ID
        cells = [_cell("Retained Earnings", retained_id)] + [
            _cell(_amount(v), retained_id, fromDate="", toDate=_us_date(day))
            for v, day in zip(retained, sheet.columns, strict=True)
        ]
        named.append(("Retained Earnings", _row("Row", cells), retained))
    named.sort(key=lambda item: item[0].lower())
    totals = [sum(values, ZERO) for values in zip(*(v for _, _, v in named), strict=True)]
    return _section("Equity", [row for _, row, _ in named] + [_summary("Total Equity", totals)]), totals


def balance_sheet(books: Books, request: Request, ctx: Context) -> tuple[date, list[dict[str, Any]]]:
    """The balance sheet's date and rows (see the module docstring)."""
    day = _report_date(request, ctx)
    sheet = _Sheet(books, _columns(request, day))
    header = _row("Header", [_cell("")] + [_cell(_header_date(c)) for c in sheet.columns])
    assets, asset_totals = _group(sheet, _ASSET_SECTIONS, 1)
    liabilities, liability_totals = _group(sheet, _LIABILITY_SECTIONS, -1)
    equity, _ = _equity(sheet)
    net = [a - li for a, li in zip(asset_totals, liability_totals, strict=True)]
    rows = [
        header,
        _section("Assets", []),
        *assets,
        _section("", [_summary("Total Assets", asset_totals)]),
        _section("Liabilities", []),
        *liabilities,
        _section("", [_summary("Total Liabilities", liability_totals)]),
        _section("", [_row("Row", [_cell("Net Assets")] + [_cell(_amount(n)) for n in net])]),
        equity,
    ]
    return day, rows


def _sides(value: Decimal, debit_side: bool) -> tuple[str, str]:
    """A net debit-positive figure as (debit, credit) cells: on the side of its sign, a zero on the usual side."""
    if value > 0 or (value == 0 and debit_side):
        return _amount(value), ""
    return "", _amount(-value)


def trial_balance(books: Books, request: Request, ctx: Context) -> tuple[date, list[dict[str, Any]]]:
    """The trial balance's date and rows (see the module docstring)."""
    day = _report_date(request, ctx)
    entries = list(postings(books))
    start, month = year_start(books, day), day.replace(day=1)
    movement = summed(entries, since=month, until=day)
    balance = summed(entries, until=day)
    this_year = summed(entries, since=start, until=day)
    accounts = {e.account.id: e.account for e in entries}
    retained = system_account_or_none(books, "RETAINEDEARNINGS")
    earlier = summed(entries, until=start - timedelta(days=1))
    prior_earnings = sum(
        (v for k, v in earlier.items() if accounts[k].account_class in ("REVENUE", "EXPENSE")), ZERO
    )
    totals = [ZERO, ZERO, ZERO, ZERO]
    sections: dict[str, list[tuple[str, dict[str, Any]]]] = {cls: [] for _, cls in _TRIAL_SECTIONS}

    def add(name: str, account_id: str, cls: str, figures: tuple[Decimal, Decimal], **dated: str) -> None:
        debit_side = cls in ("ASSET", "EXPENSE")
        cells = [*_sides(figures[0], debit_side), *_sides(figures[1], debit_side)]
        for i, text in enumerate(cells):
            totals[i] += Decimal(text) if text else ZERO
        row = [_cell(name, account_id)] + [_cell(text, account_id, **dated) for text in cells]
        sections[cls].append((name, _row("Row", row)))

    for account in accounts.values():
        if account is retained:
            continue
        profit_or_loss = account.account_class in ("REVENUE", "EXPENSE")
        ytd = this_year.get(account.id, ZERO) if profit_or_loss else balance.get(account.id, ZERO)
        moved = movement.get(account.id, ZERO)
        if moved or ytd:
            name = f"{account.name} ({account.code})" if account.code else account.name
            add(name, account.id, account.account_class, (moved, ytd))
    retained_ytd = prior_earnings + (balance.get(retained.id, ZERO) if retained else ZERO)
    retained_moved = movement.get(retained.id, ZERO) if retained else ZERO
    if retained_ytd or retained_moved:
        name = f"Retained Earnings ({retained.code})" if retained and retained.code else "Retained Earnings"
        previous_end = _us_date(start - timedelta(days=1))
        add(name, retained.id if retained else EARNINGS_ID, "EQUITY", (retained_moved, retained_ytd),
            fromDate="", toDate=previous_end)  # fmt: skip
    rows: list[dict[str, Any]] = [
        _row("Header", [_cell(t) for t in ("Account", "Debit", "Credit", "YTD Debit", "YTD Credit")])
    ]
    for title, cls in _TRIAL_SECTIONS:
        if sections[cls]:
            rows.append(
                _section(title, [row for _, row in sorted(sections[cls], key=lambda r: r[0].lower())])
            )
    rows.append(_section("", [_summary("Total", totals)]))
    return day, rows


_BUILDERS: dict[str, tuple[str, Callable[[Books, Request, Context], tuple[date, list[dict[str, Any]]]]]] = {
    "BalanceSheet": ("Balance Sheet", balance_sheet),
    "TrialBalance": ("Trial Balance", trial_balance),
}


def report(books: Books, request: Request, ctx: Context, name: str) -> dict[str, Any] | None:
    """The `Reports/<name>` report as `ReportWithRow`, or None when the sandbox does not serve `name`."""
    report_type = REPORTS.get(name.lower())
    if report_type is None:
        return None
    title, build = _BUILDERS[report_type]
    day, rows = build(books, request, ctx)
    return {
        "ReportID": report_type,
        "ReportName": title,
        "ReportType": report_type,
        "ReportTitles": [title, str(books.organisation.get("Name") or ""), f"As at {_long_date(day)}"],
        "ReportDate": _long_date(ctx.today),
        "UpdatedDateUTC": (ms_date(ctx.now) or "").replace("+0000", ""),
        "Fields": [],
        "Rows": rows,
    }

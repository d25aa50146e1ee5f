"""Xero's validation rules and arithmetic, shared by every resource of the sandbox.

- Accounts: a line's account must exist, be ACTIVE, not be a system account, suit the document (no bank
  accounts on invoice lines) and have a code. A DRAFT is forgiving: an unknown code is removed with a warning
  and a line may have no account yet, as Xero does.
- Tax types: must exist and be ACTIVE, and the tax rate's `CanApplyTo*` flag for the account's class must be set.
  Without a TaxType the account's default applies.
- Lock dates: nothing may be dated on or before the end-of-year or period lock date (drafts excepted).
- Money: each line's tax is computed and rounded to the cent on its own, then summed ("Xero calculates tax on a
  per line basis, rounding to two decimal places"). A TaxAmount sent on an invoice or credit note line overrides
  the calculation; on a bank transaction line one that differs is refused (XeroAPI/xero-node #768).
- A LineAmount sent with a UnitAmount must equal Quantity × UnitAmount less discount, or the line is refused;
  Xero does not recompute it silently (XeroAPI/Xero-NetStandard #74, #412).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandboxes.xero import messages as msg
from sandboxes.xero.books import ZERO, Account, Books, Contact, Line, TaxRate, Totals, new_id

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(slots=True)
class Context:
    """What one request's rules need: the books, the moment, the org's today and the unit decimal places."""

    books: Books
    now: datetime
    today: date
    unitdp: int = 2


@dataclass(slots=True)
class Check:
    """Collects an element's validation errors and warnings."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        """Record a validation error (once)."""
        if message not in self.errors:
            self.errors.append(message)


def money(value: Decimal) -> Decimal:
    """Round half away from zero to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Any) -> Decimal | None:
    """A JSON number (or numeric string) as Decimal; None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def parse_date(value: Any, check: Check, name: str) -> date | None:
    """`YYYY-MM-DD` (a time part is ignored) or `/Date(ms)/`."""
    if value is None or value == "":
        return None
    text = str(value)
    try:
        if text.startswith("/Date("):
            millis = int(text[6:].split(")")[0].split("+")[0].split("-")[0] or 0)
            return datetime.fromtimestamp(millis / 1000, UTC).date()
        return date.fromisoformat(text[:10])
    except ValueError:
        check.fail(f"{name} is not a valid date")
        return None


def lock_message(books: Books, day: date) -> str | None:
    """Xero's refusal for a document dated on or before a lock date, or None."""
    end_of_year, period = books.end_of_year_lock_date, books.period_lock_date
    if end_of_year and day <= end_of_year:
        return msg.end_of_year_lock(end_of_year)
    if period and day <= period:
        return msg.period_lock(period)
    return None


def check_lock(books: Books, day: date | None, check: Check) -> None:
    """Fail `check` when `day` is on or before a lock date."""
    if day is not None and (message := lock_message(books, day)):
        check.fail(message)


def check_currency(books: Books, raw: dict[str, Any], check: Check) -> str:
    """The element's `CurrencyCode` (the base currency when absent); fails `check` when the organisation has not
    enabled it. Source: Xero's "Currencies" page and the spec's `Currencies` endpoint (a currency must be added to
    the organisation before it is used); the refusal's wording is in `messages.currency_not_subscribed`.
    Accepted foreign currencies convert at rate 1 here, where Xero uses the day's XE rate (a documented choice)."""
    code = str(raw.get("CurrencyCode") or books.base_currency).upper()
    if code not in books.currencies:
        check.fail(msg.currency_not_subscribed(code))
    return code


def resolve_account(
    books: Books, ref: Any, check: Check, *, allow: Callable[[Account], bool], draft: bool = False
) -> Account | None:
    """The account a line or payment names by `AccountCode`/`Code` or `AccountID`, if it may be used."""
    ref = ref if isinstance(ref, dict) else {}
    code = ref.get("AccountCode") or ref.get("Code")
    account_id = ref.get("AccountID")
    if not code and not account_id:
        if not draft:
            check.fail(msg.ACCOUNT_CODE_REQUIRED)
        return None
    account = books.account_by_code(str(code)) if code else books.accounts.get(str(account_id).lower())
    usable = (
        account is not None and account.status == "ACTIVE" and not account.system_account and allow(account)
    )
    if not usable:
        if draft and code:
            check.warnings.append(msg.account_removed(str(code)))
        else:
            check.fail(msg.account_not_valid(str(code or account_id)))
        return None
    assert account is not None
    if account.code is None:
        check.fail(msg.ACCOUNT_CODE_REQUIRED)
        return None
    return account


def resolve_tax(books: Books, tax_type: Any, account: Account | None, check: Check) -> TaxRate | None:
    """The line's tax rate: the one named, else the account's default; checked against the account's class."""
    name = str(tax_type) if tax_type else (account.tax_type if account else None)
    if not name:
        return None
    rate = books.tax_rates.get(name)
    if rate is None or rate.status != "ACTIVE":
        check.fail(msg.tax_type_unknown(name))
        return None
    if account is not None and not rate.applies_to.get(account.account_class, False):
        check.fail(msg.tax_type_not_for_account(name, account.code or account.id))
    return rate


def line_tax(line_amount: Decimal, rate: TaxRate | None, line_amount_types: str) -> Decimal:
    """One line's tax, rounded to the cent on its own."""
    if rate is None or line_amount_types == "NoTax":
        return ZERO
    if line_amount_types == "Inclusive":
        return money(line_amount * rate.rate / (HUNDRED + rate.rate))
    return money(line_amount * rate.rate / HUNDRED)


def price_line(
    ctx: Context,
    raw: Any,
    line_amount_types: str,
    check: Check,
    *,
    allow: Callable[[Account], bool],
    draft: bool,
    tax_override: bool = True,
) -> Line:
    """One line with Xero's arithmetic: LineAmount from Quantity × UnitAmount less discount, tax per line.

    `tax_override` says whether a TaxAmount that differs from the computed tax is taken (invoices, credit notes)
    or refused (bank transactions)."""
    raw = raw if isinstance(raw, dict) else {}
    quantity, unit, given = (
        number(raw.get("Quantity")),
        number(raw.get("UnitAmount")),
        number(raw.get("LineAmount")),
    )
    places = Decimal(1).scaleb(-ctx.unitdp)
    priced = unit is not None or given is not None
    if unit is not None:
        unit = unit.quantize(places, rounding=ROUND_HALF_UP)
        quantity = quantity if quantity is not None else Decimal(1)
        gross = quantity * unit
        discount_rate, discount_amount = number(raw.get("DiscountRate")), number(raw.get("DiscountAmount"))
        if discount_rate is not None:
            gross = gross * (HUNDRED - discount_rate) / HUNDRED
        elif discount_amount is not None:
            gross -= discount_amount
        line_amount = money(gross)
        if given is not None and money(given) != line_amount:
            check.fail(msg.line_total_mismatch(given, line_amount))
    elif given is not None:
        line_amount = money(given)
        quantity = quantity if quantity not in (None, Decimal(0)) else Decimal(1)
        assert quantity is not None
        unit = (line_amount / quantity).quantize(places, rounding=ROUND_HALF_UP)
    else:
        line_amount = ZERO
    has_account = bool(raw.get("AccountCode") or raw.get("AccountID"))
    account = (
        resolve_account(ctx.books, raw, check, allow=allow, draft=draft) if priced or has_account else None
    )
    rate = resolve_tax(ctx.books, raw.get("TaxType"), account, check) if priced else None
    override = number(raw.get("TaxAmount"))
    tax = line_tax(line_amount, rate, line_amount_types)
    if override is not None and money(override) != tax:
        if not tax_override:
            check.fail(msg.tax_amount_incorrect(override, rate.tax_type if rate else "NONE", tax))
        elif line_amount_types != "NoTax":
            tax = money(override)
    return Line(
        id=new_id(),
        description=raw.get("Description"),
        quantity=quantity,
        unit_amount=unit,
        account=account,
        tax_type=rate.tax_type if rate else (str(raw["TaxType"]) if raw.get("TaxType") else None),
        tax_amount=tax,
        line_amount=line_amount,
        tracking=list(raw.get("Tracking") or []),
        discount_rate=number(raw.get("DiscountRate")),
    )


def totals(lines: list[Line], line_amount_types: str) -> Totals:
    """SubTotal, TotalTax and Total from the priced lines."""
    amounts = sum((line.line_amount for line in lines), ZERO)
    tax = sum((line.tax_amount for line in lines), ZERO)
    if line_amount_types == "Inclusive":
        return Totals(sub_total=amounts - tax, total_tax=tax, total=amounts)
    return Totals(sub_total=amounts, total_tax=tax, total=amounts + tax)


def line_amount_types(raw: dict[str, Any], check: Check) -> str:
    """The element's LineAmountTypes in Xero's casing (Exclusive when absent)."""
    value = str(raw.get("LineAmountTypes") or "Exclusive")
    canonical = {"exclusive": "Exclusive", "inclusive": "Inclusive", "notax": "NoTax"}.get(value.lower())
    if canonical is None:
        check.fail(f"LineAmountTypes '{value}' is not valid")
        return "Exclusive"
    return canonical


def resolve_contact(ctx: Context, ref: Any, check: Check) -> Contact | None:
    """The document's contact by ContactID, ContactNumber or Name; a new name makes a new contact, as in Xero.

    A contact made here is not yet in the books: the caller adds it when the element is saved."""
    ref = ref if isinstance(ref, dict) else {}
    contact_id, contact_number, name = ref.get("ContactID"), ref.get("ContactNumber"), ref.get("Name")
    if not (contact_id or contact_number or name):
        check.fail(msg.CONTACT_REQUIRED)
        return None
    found: Contact | None = None
    if contact_id:
        found = ctx.books.contacts.get(str(contact_id).lower())
    elif contact_number:
        found = ctx.books.contact_by_number(str(contact_number))
    if found is None and name and not contact_id:
        found = ctx.books.contact_by_name(str(name)) or Contact(
            id=new_id(),
            name=str(name),
            number=str(contact_number) if contact_number else None,
            updated=ctx.now,
        )
    if found is None:
        check.fail(msg.CONTACT_NOT_FOUND)
    elif found.status == "ARCHIVED":
        check.fail(msg.CONTACT_ARCHIVED)
    return found

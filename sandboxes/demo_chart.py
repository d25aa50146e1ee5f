"""The demo firm's books on both sides: Xero's chart, tax rates and organisation, Actionstep's chart, timekeepers,
tax codes and contacts, and the mappings between them.

Plain data, shared by the two sandboxes (each renders it in its own wire format) and by `xerobot demo`, which
stores `DEMO_MAPPINGS` in a fresh ledger. The firm is an Australian practice ("Harbour & Finch Lawyers"), so GST is
10 % and Xero's tax types are the AU ones.

Deliberate problems a bookkeeper meets, each used by some demo document:
- Actionstep account 5040 "Courier Costs" has no mapping;
- timekeeper tk-5 (Eve Marshall) has no income account;
- Actionstep account 5030 "Client Entertainment" is mapped to a Xero account that has no code;
- Actionstep account 5020 "Printing & Stationery" is mapped to Xero 461, which is archived;
- Xero's period lock date is 2026-06-30, so a document dated on or before it is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

FIRM_NAME = "Harbour & Finch Lawyers"
XERO_TENANT_ID = "6f1c2a3e-0d4b-4c1e-9a57-1b2c3d4e5f60"
XERO_SHORT_CODE = "!hF9xQ"
PERIOD_LOCK_DATE = date(2026, 6, 30)
END_OF_YEAR_LOCK_DATE = date(2025, 6, 30)

XERO_ORGANISATION: dict[str, Any] = {
    "OrganisationID": "b5c1f1f2-3e2d-4b0a-8c7e-9d8e7f6a5b4c",
    "Name": FIRM_NAME,
    "LegalName": "Harbour & Finch Lawyers Pty Ltd",
    "ShortCode": XERO_SHORT_CODE,
    "BaseCurrency": "AUD",
    "CountryCode": "AU",
    "Version": "AU",
    "OrganisationType": "COMPANY",
    "OrganisationStatus": "ACTIVE",
    "IsDemoCompany": False,
    "Timezone": "AUSEASTERNSTANDARDTIME",
    "SalesTaxBasis": "ACCRUALS",
    "SalesTaxPeriod": "QUARTERLY",
    "PeriodLockDate": PERIOD_LOCK_DATE,
    "EndOfYearLockDate": END_OF_YEAR_LOCK_DATE,
}

# fmt: off
# AccountID values are fixed so mappings by id (for the account without a code) survive a sandbox restart.
XERO_ACCOUNTS: list[dict[str, Any]] = [
    {"AccountID": "a0000000-0000-4000-8000-000000000090", "Code": "090", "Name": "Office Cheque Account", "Type": "BANK", "TaxType": "BASEXCLUDED", "BankAccountNumber": "062000 12345678"},
    {"AccountID": "a0000000-0000-4000-8000-000000000091", "Code": "091", "Name": "Trust Account", "Type": "BANK", "TaxType": "BASEXCLUDED", "BankAccountNumber": "062000 87654321"},
    {"AccountID": "a0000000-0000-4000-8000-000000000092", "Code": "092", "Name": "Business Savings Account", "Type": "BANK", "TaxType": "BASEXCLUDED", "BankAccountNumber": "062000 11223344"},
    {"AccountID": "a0000000-0000-4000-8000-000000000200", "Code": "200", "Name": "Legal Fees", "Type": "REVENUE", "TaxType": "OUTPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000201", "Code": "201", "Name": "Fees - Partners", "Type": "REVENUE", "TaxType": "OUTPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000202", "Code": "202", "Name": "Fees - Senior Associates", "Type": "REVENUE", "TaxType": "OUTPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000205", "Code": "205", "Name": "Disbursements Recovered", "Type": "REVENUE", "TaxType": "OUTPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000270", "Code": "270", "Name": "Interest Income", "Type": "REVENUE", "TaxType": "EXEMPTOUTPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000420", "Code": "420", "Name": "Court Filing Fees", "Type": "EXPENSE", "TaxType": "INPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000425", "Code": "425", "Name": "Search Fees", "Type": "EXPENSE", "TaxType": "EXEMPTEXPENSES"},
    {"AccountID": "a0000000-0000-4000-8000-000000000429", "Code": "429", "Name": "General Expenses", "Type": "EXPENSE", "TaxType": "INPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000461", "Code": "461", "Name": "Printing & Stationery", "Type": "OVERHEADS", "TaxType": "INPUT", "Status": "ARCHIVED"},
    {"AccountID": "a0000000-0000-4000-8000-0000000000e1", "Code": None, "Name": "Client Entertainment", "Type": "EXPENSE", "TaxType": "INPUT"},
    {"AccountID": "a0000000-0000-4000-8000-000000000610", "Code": "610", "Name": "Accounts Receivable", "Type": "CURRENT", "TaxType": "BASEXCLUDED", "SystemAccount": "DEBTORS"},
    {"AccountID": "a0000000-0000-4000-8000-000000000800", "Code": "800", "Name": "Accounts Payable", "Type": "CURRLIAB", "TaxType": "BASEXCLUDED", "SystemAccount": "CREDITORS"},
    {"AccountID": "a0000000-0000-4000-8000-000000000820", "Code": "820", "Name": "GST", "Type": "CURRLIAB", "TaxType": "BASEXCLUDED", "SystemAccount": "GST"},
    {"AccountID": "a0000000-0000-4000-8000-000000000850", "Code": "850", "Name": "Trust Liability", "Type": "CURRLIAB", "TaxType": "BASEXCLUDED"},
    {"AccountID": "a0000000-0000-4000-8000-000000000855", "Code": "855", "Name": "Trust Transfers", "Type": "CURRLIAB", "TaxType": "BASEXCLUDED"},
    {"AccountID": "a0000000-0000-4000-8000-000000000860", "Code": "860", "Name": "Rounding", "Type": "CURRLIAB", "TaxType": "BASEXCLUDED", "SystemAccount": "ROUNDING"},
]

# Xero's AU tax types. CanApplyTo* decide which account classes a tax type may be used with.
XERO_TAX_RATES: list[dict[str, Any]] = [
    {"TaxType": "OUTPUT", "Name": "GST on Income", "Rate": "10.0000", "Revenue": True, "Expenses": False, "Assets": True, "Liabilities": True, "Equity": False},
    {"TaxType": "INPUT", "Name": "GST on Expenses", "Rate": "10.0000", "Revenue": False, "Expenses": True, "Assets": True, "Liabilities": True, "Equity": False},
    {"TaxType": "EXEMPTOUTPUT", "Name": "GST Free Income", "Rate": "0.0000", "Revenue": True, "Expenses": False, "Assets": True, "Liabilities": True, "Equity": False},
    {"TaxType": "EXEMPTEXPENSES", "Name": "GST Free Expenses", "Rate": "0.0000", "Revenue": False, "Expenses": True, "Assets": True, "Liabilities": True, "Equity": False},
    {"TaxType": "BASEXCLUDED", "Name": "BAS Excluded", "Rate": "0.0000", "Revenue": True, "Expenses": True, "Assets": True, "Liabilities": True, "Equity": True},
    {"TaxType": "INPUTTAXED", "Name": "Input Taxed", "Rate": "0.0000", "Revenue": True, "Expenses": True, "Assets": False, "Liabilities": False, "Equity": False},
]

# Actionstep's chart: id, account number (code), name, our AccountType value.
ACTIONSTEP_ACCOUNTS: list[dict[str, Any]] = [
    {"id": "1000", "code": "1-1000", "name": "Office Bank Account", "type": "bank"},
    {"id": "1010", "code": "1-1010", "name": "Trust Bank Account", "type": "trust_bank"},
    {"id": "1020", "code": "1-1020", "name": "Business Savings", "type": "bank"},
    {"id": "1100", "code": "1-1100", "name": "Accounts Receivable", "type": "accounts_receivable"},
    {"id": "2100", "code": "2-2100", "name": "Accounts Payable", "type": "accounts_payable"},
    {"id": "2200", "code": "2-2200", "name": "Trust Liability", "type": "trust_liability"},
    {"id": "2210", "code": "2-2210", "name": "Trust Transfers", "type": "trust_transfers"},
    {"id": "4000", "code": "4-4000", "name": "Professional Fees", "type": "income"},
    {"id": "4010", "code": "4-4010", "name": "Fees - Partners", "type": "income"},
    {"id": "4020", "code": "4-4020", "name": "Fees - Senior Associates", "type": "income"},
    {"id": "4100", "code": "4-4100", "name": "Disbursements Recovered", "type": "income"},
    {"id": "4200", "code": "4-4200", "name": "Interest Received", "type": "income"},
    {"id": "5000", "code": "5-5000", "name": "Court Filing Fees", "type": "expense"},
    {"id": "5010", "code": "5-5010", "name": "Search Fees", "type": "expense"},
    {"id": "5020", "code": "5-5020", "name": "Printing & Stationery", "type": "expense"},
    {"id": "5030", "code": "5-5030", "name": "Client Entertainment", "type": "expense"},
    {"id": "5040", "code": "5-5040", "name": "Courier Costs", "type": "expense"},
]

ACTIONSTEP_TIMEKEEPERS: list[dict[str, Any]] = [
    {"id": "tk-1", "name": "Alexandra Chen", "title": "Partner", "income_account_id": "4010"},
    {"id": "tk-2", "name": "Ben Okafor", "title": "Senior Associate", "income_account_id": "4020"},
    {"id": "tk-3", "name": "Chloe Nguyen", "title": "Associate", "income_account_id": "4000"},
    {"id": "tk-4", "name": "Daniel Rossi", "title": "Associate", "income_account_id": "4000"},
    {"id": "tk-5", "name": "Eve Marshall", "title": "Graduate", "income_account_id": None},
]

# Actionstep tax codes and the Xero tax types they correspond to for sales (output) and purchases (input).
ACTIONSTEP_TAX_CODES: list[dict[str, Any]] = [
    {"code": "GST", "rate": "10", "xero_output": "OUTPUT", "xero_input": "INPUT"},
    {"code": "FRE", "rate": "0", "xero_output": "EXEMPTOUTPUT", "xero_input": "EXEMPTEXPENSES"},
    {"code": "NTR", "rate": "0", "xero_output": "BASEXCLUDED", "xero_input": "BASEXCLUDED"},
]

# Participants: clients (C-…) and suppliers (S-…). The ContactNumber in Xero is "AS-<id>".
ACTIONSTEP_CONTACTS: list[dict[str, Any]] = [
    {"id": "101", "name": "Northwind Holdings Pty Ltd", "is_company": True, "email": "accounts@northwind.example"},
    {"id": "102", "name": "Margaret O'Brien", "is_company": False, "email": "mob@example.com"},
    {"id": "103", "name": "Tan & Sons Builders", "is_company": True, "email": "office@tanbuild.example"},
    {"id": "104", "name": "Priya Raman", "is_company": False, "email": "priya.r@example.com"},
    {"id": "105", "name": "<!channel> Party Hire & Co", "is_company": True, "email": "hello@partyhire.example"},
    {"id": "201", "name": "Sydney Legal Couriers", "is_company": True, "email": "billing@slc.example"},
    {"id": "202", "name": "NSW Land Registry Services", "is_company": True, "email": "ar@nswlrs.example"},
    {"id": "203", "name": "Federal Court of Australia", "is_company": True, "email": None},
]

ACTIONSTEP_MATTERS: list[dict[str, Any]] = [
    {"id": "5001", "name": "Northwind – commercial lease", "reference": "NW-0012", "client_id": "101"},
    {"id": "5002", "name": "O'Brien – estate of the late J. O'Brien", "reference": "OB-0003", "client_id": "102"},
    {"id": "5003", "name": "Tan & Sons – building dispute", "reference": "TS-0041", "client_id": "103"},
    {"id": "5004", "name": "Raman – conveyance, 12 Ocean St", "reference": "PR-0007", "client_id": "104"},
    {"id": "5005", "name": "Party Hire – debt recovery", "reference": "PH-0002", "client_id": "105"},
]

# fmt: on

# (kind, Actionstep side, Xero account code or AccountID). Kinds are MappingKind values. Tax types come from
# Actionstep's tax codes (xero_output / xero_input) unless a "tax_code" mapping overrides them.
DEMO_MAPPINGS: list[tuple[str, str, str]] = [
    ("account", "1000", "090"),
    ("account", "1010", "091"),
    ("account", "1020", "092"),
    ("account", "1100", "610"),
    ("account", "2100", "800"),
    ("account", "2200", "850"),
    ("account", "2210", "855"),
    ("account", "4000", "200"),
    ("account", "4010", "201"),
    ("account", "4020", "202"),
    ("account", "4100", "205"),
    ("account", "4200", "270"),
    ("account", "5000", "420"),
    ("account", "5010", "425"),
    ("account", "5020", "461"),  # archived in Xero
    ("account", "5030", "a0000000-0000-4000-8000-0000000000e1"),  # a Xero account without a code
    # 5040 Courier Costs: deliberately unmapped
    ("role", "accounts_receivable", "610"),
    ("role", "accounts_payable", "800"),
    ("role", "trust_liability", "850"),
    ("role", "trust_transfers", "855"),
]

# A receipt's bank statement line, already matched in Xero before the bot pays the invoice: RCT-5004 pays INV-1010
# (1,305.00 plus 130.50 GST) on 11 Aug 2026, the day the bank feed shows the money (`sandboxes.xero.feed`).
XERO_BANK_FEED: list[dict[str, Any]] = [
    {
        "InvoiceNumber": "INV-1010",
        "Amount": "1435.50",
        "Date": "2026-08-11",
        "Account": {"Code": "090"},
        "Reference": "Bank feed: Tan & Sons Builders",
    },
]

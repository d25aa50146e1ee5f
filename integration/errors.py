"""The error tree and the catalogue of problems a bookkeeper can meet.

Every failure the bot reports carries a stable `code` from `CATALOGUE`, a plain-language cause and the fix. The
tree, in one place::

    XerobotError                      anything we raise on purpose; has .code, .cause, .fix
    ├── ConfigError                   a setting is missing or wrong: names the variable (start-up stops)
    ├── SyncInProgress                another sync holds the single-flight lease
    ├── StoreError
    │   ├── AlreadyLinked             a second active link for one source document (the database refused it)
    │   └── SchemaOutOfDate           the database needs `xerobot db upgrade`
    ├── SecretError                   tokens cannot be decrypted with XEROBOT_SECRET_KEY
    └── RemoteError                   Xero or Actionstep said no, or did not answer; .remote names which
        ├── AuthError                 token expired beyond refresh, or the connection was revoked (fatal)
        ├── RateLimited               429; .retry_after in seconds (retriable)
        ├── DailyLimitReached         Xero's day budget is gone (fatal for today)
        ├── Unavailable               5xx, timeouts, connection errors (retriable)
        └── Rejected                  a 4xx the remote explained; .messages holds its words (skippable per document)

The engine's policy follows the tree: fatal errors stop the run, retriable ones are retried where the request is
safe to repeat, skippable ones fail one document and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    title: str
    cause: str
    fix: str


def _entries(*entries: CatalogueEntry) -> dict[str, CatalogueEntry]:
    return {entry.code: entry for entry in entries}


CATALOGUE: dict[str, CatalogueEntry] = _entries(
    # Set-up and connections
    CatalogueEntry(
        "config.invalid",
        "A setting is wrong",
        "A setting is missing or has a value the bot cannot use.",
        "Correct the variable named in the message and start the bot again.",
    ),
    CatalogueEntry(
        "secret.undecryptable",
        "Stored tokens cannot be read",
        "The stored connection tokens were encrypted with a different XEROBOT_SECRET_KEY.",
        "Set XEROBOT_SECRET_KEY back to the key used when the connection was made, or reconnect Xero and Actionstep.",
    ),
    CatalogueEntry(
        "store.out_of_date",
        "The database needs upgrading",
        "The ledger database is older than this version of the bot.",
        "Run `xerobot db upgrade` once, then start the bot again.",
    ),
    CatalogueEntry(
        "sync.in_progress",
        "A sync is already running",
        "Only one sync runs at a time, so nothing is posted twice.",
        "Wait for the running sync to finish; its report arrives when it does.",
    ),
    CatalogueEntry(
        "link.already_linked",
        "Already in Xero",
        "This document is already linked to a Xero document, so it is locked.",
        "Unlink it first (`/xero unlink NUMBER`) if it needs to be posted again.",
    ),
    CatalogueEntry(
        "auth.expired",
        "Connection expired",
        "The connection's tokens have expired or were revoked, so the bot cannot act for the firm.",
        "Reconnect from the link in `/xero status`, or check the client id and secret.",
    ),
    CatalogueEntry(
        "auth.expiring",
        "Connection about to expire",
        "The connection's refresh token expires within a week if the bot does not use it, and then the bot can no "
        "longer act for the firm.",
        "Run `/xero sync` (using the connection renews it), or reconnect from the link in `/xero status`.",
    ),
    CatalogueEntry(
        "remote.rate_limited",
        "Too many requests",
        "The remote asked the bot to slow down.",
        "Nothing to do: the bot waits and carries on.",
    ),
    CatalogueEntry(
        "remote.daily_limit",
        "Xero's daily limit reached",
        "Xero allows 5,000 API calls a day per organisation and today's are used up.",
        "Wait for Xero's day to roll over; the next sync carries on where this one stopped.",
    ),
    CatalogueEntry(
        "remote.daily_budget_low",
        "Xero's daily limit nearly used",
        "Xero allows 5,000 API calls a day per organisation and few of today's are left.",
        "Hold back large syncs until Xero's day rolls over; a sync that runs out stops cleanly and the next one "
        "carries on.",
    ),
    CatalogueEntry(
        "remote.unavailable",
        "Service not answering",
        "The remote did not answer or had an internal error.",
        "Nothing is lost: the next sync retries. If it persists, check the service's status page.",
    ),
    CatalogueEntry(
        "remote.rejected",
        "Rejected",
        "The remote refused the request.",
        "Read the message from the remote; correct the document or the mapping and sync again.",
    ),
    # Bookkeeping rules
    CatalogueEntry(
        "org.cash_basis",
        "Actionstep is on the Cash basis",
        "Posting to Xero needs Actionstep's accounting basis set to Accrual.",
        "In Actionstep, set the accounting basis to Accrual (Admin > Accounting), then sync again.",
    ),
    CatalogueEntry(
        "doc.malformed",
        "Document cannot be read",
        "Actionstep returned this document with a missing or invalid field.",
        "Open the document in Actionstep, correct the field named in the message and approve it again.",
    ),
    CatalogueEntry(
        "contact.refused",
        "Contact not accepted by Xero",
        "The document's client or supplier could not be created in Xero (Xero's reason is in the message).",
        "Correct the contact in Actionstep, or create it in Xero with Contact number AS-<Actionstep id>; "
        "the next sync uses it.",
    ),
    CatalogueEntry(
        "doc.changed_after_posting",
        "Changed after posting",
        "The document changed in Actionstep after it was posted to Xero; posted documents are locked.",
        "Unlink it (`/xero unlink NUMBER`) to re-post the corrected version.",
    ),
    CatalogueEntry(
        "doc.conflict",
        "Different document with the same number in Xero",
        "Xero already has a document with this number but a different total, so posting would duplicate it.",
        "Check the Xero copy: delete or void it in Xero if it is wrong, or renumber the document in Actionstep.",
    ),
    CatalogueEntry(
        "doc.waiting_on_dependency",
        "Waiting for the document it pays",
        "A payment or allocation waits until the document it applies to is in Xero.",
        "Fix the problem with that document; this one is sent in the same sync once it posts.",
    ),
    CatalogueEntry(
        "doc.duplicate_copy",
        "Second copy in Xero",
        "This document was unlinked without voiding its Xero copy and has been posted again.",
        "Void or delete the older Xero copy named in the message (its link is in the message), then Ignore this "
        "alert saying so: it stays open until someone has dealt with it.",
    ),
    CatalogueEntry(
        "doc.number_held_by_old_copy",
        "Number still held by the earlier Xero copy",
        "The corrected version was refused because the copy posted before the unlink still holds the number: Xero "
        "keeps a sales invoice's or credit note's number even after it is voided.",
        "Give the document a new number in Actionstep and approve it again: it is then posted under that number. "
        "If the earlier copy is still live, void it in Xero first so the books hold it once.",
    ),
    # Unlinking
    CatalogueEntry(
        "unlink.unknown_number",
        "No linked document with that number",
        "Nothing in the ledger was posted to Xero under this number.",
        "Check the number (the closest linked numbers are suggested), then ask again.",
    ),
    CatalogueEntry(
        "unlink.ambiguous",
        "More than one document has that number",
        "Supplier bill numbers need not be unique, so several linked documents can share one.",
        "Name the document by its kind and Actionstep id, as the message shows, e.g. `/xero unlink supplier_invoice:17`.",
    ),
    CatalogueEntry(
        "unlink.already_unlinked",
        "Already unlinked",
        "This document's link to Xero was already turned into history.",
        "Nothing to do: correct it in Actionstep and approve it again to post the new version.",
    ),
    CatalogueEntry(
        "unlink.not_unlinkable",
        "Cannot be unlinked here",
        "Only sales invoices, supplier invoices, credit notes and their payments are unlinked by the bot.",
        "Correct this transaction in Xero and Actionstep by hand.",
    ),
    CatalogueEntry(
        "unlink.void_refused",
        "Cannot be voided in Xero",
        "Xero will not void this document as it stands (a reconciled payment, a locked period, or it is already "
        "voided or deleted).",
        "Choose Unlink (the Xero copy stays), or fix the reason in Xero first and ask again.",
    ),
    CatalogueEntry(
        "unlink.expired",
        "Unlink request expired",
        "Unlink requests must be confirmed soon after they are made, while the plan still matches Xero.",
        "Ask again with `/xero unlink NUMBER` for a fresh plan.",
    ),
    CatalogueEntry(
        "unlink.two_person",
        "A second person must confirm",
        "This firm requires that an unlink is confirmed by someone other than the person who asked for it.",
        "Ask another approver to confirm it.",
    ),
    CatalogueEntry(
        "unlink.not_pending",
        "Already decided",
        "This unlink request was already confirmed, carried out or cancelled.",
        "Nothing to do; the request's message shows its outcome.",
    ),
    CatalogueEntry(
        "unlink.changed",
        "Changed in Xero since the request",
        "Xero now shows payments or allocations that the confirmed plan did not include, so nothing more was done.",
        "Ask again with `/xero unlink NUMBER` for a plan that matches Xero now.",
    ),
    CatalogueEntry(
        "unlink.step_failed",
        "Unlink stopped at a step",
        "A step of the unlink failed; the steps before it are done and recorded.",
        "Read the reason, fix it in Xero if needed, then Retry: the unlink carries on from the step that failed.",
    ),
    # Alerts
    CatalogueEntry(
        "alert.not_found",
        "Alert not found",
        "The alert is no longer in the ledger (the database may have been reset or restored).",
        "Run `/xero sync`: current problems are raised again as new alerts.",
    ),
    CatalogueEntry(
        "alert.not_fixable",
        "No single mapping fixes this",
        "This problem is not fixed by mapping one Actionstep account, role or timekeeper.",
        "Follow the fix in the alert, then sync again.",
    ),
    # Mapping
    CatalogueEntry(
        "mapping.unmapped_account",
        "Account not mapped",
        "An Actionstep account used by these documents has no Xero account mapped to it.",
        "Map the Actionstep account to a Xero account code (`/xero check` or `xerobot mappings set`).",
    ),
    CatalogueEntry(
        "mapping.xero_account_missing",
        "Mapped Xero account not found",
        "The mapping points at a Xero account code that is not in Xero's chart of accounts.",
        "Create the account in Xero with that code, or map the Actionstep account to an existing code.",
    ),
    CatalogueEntry(
        "mapping.xero_account_archived",
        "Mapped Xero account archived",
        "The mapping points at a Xero account that is archived, so Xero will not accept postings to it.",
        "Restore the account in Xero, or map the Actionstep account to an active one.",
    ),
    CatalogueEntry(
        "mapping.xero_account_no_code",
        "Xero account has no code",
        "Xero allows accounts without a code, but the integration identifies accounts by code.",
        "In Xero, give the account a unique code (Accounting > Chart of accounts), then map that code.",
    ),
    CatalogueEntry(
        "mapping.tax_type_invalid",
        "Tax type not allowed for the account",
        "The tax type these lines use cannot be used with the mapped Xero account's class.",
        "Map to a Xero account that allows this tax type, or correct the tax code in Actionstep.",
    ),
    CatalogueEntry(
        "mapping.holding_account_missing",
        "Trust holding account missing in Xero",
        "Trust transactions need the Trust Liability and Trust Transfers accounts, which Xero does not have by default.",
        "Create the holding accounts in Xero (with codes), then map them.",
    ),
    CatalogueEntry(
        "mapping.not_a_bank_account",
        "Bank account mapped to a non-bank account",
        "Payments and transfers must go through a Xero bank account, and the mapped account is not one.",
        "Map the Actionstep bank account to the matching bank account in Xero.",
    ),
    CatalogueEntry(
        "mapping.timekeeper_without_income_account",
        "Timekeeper has no income account",
        "A fee line belongs to a timekeeper who has no income account mapped, so the bill cannot be posted.",
        "Map the timekeeper to a Xero income account, or give them a default income account in Actionstep.",
    ),
    CatalogueEntry(
        "mapping.unknown_tax_code",
        "Unknown tax code",
        "A line uses an Actionstep tax code with no matching Xero tax type.",
        "Map the tax code to a Xero tax type, or correct the line in Actionstep.",
    ),
    # Xero validation (the Xero client matches Xero's messages to these codes)
    CatalogueEntry(
        "xero.account_invalid",
        "Xero account code not valid",
        "Xero says the account code is not valid for this document (missing, archived or the wrong type).",
        "Check the mapping for this account; map it to an active Xero account that accepts this document.",
    ),
    CatalogueEntry(
        "xero.account_no_code",
        "Account code missing",
        "A line reached Xero without an account code.",
        "Give the Xero account a code and map it.",
    ),
    CatalogueEntry(
        "xero.tax_type_invalid",
        "Tax type not valid",
        "Xero does not accept the tax type for this account or document.",
        "Map the line's tax code to a Xero tax type that the account allows.",
    ),
    CatalogueEntry(
        "xero.lock_date",
        "Inside Xero's lock date",
        "The document is dated on or before the lock date set in Xero, so Xero will not accept it.",
        "Ask the Xero adviser to move the lock date, or date the document after it in Actionstep.",
    ),
    CatalogueEntry(
        "xero.invalid_status",
        "Document not in a state Xero can change",
        "Xero will not change the document in its current status (for example a paid or voided invoice).",
        "Check the document in Xero; remove payments first if it has any.",
    ),
    CatalogueEntry(
        "xero.contact_archived",
        "Contact archived in Xero",
        "The document's contact is archived in Xero.",
        "Restore the contact in Xero, then sync again.",
    ),
    CatalogueEntry(
        "xero.duplicate_number",
        "Number already used in Xero",
        "Xero already has an invoice with this number.",
        "Check whether the Xero invoice is this document; the bot adopts it when the totals match.",
    ),
    CatalogueEntry(
        "xero.payment_exceeds_outstanding",
        "Payment more than what is owed",
        "The payment is larger than the amount still outstanding on the Xero document.",
        "Check for payments entered directly in Xero, or correct the payment in Actionstep.",
    ),
    CatalogueEntry(
        "xero.journal_unbalanced",
        "Journal does not balance",
        "The debits and credits of the journal are not equal.",
        "Correct the transaction in Actionstep so it balances.",
    ),
    CatalogueEntry(
        "xero.document_allocated",
        "Document has payments or credits applied",
        "Xero will not change a document that has a payment or credit note allocated to it.",
        "Remove the payments and allocations first (unlink them), then try again.",
    ),
    CatalogueEntry(
        "xero.reconciled_payment",
        "Payment is reconciled",
        "Xero cannot delete a payment that has been reconciled against a bank statement line.",
        "Unreconcile it in Xero first, or unlink without voiding in Xero.",
    ),
    CatalogueEntry(
        "xero.unknown",
        "Xero refused the document",
        "Xero gave a reason the bot does not know yet (shown in the message).",
        "Read Xero's message; correct the document or mapping and sync again.",
    ),
)


def describe(code: str) -> CatalogueEntry:
    """The catalogue entry for `code`; an unknown code still gets a usable entry."""
    return CATALOGUE.get(code) or CatalogueEntry(code, code, "Unexpected problem.", "Ask the firm's admin.")


class XerobotError(Exception):
    """Base of everything the bot raises on purpose. `str()` is a complete sentence for a person."""

    default_code = "remote.rejected"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code or self.default_code

    @property
    def cause(self) -> str:
        return describe(self.code).cause

    @property
    def fix(self) -> str:
        return describe(self.code).fix


class ConfigError(XerobotError):
    """A setting is missing or wrong. `variable` is the (first) environment variable to correct."""

    default_code = "config.invalid"

    def __init__(self, variable: str, problem: str, *more: tuple[str, str]) -> None:
        pairs = ((variable, problem), *more)
        super().__init__("; ".join(f"{name}: {text}" for name, text in pairs))
        self.variable = variable
        self.variables = tuple(name for name, _ in pairs)


class SyncInProgress(XerobotError):
    """Another sync holds the single-flight lease: `actor` started it from `trigger` at `started` (when known)."""

    default_code = "sync.in_progress"

    def __init__(
        self,
        message: str,
        *,
        actor: str | None = None,
        trigger: str | None = None,
        started: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.actor, self.trigger, self.started = actor, trigger, started


class SecretError(XerobotError):
    default_code = "secret.undecryptable"


class StoreError(XerobotError):
    default_code = "store.out_of_date"


class AlreadyLinked(StoreError):
    default_code = "link.already_linked"


class SchemaOutOfDate(StoreError):
    default_code = "store.out_of_date"


class RemoteError(XerobotError):
    """Xero or Actionstep said no or did not answer. `remote` is "xero" or "actionstep"."""

    default_code = "remote.rejected"

    def __init__(
        self, remote: str, message: str, *, code: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.remote = remote
        self.status = status


class AuthError(RemoteError):
    default_code = "auth.expired"


class RateLimited(RemoteError):
    default_code = "remote.rate_limited"

    def __init__(self, remote: str, message: str, *, retry_after: float, status: int | None = 429) -> None:
        super().__init__(remote, message, status=status)
        self.retry_after = retry_after


class DailyLimitReached(RemoteError):
    default_code = "remote.daily_limit"


class Unavailable(RemoteError):
    default_code = "remote.unavailable"


class Rejected(RemoteError):
    """The remote refused; `messages` are its own words, kept verbatim."""

    default_code = "remote.rejected"

    def __init__(
        self,
        remote: str,
        message: str,
        *,
        messages: tuple[str, ...] = (),
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(remote, message, code=code, status=status)
        self.messages = messages

"""The error tree: what the bot raises on purpose, placed by what happens next.

Every error carries a stable `code` from the catalogue (`integration.errors.catalogue`), so `.cause` and `.fix` are a
bookkeeper's words. Each class's `default_code` is the code that means that class. The tree, in one place::

    XerobotError                      anything we raise on purpose; has .code, .cause, .fix  (error.unexpected)
    │
    ├── Fatal                         stops the run: nothing more is posted until a person acts  (run.stopped)
    │   ├── ConfigError               a setting is missing or wrong: names the variable (start-up stops)
    │   ├── SecretError               tokens cannot be decrypted with XEROBOT_SECRET_KEY
    │   ├── SchemaOutOfDate           (StoreError) the database needs `xerobot db upgrade`
    │   ├── CashBasis                 Actionstep is on the Cash basis; posting needs Accrual
    │   ├── AuthError                 (RemoteError) token expired beyond refresh, or the connection was revoked
    │   └── DailyLimitReached         (RemoteError) Xero's day budget is gone: fatal for today
    │
    ├── Retriable                     interrupts the run; the documents it did not reach are left for the next run
    │   ├── Unavailable               (RemoteError) 5xx, timeouts, connection errors    (run.interrupted)
    │   └── RateLimited               (RemoteError) 429; .retry_after in seconds
    │
    ├── Skippable                     fails one document (or one unlink step); the run goes on  (doc.failed)
    │   ├── Rejected                  (RemoteError) a 4xx the remote explained; .messages holds its words
    │   ├── AlreadyLinked             (StoreError) a second active link for one document: the database refused it
    │   ├── Malformed                 a document record cannot be read: names the field (also a ValueError)
    │   ├── PostingError              a document cannot be expressed in Xero as it stands (also a ValueError)
    │   └── StepFailed                Xero refused one step of an unlink; the request stops there, Retry resumes
    │
    └── Refused                       a person's request cannot be done as asked; nothing changed  (request.refused)
        ├── SyncInProgress            another sync holds the single-flight lease
        ├── UnknownService            only xero and actionstep can be connected
        ├── LinkInvalid               a connect link that is forged or too old
        ├── MappingTargetMissing      the Xero account a mapping names is not in Xero's chart
        ├── MappingRowsInvalid        rows of mappings (an import, accepted suggestions) that cannot all be stored
        ├── AlertNotFound             no alert with that id
        ├── AlertNotFixable           the alert is not fixed by one mapping
        ├── NothingToUnlink           nothing was posted under that number, or no such unlink request
        ├── AlreadyUnlinked           the document's link was already turned into history
        ├── AmbiguousNumber           several linked documents share the number
        ├── NotUnlinkable             the bot does not unlink this kind of document
        ├── UnlinkExpired             the unlink request was not confirmed in time
        ├── UnlinkPending             a request to unlink the document is already waiting for confirmation
        ├── VoidRefused               Xero would not void the document as it stands
        └── TwoPersonRule             the unlink must be confirmed by someone other than who asked

`RemoteError` (.remote names "xero" or "actionstep", .status the HTTP status) and `StoreError` say where an error
came from, not what follows: each of their classes also sits under exactly one policy branch, so `except Fatal`,
`except Retriable` and `except Skippable` read as the policy they carry out.

The engine's policy follows the tree: a retriable error ends the run as "interrupted" (retried inside the run only
where the request is safe to repeat); any other error that reaches the run ends it as "failed"; a skippable error
caught around one document fails that document and the run goes on. Raised where no one document is at stake (say a
`Rejected` while reading Actionstep's settings), a skippable error fails the run like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from integration.errors.catalogue import describe


class XerobotError(Exception):
    """Base of everything the bot raises on purpose. `str()` is a complete sentence for a person."""

    default_code = "error.unexpected"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code or self.default_code

    @property
    def cause(self) -> str:
        return describe(self.code).cause

    @property
    def fix(self) -> str:
        return describe(self.code).fix


# The policy branches -------------------------------------------------------------------------------------------


class Fatal(XerobotError):
    """Stops the run: nothing more is posted until a person acts on it."""

    default_code = "run.stopped"


class Retriable(XerobotError):
    """Interrupts the run; what it did not reach is left for the next run, which carries on."""

    default_code = "run.interrupted"


class Skippable(XerobotError):
    """Fails one document (or one unlink step); the run goes on with the others."""

    default_code = "doc.failed"


class Refused(XerobotError):
    """A person's request cannot be done as asked; nothing was changed."""

    default_code = "request.refused"


# Where an error came from --------------------------------------------------------------------------------------


class RemoteError(XerobotError):
    """Xero or Actionstep said no or did not answer. `remote` is "xero" or "actionstep"."""

    default_code = "remote.failed"

    def __init__(
        self, remote: str, message: str, *, code: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.remote = remote
        self.status = status


class StoreError(XerobotError):
    """The ledger database refused or could not do something."""

    default_code = "store.failed"


# Fatal ---------------------------------------------------------------------------------------------------------


class ConfigError(Fatal):
    """A setting is missing or wrong. `variable` is the (first) environment variable to correct."""

    default_code = "config.invalid"

    def __init__(self, variable: str, problem: str, *more: tuple[str, str]) -> None:
        pairs = ((variable, problem), *more)
        super().__init__("; ".join(f"{name}: {text}" for name, text in pairs))
        self.variable = variable
        self.variables = tuple(name for name, _ in pairs)


class SecretError(Fatal):
    """Stored tokens cannot be decrypted with XEROBOT_SECRET_KEY."""

    default_code = "secret.undecryptable"


class SchemaOutOfDate(StoreError, Fatal):
    default_code = "store.out_of_date"


class CashBasis(Fatal):
    """Actionstep is on the Cash basis; posting to Xero needs Accrual."""

    default_code = "org.cash_basis"


class AuthError(RemoteError, Fatal):
    default_code = "auth.expired"


class DailyLimitReached(RemoteError, Fatal):
    default_code = "remote.daily_limit"


# Retriable -----------------------------------------------------------------------------------------------------


class Unavailable(RemoteError, Retriable):
    default_code = "remote.unavailable"


class RateLimited(RemoteError, Retriable):
    default_code = "remote.rate_limited"

    def __init__(self, remote: str, message: str, *, retry_after: float, status: int | None = 429) -> None:
        super().__init__(remote, message, status=status)
        self.retry_after = retry_after


# Skippable -----------------------------------------------------------------------------------------------------


class Rejected(RemoteError, Skippable):
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


class AlreadyLinked(StoreError, Skippable):
    default_code = "link.already_linked"


class Malformed(Skippable, ValueError):
    """What is wrong with an Actionstep record, as a sentence naming the field."""

    default_code = "doc.malformed"


class PostingError(Skippable, ValueError):
    """A document cannot be expressed as a Xero element as it stands (no contact, an unmapped line, ...)."""

    default_code = "doc.malformed"


class StepFailed(Skippable):
    """Xero refused one step of an unlink; the request stops at it and Retry carries on from there."""

    default_code = "unlink.step_failed"


# Refused -------------------------------------------------------------------------------------------------------


class SyncInProgress(Refused):
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


class ReconcileInProgress(Refused):
    """Another reconciliation holds the lease."""

    default_code = "reconcile.in_progress"


class UnknownService(Refused):
    default_code = "connect.unknown_service"


class LinkInvalid(Refused):
    """A connect link or OAuth `state` that is forged, used already, older than it may be, or brought back by a
    browser other than the one that started."""

    default_code = "connect.link_invalid"


class OrganisationChanged(Refused):
    """A connect to another organisation than the one the ledger's links point at, not (yet) confirmed by an
    approver. Names both; `alert` is the alert whose button confirms the switch, when one was raised."""

    default_code = "connect.other_organisation"

    def __init__(self, message: str, *, current: str, offered: str, changes: object = None) -> None:
        super().__init__(message)
        self.current, self.offered, self.changes = current, offered, changes


class MappingTargetMissing(Refused):
    default_code = "mapping.xero_account_missing"


class MappingRowsInvalid(Refused):
    """Some rows of a batch of mappings cannot be stored, so none was: `.lines` says, one line a row, which and why."""

    default_code = "mapping.rows_invalid"

    def __init__(self, message: str, lines: Sequence[str]) -> None:
        super().__init__(message)
        self.lines = tuple(lines)


class AlertNotFound(Refused):
    default_code = "alert.not_found"


class AlertNotFixable(Refused):
    default_code = "alert.not_fixable"


class NothingToUnlink(Refused):
    default_code = "unlink.unknown_number"


class AlreadyUnlinked(Refused):
    default_code = "unlink.already_unlinked"


class AmbiguousNumber(Refused):
    default_code = "unlink.ambiguous"


class NotUnlinkable(Refused):
    default_code = "unlink.not_unlinkable"


class UnlinkExpired(Refused):
    default_code = "unlink.expired"


class UnlinkPending(Refused):
    """A request to unlink the same document is already waiting for confirmation: `request_id` is that one."""

    default_code = "unlink.pending"

    def __init__(self, message: str, *, request_id: int) -> None:
        super().__init__(message)
        self.request_id = request_id


class VoidRefused(Refused):
    default_code = "unlink.void_refused"


class TwoPersonRule(Refused):
    default_code = "unlink.two_person"

"""Month-end reconciliation: `Service.reconciling`.

`run(period)` reads the period from Actionstep and Xero (never writing to Xero), compares them (`rules.reconcile`,
`rules.trust`), keeps the outcome for the period in the ledger (`period_closes`: fingerprint, whether it agrees, the
sign-off), reopens a signed-off period whose reconciliation now differs, and raises one alert per overdrawn matter
(source TRUST), resolved when a later run finds the matter back in credit. `sign_off` records an approver's sign-off
once, under a lease, only for the reconciliation the approver saw (its fingerprint) and only when it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass

from integration.domain import Period, PeriodClose, Reconciliation


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """One run: the reconciliation, the period's close as the ledger now keeps it, and whether this run reopened a
    signed-off period (and why)."""

    reconciliation: Reconciliation
    close: PeriodClose
    reopened: bool = False


@dataclass(frozen=True, slots=True)
class SignOffOutcome:
    """What a Sign off click did: `done` when this click signed the period off; otherwise `message` says why not
    (already signed off by whom and when, not ready, or the reconciliation changed since it was shown)."""

    close: PeriodClose | None
    done: bool
    message: str

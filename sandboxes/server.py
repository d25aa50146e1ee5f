"""Both sandboxes behind one WSGI app, as `xerobot sandbox` serves them and `xerobot demo` uses them in-process.

Paths keep the real services' layout under a prefix: Xero at `/xero` (`/xero/api.xro/2.0/…`, `/xero/connect/token`,
`/xero/connections`), Actionstep at `/actionstep` (`/actionstep/api/rest/…`, `/actionstep/api/oauth/token`). Both
accept client id and secret `sandbox`; Xero also grants client credentials and Actionstep the refresh token
`sandbox`, so the bot's headless connection settings work against it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from integration.clock import Clock, SystemClock
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.backlog import make_backlog
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits

Environ = dict[str, Any]
DOCUMENT_RESOURCES = (
    "bills", "salepurchases", "receipts", "payments", "banktransfers", "trusttransactions", "banktransactions",
    "generaljournals",
)  # fmt: skip
# A generated backlog above this many documents makes the Xero sandbox a high-volume organisation, so every large
# run (the engine benchmark among them) meets Xero's refusal of non-optimised `where` filters.
HIGH_VOLUME_BACKLOG = 5_000


@dataclass
class Sandboxes:
    """A Xero and an Actionstep sandbox sharing one clock."""

    xero: XeroSandbox
    actionstep: ActionstepSandbox
    clock: Clock

    @classmethod
    def demo(
        cls,
        *,
        clock: Clock | None = None,
        backlog: int = 0,
        seed: int = 0,
        limits: Limits | None = None,
        high_volume: bool | None = None,
    ) -> Sandboxes:
        """The demo firm on both sides, optionally with a generated backlog of `backlog` more documents.

        `high_volume` makes Xero answer as a high-volume organisation; by default it does above
        `HIGH_VOLUME_BACKLOG` generated documents."""
        clock = clock or SystemClock()
        actionstep = ActionstepSandbox.demo(clock=clock)
        if backlog:
            actionstep.load(make_backlog(backlog, seed))
        xero = XeroSandbox.demo(clock=clock, limits=limits)
        xero.high_volume = backlog > HIGH_VOLUME_BACKLOG if high_volume is None else high_volume
        return cls(xero, actionstep, clock)

    def actionstep_documents(self) -> int:
        """Approved and draft documents of every kind held by the Actionstep sandbox."""
        return sum(self.actionstep.count(resource) for resource in DOCUMENT_RESOURCES)

    def xero_documents(self) -> int:
        """Documents held by the Xero sandbox (invoices, credit notes, payments, bank transactions, transfers)."""
        counts = self.xero.counts()
        return sum(
            counts.get(name, 0)
            for name in ("invoices", "credit_notes", "payments", "bank_transactions", "bank_transfers")
        )

    def __call__(self, environ: Environ, start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/xero" or path.startswith("/xero/"):
            return self.xero(environ, start_response)
        if path == "/actionstep" or path.startswith("/actionstep/"):
            return self.actionstep(environ, start_response)
        body = b"Not found: the sandboxes live under /xero and /actionstep.\n"
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]


def settings_for(base_url: str) -> dict[str, str]:
    """The environment that points the bot at sandboxes served at `base_url` (e.g. http://127.0.0.1:8765). The demo
    firm's bank feed matched RCT-5004 in Xero first (`demo_chart.XERO_BANK_FEED`), so the bot adopts payments Xero
    already shows rather than asking."""
    base = base_url.rstrip("/")
    return {
        "XERO_CLIENT_ID": "sandbox",
        "XERO_CLIENT_SECRET": "sandbox",
        "XERO_API_URL": f"{base}/xero/api.xro/2.0",
        "XERO_TOKEN_URL": f"{base}/xero/connect/token",
        "ACTIONSTEP_CLIENT_ID": "sandbox",
        "ACTIONSTEP_CLIENT_SECRET": "sandbox",
        "ACTIONSTEP_TOKEN_URL": f"{base}/actionstep/api/oauth/token",
        "ACTIONSTEP_REFRESH_TOKEN": "sandbox",
        "XEROBOT_ADOPT_XERO_PAYMENTS": "auto",
    }

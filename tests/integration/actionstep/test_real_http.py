"""The client and the sandbox over a real HTTP server on 127.0.0.1: OAuth, the api_endpoint rule, paging and a
page slow enough to time out."""

from __future__ import annotations

import httpx
import pytest

from integration.actionstep.auth import ActionstepAuth, ActionstepTokenSession, OAuthApp
from integration.actionstep.client import ActionstepClient
from integration.actionstep.requester import ActionstepRetryPolicy
from integration.clock import SystemClock, VirtualClock
from integration.domain import DocumentKind
from integration.errors import Unavailable
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.support.actionstep import REDIRECT, MemoryTokenStore, every_document
from tests.support.http import serving


def test_the_client_connects_and_lists_the_demo_firm_over_http_and_retries_a_page_that_times_out() -> None:
    sandbox = ActionstepSandbox.demo(clock=SystemClock())
    with serving(sandbox) as base, httpx.Client(timeout=httpx.Timeout(5.0, read=0.3)) as http:
        app = OAuthApp("sandbox", "sandbox", REDIRECT, token_url=f"{base}/actionstep/api/oauth/token")
        retry_clock = VirtualClock()  # backoff between attempts is accounted, not slept
        session = ActionstepTokenSession(app, MemoryTokenStore(), http, SystemClock())
        token = session.connect_with_refresh_token("sandbox")
        assert token.tokens["api_endpoint"] == f"{base}/actionstep/api/"
        client = ActionstepClient(http, ActionstepAuth(session), session.api_base(), retry_clock, page_size=3)
        assert len(list(every_document(client))) == 31

        sandbox.faults.slow(seconds=1.0, resource="receipts")
        receipts = [r.number for r in client.documents(DocumentKind.PAYMENT_RECEIVED, None)]
        assert receipts == ["RCT-5001", "RCT-5003", "RCT-5002", "RCT-5004"] and retry_clock.slept == 1

        sandbox.faults.slow(2, seconds=1.0, resource="receipts")
        impatient = ActionstepClient(
            http,
            ActionstepAuth(session),
            session.api_base(),
            retry_clock,
            retry=ActionstepRetryPolicy(attempts=2),
        )
        with pytest.raises(Unavailable, match="ReadTimeout"):
            list(impatient.documents(DocumentKind.PAYMENT_RECEIVED, None))

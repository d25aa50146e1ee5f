"""The client under faults: 429 backoff, 5xx retries, 401 refresh-once, and what it raises when retries run out."""

from __future__ import annotations

import pytest

from integration.actionstep.auth import ActionstepAuth, ActionstepTokenSession
from integration.actionstep.client import ActionstepClient
from integration.actionstep.requester import ActionstepRetryPolicy
from integration.clock import VirtualClock
from integration.domain import DocumentKind
from integration.errors import AuthError, RateLimited, Rejected, Unavailable
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.support.actionstep import REST, MemoryTokenStore, connected_client, http_for


def statuses(sandbox: ActionstepSandbox) -> list[int]:
    return [r.status for r in sandbox.requests if "/api/rest/" in r.path]


def test_a_429_with_retry_after_waits_that_long_then_carries_on(
    client: ActionstepClient, sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    sandbox.faults.rate_limit(retry_after=12)
    assert client.tax_codes()
    assert clock.slept == 12 and client.api_calls == 2


def test_a_429_without_retry_after_backs_off_exponentially(
    client: ActionstepClient, sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    sandbox.faults.rate_limit(3)
    assert client.tax_codes()
    assert clock.slept == 1 + 2 + 4 and client.api_calls == 4


def test_rate_limiting_that_outlasts_the_attempts_raises_rate_limited_with_the_wait(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    sandbox.faults.rate_limit(5, retry_after=3)
    with pytest.raises(RateLimited) as raised:
        client.accounts()
    assert raised.value.retry_after == 3 and raised.value.remote == "actionstep"
    assert statuses(sandbox).count(429) == 5


def test_a_retry_after_longer_than_the_client_will_wait_is_handed_back_at_once(
    client: ActionstepClient, sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    sandbox.faults.rate_limit(retry_after=3600)
    with pytest.raises(RateLimited) as raised:
        client.accounts()
    assert raised.value.retry_after == 3600 and clock.slept == 0


def test_server_errors_are_retried_with_backoff_then_succeed(
    client: ActionstepClient, sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    sandbox.faults.server_error(2, status=503, resource="bills")
    assert len(list(client.documents(DocumentKind.SALES_INVOICE, None))) == 9
    assert statuses(sandbox)[-3:] == [503, 503, 200] and clock.slept == 1 + 2


def test_server_errors_that_persist_raise_unavailable(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    sandbox.faults.server_error(10)
    with pytest.raises(Unavailable, match="500 for accounts after 5 attempts") as raised:
        client.accounts()
    assert raised.value.status == 500


def test_faults_between_pages_do_not_lose_or_repeat_documents(
    sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    client, _ = connected_client(sandbox, clock, page_size=2)
    expected = [i.number for i in client.documents(DocumentKind.SALES_INVOICE, None)]
    sandbox.faults.server_error(1, resource="bills")
    sandbox.faults.rate_limit(1, resource="bills")
    sandbox.faults.server_error(1, status=502, resource="bills")
    again = [i.number for i in client.documents(DocumentKind.SALES_INVOICE, None)]
    assert again == expected and len(expected) == 9


def test_a_401_refreshes_once_and_replays_the_request(
    connected: tuple[ActionstepClient, ActionstepTokenSession], sandbox: ActionstepSandbox
) -> None:
    client, session = connected
    sandbox.faults.unauthorized()
    assert client.timekeepers()
    assert session.refreshes == 1 and statuses(sandbox)[-2:] == [401, 200]


def test_a_second_401_after_the_refresh_raises_auth_error(
    connected: tuple[ActionstepClient, ActionstepTokenSession], sandbox: ActionstepSandbox
) -> None:
    client, session = connected
    sandbox.faults.unauthorized(2)
    with pytest.raises(AuthError):
        client.timekeepers()
    assert session.refreshes == 1


def test_an_expired_access_token_is_refreshed_before_the_request_is_sent(
    connected: tuple[ActionstepClient, ActionstepTokenSession],
    sandbox: ActionstepSandbox,
    clock: VirtualClock,
) -> None:
    client, session = connected
    clock.advance(3600 - 30)  # inside the refresh-early window
    assert client.tax_codes()
    assert session.refreshes == 1 and 401 not in statuses(sandbox)


def test_a_revoked_connection_raises_auth_error_saying_to_reconnect(
    sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    store = MemoryTokenStore()
    client, session = connected_client(sandbox, clock, store=store)
    rotated = session.refresh(session.current())  # now holds a rotating token, not the standing `sandbox` one
    assert rotated.tokens["refresh_token"] != "sandbox"
    sandbox.oauth.revoke()
    with pytest.raises(AuthError, match="connect Actionstep again"):
        client.accounts()


def test_a_403_is_an_auth_error_about_permission_and_a_400_carries_actionsteps_words(
    client: ActionstepClient, sandbox: ActionstepSandbox
) -> None:
    sandbox.faults.server_error(status=403)
    with pytest.raises(AuthError, match="lack permission"):
        client.accounts()
    sandbox.faults.server_error(status=400)
    with pytest.raises(Rejected) as raised:
        client.accounts()
    assert raised.value.messages == ("Bad Request",) and raised.value.status == 400


def test_the_retry_policy_bounds_attempts_and_backoff(
    connected: tuple[ActionstepClient, ActionstepTokenSession],
    sandbox: ActionstepSandbox,
    clock: VirtualClock,
) -> None:
    _, session = connected
    client = ActionstepClient(
        http_for(sandbox),
        ActionstepAuth(session),
        REST,
        clock,
        retry=ActionstepRetryPolicy(attempts=2, base_delay=0.5),
    )
    sandbox.faults.server_error(2)
    with pytest.raises(Unavailable, match="after 2 attempts"):
        client.accounts()
    assert clock.slept == 0.5 and client.api_calls == 2

"""The sandbox's identity endpoints: authorize, the token grants with rotation, and /connections."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from integration.clock import VirtualClock
from sandboxes.xero.emulator import XeroSandbox

REDIRECT = "http://127.0.0.1:3000/callback"


@pytest.fixture
def http(sandbox: XeroSandbox) -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=sandbox),
        base_url="http://sandbox/xero",
        auth=("sandbox", "sandbox"),
    )


def token(http: httpx.Client, **form: str) -> httpx.Response:
    return http.post("/connect/token", data=form)


def test_the_authorize_page_consents_at_once_and_the_code_is_exchanged_once_with_its_verifier(
    http: httpx.Client,
) -> None:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code", "client_id": "sandbox", "redirect_uri": REDIRECT, "scope": "offline_access openid",
        "state": "s-1", "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    answer = http.get("/identity/connect/authorize", params=params)
    assert answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["s-1"]
    code = query["code"][0]
    wrong = token(
        http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier="x" * 50
    )
    assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_grant"}
    answer = http.get("/identity/connect/authorize", params=params)
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    issued = token(
        http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )
    assert issued.status_code == 200
    assert issued.json()["expires_in"] == 1800 and issued.json()["refresh_token"]
    reused = token(
        http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )
    assert reused.status_code == 400


def test_a_refresh_rotates_the_refresh_token_and_the_old_one_lasts_thirty_minutes(
    http: httpx.Client, sandbox: XeroSandbox, clock: VirtualClock
) -> None:
    first = sandbox.issue_tokens()["refresh_token"]
    rotated = token(http, grant_type="refresh_token", refresh_token=first).json()
    assert rotated["refresh_token"] != first
    clock.advance(30 * 60)
    assert token(http, grant_type="refresh_token", refresh_token=first).status_code == 200
    clock.advance(1)
    assert token(http, grant_type="refresh_token", refresh_token=first).json() == {"error": "invalid_grant"}
    assert token(http, grant_type="refresh_token", refresh_token=rotated["refresh_token"]).status_code == 200


def test_an_unused_refresh_token_expires_after_sixty_days(
    http: httpx.Client, sandbox: XeroSandbox, clock: VirtualClock
) -> None:
    refresh = sandbox.issue_tokens()["refresh_token"]
    clock.advance(60 * 86_400 + 1)
    assert token(http, grant_type="refresh_token", refresh_token=refresh).status_code == 400


def test_client_credentials_give_an_access_token_without_a_refresh_token(
    http: httpx.Client, sandbox: XeroSandbox
) -> None:
    issued = token(http, grant_type="client_credentials", scope="accounting.settings").json()
    assert "refresh_token" not in issued and issued["token_type"] == "Bearer"
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    connections = http.get("/connections", headers=bearer, auth=None).json()
    assert [(c["tenantId"], c["tenantType"], c["tenantName"]) for c in connections] == [
        (sandbox.tenant_id, "ORGANISATION", "Harbour & Finch Lawyers")
    ]


def test_wrong_client_credentials_and_unknown_grants_are_refused(sandbox: XeroSandbox) -> None:
    http = httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://sandbox/xero")
    wrong = http.post("/connect/token", data={"grant_type": "client_credentials"}, auth=("sandbox", "nope"))
    assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_client"}
    in_form = http.post(
        "/connect/token", data={"grant_type": "password", "client_id": "sandbox", "client_secret": "sandbox"}
    )
    assert in_form.json() == {"error": "unsupported_grant_type"}


CONSENT = {
    "response_type": "code", "client_id": "sandbox", "redirect_uri": REDIRECT, "scope": "offline_access",
    "state": "s-<2>",
}  # fmt: skip


def test_asked_for_consent_the_authorize_url_shows_a_page_whose_allow_button_sends_a_code(
    http: httpx.Client, sandbox: XeroSandbox
) -> None:
    sandbox.identity.ask_consent = True
    page = http.get("/identity/connect/authorize", params=CONSENT)
    assert page.status_code == 200 and "Allow access" in page.text and "Cancel" in page.text
    assert sandbox.identity.tenant_name.replace("&", "&amp;") in page.text
    assert "value='s-&lt;2&gt;'" in page.text  # the state rides in an escaped hidden field
    allowed = http.post("/identity/connect/authorize", data={**CONSENT, "decision": "allow"})
    assert allowed.status_code == 302
    query = parse_qs(urlsplit(allowed.headers["location"]).query)
    assert query["state"] == ["s-<2>"] and query["code"]


def test_cancel_on_the_consent_page_sends_access_denied_back(
    http: httpx.Client, sandbox: XeroSandbox
) -> None:
    sandbox.identity.ask_consent = True
    denied = http.post("/identity/connect/authorize", data={**CONSENT, "decision": "deny"})
    assert denied.status_code == 302
    query = parse_qs(urlsplit(denied.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["s-<2>"] and "code" not in query


def test_the_consent_form_from_another_client_is_refused(http: httpx.Client, sandbox: XeroSandbox) -> None:
    answer = http.post(
        "/identity/connect/authorize", data={**CONSENT, "client_id": "evil", "decision": "allow"}
    )
    assert answer.status_code == 400

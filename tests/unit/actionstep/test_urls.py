"""Where the client sends requests: the REST base from the token's api_endpoint, and the authorize URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from integration.actionstep.auth import OAuthApp, rest_base
from integration.actionstep.resources import timestamp_filter
from integration.errors import AuthError


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://ap-southeast-2.actionstep.com/api/", "https://ap-southeast-2.actionstep.com/api/rest"),
        ("https://ap-southeast-2.actionstep.com/api", "https://ap-southeast-2.actionstep.com/api/rest"),
        ("https://us-west-2.actionstep.com/", "https://us-west-2.actionstep.com/api/rest"),
        ("https://us-west-2.actionstep.com/api/rest/", "https://us-west-2.actionstep.com/api/rest"),
        ("http://127.0.0.1:8765/actionstep/api/", "http://127.0.0.1:8765/actionstep/api/rest"),
    ],
)
def test_the_rest_base_keeps_scheme_and_host_of_the_api_endpoint(endpoint: str, expected: str) -> None:
    assert rest_base(endpoint) == expected


def test_an_explicit_api_url_wins_and_a_missing_endpoint_asks_to_reconnect() -> None:
    assert rest_base("https://a.actionstep.com/api/", "http://localhost:9/actionstep/api") == (
        "http://localhost:9/actionstep/api/rest"
    )
    with pytest.raises(AuthError, match="connect Actionstep again"):
        rest_base(None)


def test_the_authorize_url_asks_for_a_code_with_scopes_and_state() -> None:
    app = OAuthApp("cid", "secret", "https://bot.example/cb", scopes=("bills", "participants"))
    url, state = app.authorize_url("fixed")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://go.actionstep.com/api/oauth/authorize"
    assert query == {
        "response_type": ["code"],
        "client_id": ["cid"],
        "redirect_uri": ["https://bot.example/cb"],
        "scope": ["bills participants"],
        "state": ["fixed"],
    }
    assert state == "fixed" and "secret" not in url


def test_timestamp_filters_are_utc_to_the_second_with_an_offset() -> None:
    from datetime import datetime, timedelta, timezone

    sydney = timezone(timedelta(hours=10))
    assert (
        timestamp_filter(datetime(2026, 7, 3, 10, 0, 0, 123456, tzinfo=sydney)) == "2026-07-03T00:00:00+00:00"
    )

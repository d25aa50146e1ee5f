"""How the client reads answers the sandbox never gives: non-JSON bodies and element counts that do not match."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from integration.clock import VirtualClock
from integration.errors import Rejected, Unavailable
from integration.xero import RateGovernor, XeroClient

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler) -> XeroClient:
    clock = VirtualClock()
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return XeroClient(
        http, httpx.Auth(), "tenant", RateGovernor(clock), clock, api_url="http://xero.test/api.xro/2.0"
    )


def test_a_200_that_is_not_json_leaves_the_outcome_of_a_write_unknown() -> None:
    xero = client(lambda request: httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(Unavailable, match="not JSON"):
        xero.create("Contacts", [{"Name": "A"}], "k")


def test_a_plain_text_400_is_rejected_with_its_text() -> None:
    xero = client(lambda request: httpx.Response(400, text="Organisation offline"))
    with pytest.raises(Rejected) as raised:
        xero.create("Contacts", [{"Name": "A"}], "k")
    assert raised.value.messages == ("Organisation offline",) and raised.value.status == 400


def test_fewer_results_than_elements_sent_leaves_the_outcome_unknown() -> None:
    xero = client(lambda request: httpx.Response(200, json={"Contacts": [{"ContactID": "c", "Name": "A"}]}))
    with pytest.raises(Unavailable, match="1 elements for 2 sent"):
        xero.create("Contacts", [{"Name": "A"}, {"Name": "B"}], "k")


def test_a_problem_style_error_body_is_read_for_its_detail() -> None:
    body = {"Title": "Forbidden", "Status": 404, "Detail": "The resource you're looking for cannot be found"}
    xero = client(lambda request: httpx.Response(404, json=body))
    with pytest.raises(Rejected, match="cannot be found"):
        xero.organisation()

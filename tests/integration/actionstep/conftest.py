"""Fixtures for the Actionstep tests: the demo firm's sandbox on a virtual clock, and a client connected to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from integration.actionstep.auth import ActionstepTokenSession
from integration.actionstep.client import ActionstepClient
from integration.clock import VirtualClock
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.support.actionstep import connected_client, http_for


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def sandbox(clock: VirtualClock) -> ActionstepSandbox:
    return ActionstepSandbox.demo(clock=clock)


@pytest.fixture
def http(sandbox: ActionstepSandbox) -> Iterator[httpx.Client]:
    with http_for(sandbox) as client:
        yield client


@pytest.fixture
def connected(
    sandbox: ActionstepSandbox, clock: VirtualClock, http: httpx.Client
) -> tuple[ActionstepClient, ActionstepTokenSession]:
    return connected_client(sandbox, clock, http=http)


@pytest.fixture
def client(connected: tuple[ActionstepClient, ActionstepTokenSession]) -> ActionstepClient:
    return connected[0]

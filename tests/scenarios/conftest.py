"""Scenario tests run the whole Slack app (`tests.support.bot`) on an embedded SQLite ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bot import RunningBot, running_bot


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(f"sqlite:///{tmp_path / 'ledger.db'}") as running:
        yield running

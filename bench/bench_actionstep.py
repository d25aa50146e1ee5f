"""Actionstep: generating a 10,000-document backlog, and listing it through the client from the in-process sandbox.

The listing goes the whole way a sync does: OAuth tokens from a ledger on SQLite, the bearer auth flow, keyset
pages of 200 with their lines included, the envelope, the wire schemas and the translation into domain documents.
Peak RSS growth is sampled from /proc while the listing runs, over the RSS just before it.
"""

from __future__ import annotations

import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench import Measurement, sized
from integration.actionstep.auth import ActionstepAuth, ActionstepTokenSession, OAuthApp
from integration.actionstep.client import ActionstepClient
from integration.adapters.token_store import LedgerTokenStore
from integration.clock import VirtualClock
from integration.domain import DocumentKind
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.backlog import make_backlog

DOCUMENTS = sized(10_000, quick=200)
BASE = "http://actionstep.bench"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE
    except OSError:  # not Linux: the process's peak so far is the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _peak_growth(work: Callable[[], object]) -> tuple[float, float]:
    """(seconds, peak RSS growth in bytes) of `work`, sampling RSS every 5 ms."""
    baseline = peak = _rss()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return elapsed, max(peak, _rss()) - baseline


def run() -> list[Measurement]:
    started = time.perf_counter()
    generated = sum(1 for _ in make_backlog(DOCUMENTS, 1))
    generation = time.perf_counter() - started

    clock = VirtualClock()
    sandbox = ActionstepSandbox(clock=clock)
    load_time, load_growth = _peak_growth(lambda: sandbox.load(make_backlog(DOCUMENTS, 1)))

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db", TokenCipher([generate_key()]), upgrade_schema=True)
        http = httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url=BASE)
        app = OAuthApp("sandbox", "sandbox", "http://bot/cb", token_url=f"{BASE}/actionstep/api/oauth/token")
        session = ActionstepTokenSession(app, LedgerTokenStore(store, "actionstep"), http, clock)
        session.connect_with_refresh_token("sandbox")
        client = ActionstepClient(http, ActionstepAuth(session), session.api_base(), clock)
        counted = {"documents": 0}

        def listing() -> None:
            counted["documents"] = sum(1 for kind in DocumentKind for _ in client.documents(kind, None))

        list_time, list_growth = _peak_growth(listing)
        store.close()

    listed = counted["documents"]
    assert listed == DOCUMENTS, f"listed {listed} of {DOCUMENTS}"
    mb = 1024 * 1024
    return [
        Measurement(
            "actionstep",
            f"backlog generated ({DOCUMENTS:,} docs, {generated:,} records)",
            DOCUMENTS / generation,
            "documents/s",
        ),
        Measurement("actionstep", "backlog loaded into the sandbox", load_time, "s"),
        Measurement("actionstep", "sandbox RSS growth for the backlog", load_growth / mb, "MB"),
        Measurement(
            "actionstep", f"listing {listed:,} documents", listed / list_time, "documents/s", "≥ 5,000"
        ),
        Measurement("actionstep", "listing peak RSS growth", list_growth / mb, "MB", "< 100"),
        Measurement("actionstep", "listing API calls (pages of 200)", client.api_calls, "calls"),
    ]

"""Lazy paging: a 10,000-document backlog is listed a page at a time, never held whole in memory.

The sandbox runs in-process, so its own work would be counted with the client's. The listing is therefore recorded
once from the sandbox and replayed to a second client from those recorded bytes (which exist before tracing starts),
so the peak measured is the client's alone.
"""

from __future__ import annotations

import tracemalloc

import httpx

from integration.actionstep.client import ActionstepClient
from integration.clock import VirtualClock
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.backlog import make_backlog
from tests.support.actionstep import REST, connected_client, every_document, http_for


def test_listing_ten_thousand_documents_peaks_far_below_the_size_of_the_whole_json() -> None:
    clock = VirtualClock()
    sandbox = ActionstepSandbox(clock=clock)
    sandbox.load(make_backlog(10_000, 11))
    recorded: dict[str, tuple[int, bytes]] = {}

    def record(response: httpx.Response) -> None:
        response.read()
        recorded[str(response.request.url)] = (response.status_code, response.content)

    client, _ = connected_client(sandbox, clock, http=http_for(sandbox, event_hooks={"response": [record]}))
    assert sum(1 for _ in every_document(client)) == 10_000
    pages = [body for url, (_, body) in recorded.items() if "/api/rest/" in url]
    whole, largest = sum(map(len, pages)), max(map(len, pages))

    def replay(request: httpx.Request) -> httpx.Response:
        status, body = recorded[str(request.url)]
        return httpx.Response(status, content=body)

    replayed = ActionstepClient(httpx.Client(transport=httpx.MockTransport(replay)), None, REST, clock)
    replayed.tax_codes()
    tracemalloc.start()
    try:
        listed = sum(1 for _ in every_document(replayed))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert listed == 10_000 and len(pages) >= 50
    # Held whole, the parsed listing would take several times its JSON; a page at a time it stays under half of it
    # (about a third: one page's parsed records and its documents).
    assert peak < whole / 2, (
        f"peak {peak:,} bytes for a listing of {whole:,} bytes (largest page {largest:,})"
    )

"""The catalogue: every stable problem code a bookkeeper can meet, with its plain cause and the fix.

Codes are grouped by who meets them: `runs` (set-up, connections, remotes: what stops or interrupts a run),
`documents` (one document that cannot be posted), `mapping`, `xero` (Xero's validation messages), `requests`
(unlinking and alerts), `drift` (changes made in Xero that the bot did not make) and `month_end` (trust
breaches a reconciliation finds). `describe` is the only way to
read an entry, and it refuses a code that is not here, so a mistyped code
fails loudly (and `tests/unit/test_error_catalogue.py` finds every code used in the source).
"""

from __future__ import annotations

from integration.errors.catalogue.documents import DOCUMENTS
from integration.errors.catalogue.drift import DRIFT
from integration.errors.catalogue.entry import CatalogueEntry, entries
from integration.errors.catalogue.mapping import MAPPING
from integration.errors.catalogue.month_end import MONTH_END
from integration.errors.catalogue.requests import REQUESTS
from integration.errors.catalogue.runs import RUNS
from integration.errors.catalogue.xero import XERO

CATALOGUE: dict[str, CatalogueEntry] = entries(
    *RUNS.values(),
    *DOCUMENTS.values(),
    *REQUESTS.values(),
    *MAPPING.values(),
    *XERO.values(),
    *DRIFT.values(),
    *MONTH_END.values(),
)


class UnknownCode(KeyError):
    """A code that is not in the catalogue: a typo, or an entry someone forgot to add."""

    def __str__(self) -> str:
        return f"{self.args[0]!r} is not a catalogue code; add it to integration/errors/catalogue/"


def describe(code: str) -> CatalogueEntry:
    """The catalogue entry for `code`. Raises `UnknownCode` (a `KeyError`) for a code not in the catalogue."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise UnknownCode(code) from None


__all__ = ["CATALOGUE", "CatalogueEntry", "UnknownCode", "describe"]

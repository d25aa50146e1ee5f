"""One catalogue entry: a stable code, a title, the cause in plain words and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    title: str
    cause: str
    fix: str


def entries(*listed: CatalogueEntry) -> dict[str, CatalogueEntry]:
    """`listed` by code; a code listed twice is a mistake, so it stops the import."""
    by_code: dict[str, CatalogueEntry] = {}
    for entry in listed:
        if entry.code in by_code:
            raise ValueError(f"catalogue code {entry.code!r} is listed twice")
        by_code[entry.code] = entry
    return by_code

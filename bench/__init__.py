"""Benchmarks. `make bench` (python -m bench) runs every `bench/bench_*.py` and prints one table.

`python -m bench --quick` runs them all at small sizes in seconds and prints the same table, so a benchmark the code
has left behind fails the build (`make test` runs it through `tests/integration/test_bench.py`); its figures mean nothing.

Each module exposes `run() -> list[Measurement]`. Figures are measured, not asserted: targets are printed beside
them so a regression is visible, and the closing notes of issues quote them.
"""

from __future__ import annotations

from dataclasses import dataclass

QUICK = False  # set by `python -m bench --quick` before any benchmark module is imported


def sized(full: int, quick: int) -> int:
    """`full`, or `quick` in the quick mode."""
    return quick if QUICK else full


@dataclass(frozen=True, slots=True)
class Measurement:
    area: str
    what: str
    value: float
    unit: str
    target: str = ""

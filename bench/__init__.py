"""Benchmarks. `make bench` (python -m bench) runs every `bench/bench_*.py` and prints one table.

Each module exposes `run() -> list[Measurement]`. Figures are measured, not asserted: targets are printed beside
them so a regression is visible, and the closing notes of issues quote them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Measurement:
    area: str
    what: str
    value: float
    unit: str
    target: str = ""

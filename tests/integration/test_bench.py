"""The benchmarks still run: `python -m bench --quick` runs every one at small sizes and prints a row for each. Only
that it ran is checked; the figures belong to `make bench`."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import bench

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_runs_in_the_quick_mode_and_prints_its_rows() -> None:
    modules = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    for name in modules:
        assert f"{name}: " in finished.stderr, f"{name} did not run"
        area = name.removeprefix("bench_")
        assert f"│ {area} " in finished.stdout, f"{name} printed no row"


def test_the_reconciliation_benchmark_runs_alone_in_the_quick_mode_and_prints_its_calls_time_and_memory_rows() -> (
    None
):
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "reconcile", "--quick"],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "bench_reconcile: " in finished.stderr
    rows = [line for line in finished.stdout.splitlines() if line.startswith("│ reconcile ")]
    for measure in (
        "documents of 2026-07 in Actionstep",
        "Xero calls made",
        "Xero Invoices (",
        "Xero organisation, chart",
        "Actionstep calls made",
        "at 60 calls/min",
        "local work / rate-limited time",
        "peak RSS growth",
        "peak traced allocations",
    ):
        assert any(measure in row for row in rows), f"no row for {measure!r}"
    assert "budget: " in finished.stdout

"""Run every benchmark module (or those named on the command line) and print one table; `--quick` runs them at
small sizes, to show they still run."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

from rich.console import Console
from rich.table import Table

import bench


def main(arguments: list[str]) -> int:
    bench.QUICK = "--quick" in arguments
    selected = [a for a in arguments if a != "--quick"]
    table = Table(
        title="xerobot benchmarks (quick: small sizes, figures not meaningful)"
        if bench.QUICK
        else "xerobot benchmarks"
    )
    for column in ("area", "measurement", "value", "unit", "target"):
        table.add_column(column, justify="right" if column == "value" else "left")
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    for name in names:
        if selected and not any(s in name for s in selected):
            continue
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for m in module.run():
            table.add_row(m.area, m.what, f"{m.value:,.2f}", m.unit, m.target)
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""``make bench``: run every benchmark module in bench/ (``bench/*_bench.py`` and ``guard_*.py``).

Each module has a ``main()`` that prints its ratios and writes ``bench/results/<name>.json``.
Pass names to run only some: ``make bench BENCH_ARGS="ledger"``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _modules() -> list[str]:
    names = {p.stem for p in HERE.glob("*_bench.py")} | {p.stem for p in HERE.glob("guard_*.py")}
    return sorted(names)


def run(selected: list[str]) -> int:
    """Run the selected benchmark modules (all when none are named)."""
    names = [n for n in _modules() if not selected or any(s in n for s in selected)]
    if not names:
        print("no benchmarks found", file=sys.stderr)
        return 0
    for name in names:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

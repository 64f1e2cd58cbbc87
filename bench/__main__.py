"""Run every benchmark module in one process, side by side, and print their lines.

Each module under bench/ exposes ``run() -> None`` and prints ``BENCH <name> <value> <unit>``
and ``RATIO <name> <value>`` lines. A module that fails prints ``BENCH <module> FAILED`` and the
run goes on, so one broken benchmark does not hide the others; the exit code is then 1.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path


def main() -> int:
    """Run all benchmarks (or those named on the command line)."""
    wanted = set(sys.argv[1:])
    failed = 0
    folder = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if info.name.startswith("_") or (wanted and info.name not in wanted):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        run = getattr(module, "run", None)
        if run is None:
            continue
        print(f"# bench.{info.name}", flush=True)
        try:
            run()
        except Exception:
            failed += 1
            traceback.print_exc()
            print(f"BENCH {info.name} FAILED", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m benchmarks [--quick] [--only SECTION ...] [--update]``.

Prints the table on stdout and writes every figure (with the raw samples) as JSON, and a
plot of the latencies when matplotlib is installed (the ``bench`` extra), to benchmarks/out/,
which git ignores. With ``--update`` they replace benchmarks/results.json and
benchmarks/latency.png, the figures BENCHMARKS.md cites; with ``--only``, the sections
measured replace theirs and the others keep the figures (and the machine) of their own run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio

from . import _http, _memory, _report, _scale, _sizes, _stdio

SECTIONS = ("cold_start", "warm", "definitions", "answers", "http", "memory", "scale")
HERE = Path(__file__).parent
SCRATCH = HERE / "out"
# Long enough for caches, pools and the allocator to fill (a few thousand calls) and for
# what is left, a little per call, to add up to more than RSS's noise in the second half.
MEMORY_CALLS, MEMORY_EVERY = 40_000, 2_000


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run(sections: Sequence[str], *, quick: bool) -> dict[str, Any]:
    """Measure the chosen sections; quick shrinks every count."""
    results: dict[str, Any] = {"machine": machine(), "quick": quick}
    if "cold_start" in sections:
        results["cold_start"] = anyio.run(_stdio.cold_start, 3 if quick else 12)
    if "warm" in sections:
        results["warm"] = anyio.run(_stdio.warm_calls, 30 if quick else 300)
    if "definitions" in sections:
        results["definitions"] = anyio.run(_sizes.definitions)
    if "answers" in sections:
        results["answers"] = anyio.run(_sizes.answers)
    if "http" in sections:
        results["http"] = anyio.run(_http.http_load, 96 if quick else 900)
    if "memory" in sections:
        results["memory"] = _memory.memory_over_calls(
            *((2_000, 500) if quick else (MEMORY_CALLS, MEMORY_EVERY))
        )
    if "scale" in sections:
        sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
        results["scale"] = _scale.search_at_scale(sizes, 3 if quick else 10)
    results["goals"] = [
        {"goal": goal, "figure": figure, "met": met} for goal, figure, met in _report.goals(results)
    ]
    return results


def merged(earlier: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """The figures of `earlier` with the sections `run` measured replaced, goals made again."""
    figures = {**earlier}
    measured = [section for section in SECTIONS if section in run]
    figures.update((section, run[section]) for section in measured)
    updated = {**figures.get("updated", {})}
    updated.update((section, run["machine"]) for section in measured)
    figures["updated"] = updated
    figures["goals"] = [
        {"goal": goal, "figure": figure, "met": met} for goal, figure, met in _report.goals(figures)
    ]
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Run the harness, print the table, write the JSON and the plot."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts (a smoke run)")
    parser.add_argument(
        "--update",
        action="store_true",
        help="write the figures BENCHMARKS.md cites, benchmarks/results.json and "
        "benchmarks/latency.png (default: benchmarks/out/, untracked)",
    )
    parser.add_argument("--out", type=Path, help="JSON file (overrides the default)")
    parser.add_argument("--plot", type=Path, help="PNG file (overrides the default)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    folder = HERE if args.update else SCRATCH
    args.out = args.out or folder / "results.json"
    args.plot = args.plot or folder / "latency.png"
    results = run(args.only, quick=args.quick)
    figures = results
    if args.update and args.out.exists() and set(args.only) != set(SECTIONS):
        figures = merged(json.loads(args.out.read_text(encoding="utf-8")), results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n")
    sys.stdout.write(_report.table(results))
    if _report.plot(results, args.plot):
        sys.stdout.write(f"plot: {args.plot}\n")
    sys.stdout.write(f"figures: {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

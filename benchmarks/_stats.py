"""Order statistics of timing samples, in milliseconds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def percentile(samples: Sequence[float], share: float) -> float:
    """The `share` (0..1) percentile of `samples`, nearest-rank on the sorted samples."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(seconds: Sequence[float]) -> dict[str, Any]:
    """n, p50, p95, p99, min and max of samples given in seconds, as milliseconds."""
    ms = [value * 1000 for value in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 0.95), 3),
        "p99_ms": round(percentile(ms, 0.99), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
        "samples_ms": [round(value, 3) for value in ms],
    }

"""`python -m benchmarks` leaves the tracked figures alone unless asked to update them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRACKED = (ROOT / "benchmarks" / "results.json", ROOT / "benchmarks" / "latency.png")
OUT = ROOT / "benchmarks" / "out"


def digests() -> list[str]:
    return [hashlib.sha256(path.read_bytes()).hexdigest() for path in TRACKED]


def harness(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_run_writes_its_figures_to_the_untracked_out_folder() -> None:
    """The JSON goes to benchmarks/out/, which git ignores; the committed figures stay put."""
    before = digests()

    run = harness("--only", "definitions")

    assert run.returncode == 0, run.stderr
    assert f"figures: {OUT / 'results.json'}" in run.stdout
    assert '"definitions"' in (OUT / "results.json").read_text(encoding="utf-8")
    assert digests() == before
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(OUT / "results.json")], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0


def test_update_is_what_rewrites_the_figures_benchmarks_md_cites() -> None:
    """`--help` says `--update` writes benchmarks/results.json and latency.png."""
    run = harness("--help")

    assert run.returncode == 0
    assert "--update" in run.stdout
    assert "benchmarks/results.json" in " ".join(run.stdout.split())


def test_an_update_of_some_sections_keeps_the_figures_of_the_others(tmp_path: Path) -> None:
    """`--only definitions --update` replaces the definitions and keeps the cold starts
    measured before, with the machine they were measured on."""
    figures = tmp_path / "results.json"
    earlier = {"machine": {"date": "earlier"}, "quick": False, "cold_start": {"ratio": 1.19}}
    figures.write_text(json.dumps(earlier), encoding="utf-8")

    run = harness("--only", "definitions", "--update", "--out", str(figures))

    assert run.returncode == 0, run.stderr
    merged = json.loads(figures.read_text(encoding="utf-8"))
    assert (merged["machine"], merged["cold_start"]) == (earlier["machine"], {"ratio": 1.19})
    assert merged["definitions"]["total_chars"] > 0
    assert merged["updated"]["definitions"]["date"] != "earlier"
    assert [goal["goal"] for goal in merged["goals"]][:2] == [
        "cold start <= 1.15x floor",
        "definitions < 24,000 chars",
    ]

"""Reading the recorded Datadog traffic in ../shared/datadog/cassettes.

The cassettes are VCR.py recordings made by Datadog's official Python client against the live
API. They are the ground truth of the wire format, so tests that need them fail (rather than
skip) when the folder is missing: a green run without them would prove nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

CASSETTE_DIR = Path(__file__).resolve().parents[2] / "shared" / "datadog" / "cassettes"


@dataclass(frozen=True)
class Exchange:
    """One recorded request and Datadog's answer to it."""

    method: str
    target: str  # path and query string, as sent
    body: str | None
    status: int
    answer: str

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def json_answer(self) -> Any:
        return json.loads(self.answer) if self.answer else None


@dataclass(frozen=True)
class Cassette:
    """A recorded scenario: the exchanges in the order they happened."""

    name: str
    exchanges: tuple[Exchange, ...]


def cassette_paths() -> list[Path]:
    """Every cassette file; raises when the folder is absent so no test passes vacuously."""
    paths = sorted(CASSETTE_DIR.glob("*.yaml"))
    if not paths:
        raise FileNotFoundError(
            f"no cassettes in {CASSETTE_DIR}: the tests need ../shared beside the repository"
        )
    return paths


def load(path: Path) -> Cassette:
    """Parse one VCR.py cassette."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    exchanges = []
    for interaction in document["interactions"]:
        request, response = interaction["request"], interaction["response"]
        url = urlsplit(request["uri"])
        exchanges.append(
            Exchange(
                method=request["method"],
                target=url.path + (f"?{url.query}" if url.query else ""),
                body=request["body"],
                status=response["status"]["code"],
                answer=response["body"]["string"] or "",
            )
        )
    return Cassette(name=path.stem, exchanges=tuple(exchanges))

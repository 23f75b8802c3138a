"""case-mcp covers Datadog's whole Case Management API: every operation of the reference is a
declared client operation and a sandbox route, with Datadog's method and path, and Datadog's
official client drives each one against the sandbox in some test.

The reference is ../shared/datadog/OPERATIONS.md, the operations of Datadog's official client.
"""

from __future__ import annotations

import re
from pathlib import Path

from case_mcp.client import OPERATIONS
from case_mcp.sandbox import Sandbox

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "datadog" / "OPERATIONS.md"
ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| `(\w+)` \|", re.MULTILINE)


def template(path: str) -> str:
    """`path` with its parameters unnamed: the client names them for its arguments."""
    return re.sub(r"\{\w+\}", "{}", path)


def reference() -> dict[str, tuple[str, str]]:
    """Datadog's operations: id -> (method, path template under /api/v2)."""
    rows = {
        op_id: (method, template(f"/api/v2{path}"))
        for method, path, op_id in ROW.findall(REFERENCE.read_text())
    }
    assert len(rows) == 75, "OPERATIONS.md lists Datadog's 75 Case Management operations"
    return rows


def test_every_operation_is_a_client_method_with_datadogs_method_and_path() -> None:
    """The client declares each of the 75 operations under its id, as Datadog sends it."""
    declared = {op.id: (op.method, template(op.path)) for op in OPERATIONS.values()}

    assert {op_id: declared.get(op_id) for op_id in reference()} == reference()


def test_every_operation_is_served_by_the_sandbox_with_datadogs_method_and_path() -> None:
    """The sandbox routes each of the 75 operations under its id, at Datadog's path."""
    routed = {op.operation_id: (op.method, template(op.path)) for op in Sandbox.OPERATIONS}

    assert {op_id: routed.get(op_id) for op_id in reference()} == reference()


def test_every_operation_is_driven_by_datadogs_official_client_against_the_sandbox() -> None:
    """Each operation is called by name on Datadog's client in the official-client tests."""
    tests = Path(__file__).parent
    sources = [tests / "official_client.py", *tests.glob("sandbox/test_official_client*.py")]
    called = "".join(path.read_text() for path in sources)

    assert [op_id for op_id in reference() if f".{op_id}(" not in called] == []

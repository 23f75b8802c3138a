"""The public surface of case_mcp.sandbox is exactly what its __all__ says."""

from __future__ import annotations

import case_mcp.sandbox as sandbox


def test_the_public_api_is_pinned_and_sorted() -> None:
    """Adding or removing a public name is a deliberate change of this list."""
    assert sandbox.__all__ == [
        "DatabaseError",
        "Faults",
        "Operation",
        "RateLimit",
        "Sandbox",
        "serve",
        "server",
    ]
    assert sorted(sandbox.__all__) == sandbox.__all__
    assert all(hasattr(sandbox, name) for name in sandbox.__all__)

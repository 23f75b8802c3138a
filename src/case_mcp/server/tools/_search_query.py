"""Search query terms written from values: each one term, whatever the value holds.

The search syntax (Datadog's, and the sandbox's in `case_mcp.sandbox._search`) reads
``name:"..."`` as one value up to the next ``"`` that no backslash escapes. So every value the
server writes into a query, a tool's shortcut argument or a key Datadog sent, goes through
`facet`: quoted, with ``\\`` and ``"`` escaped, it cannot close its quotes and add terms of
its own (``x" OR project:OPS OR "y``). Quoted values are exact: a ``*`` in one is a star.
"""

from __future__ import annotations

__all__ = ["facet"]


def facet(name: str, value: str) -> str:
    """The term ``name:"value"`` that matches exactly `value`.

    Args:
        name: The facet (``assignee``, ``project``...); written as given, so a name of ours.
        value: Any text.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name}:"{escaped}"'

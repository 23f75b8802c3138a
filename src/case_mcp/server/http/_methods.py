"""Which MCP requests reach Datadog: the ones the HTTP service caps and wants keys for.

A request that reaches Datadog spends the organisation's API budget and waits on Datadog, so
the HTTP service counts it against the caller's budget and its slots in flight
(`_http_limits`) and, with per-request credentials, refuses it without keys (`_auth`). Tool
calls, resource reads and completions (which search cases and projects) reach Datadog.

Every method counts as reaching Datadog unless it is listed here: one an SDK upgrade adds, or
a prompt that starts reading cases, is capped until someone shows it is not (a test compares
this list with the methods the server answers).
"""

from __future__ import annotations

from typing import Final

__all__ = ["NO_DATADOG", "reaches_datadog"]

NO_DATADOG: Final = frozenset(
    {
        "initialize",
        "ping",
        "server/discover",
        "tools/list",
        "resources/list",
        "resources/templates/list",
        "prompts/list",
        # The prompts are fixed text with the caller's arguments filled in.
        "prompts/get",
        # A stream of the server's own change notifications, open as long as the client
        # likes: it must never hold a slot.
        "subscriptions/listen",
        "logging/setLevel",
    }
)


def reaches_datadog(method: str) -> bool:
    """Whether answering a request of `method` may call Datadog."""
    return method not in NO_DATADOG

"""Insights, in the opt-in `integrations` toolset: the Datadog resources (signals, monitors,
incidents, issues...) a case links to as evidence.

Attaching an insight the case lists already, or detaching one it does not list, changes
nothing, so both tools are idempotent sets; detaching destroys nothing (attach it again), so
it is not a confirmed delete. Their names say attach and detach, not add and remove, because
a tool named ``add_`` promises to make a new thing each call.
"""

from __future__ import annotations

from typing import Annotated, Final, get_args

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.models import Insight, InsightType
from case_mcp.server._state import State
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import CaseView, case_view
from case_mcp.server.tools.cases import CaseId, case_not_found

_TYPES: Final = get_args(InsightType)


def _parsed(text: str, *, with_ref: bool) -> Insight:
    """An insight written as get_case shows it: "TYPE resource_id", then the app path."""
    kind, _, rest = text.strip().partition(" ")
    resource_id, _, ref = rest.strip().partition(" ")
    kind = kind.upper()
    if kind not in _TYPES:
        raise ToolError(f"{kind!r} is not an insight type. Use one of {', '.join(_TYPES)}.")
    if not resource_id or (with_ref and not ref.strip()):
        shape = "TYPE resource_id app_path" if with_ref else "TYPE resource_id"
        raise ToolError(
            f"Write each insight as {shape!r}, such as 'MONITOR 12345 /monitors/12345'."
        )
    return Insight(type=kind, resource_id=resource_id, ref=ref.strip() or None)


Insights = Annotated[
    list[Annotated[str, Field(min_length=3, max_length=2000)]],
    Field(min_length=1, max_length=100),
]


async def attach_case_insights(
    case_id: CaseId,
    insights: Annotated[Insights, Field(description='Each "TYPE resource_id app_path".')],
    state: State,
) -> Annotated[CallToolResult, CaseView]:
    """Link Datadog resources (signal, monitor, incident, issue...) to a case as insights.

    Use this tool to attach the evidence behind a case. TYPE is SECURITY_SIGNAL, MONITOR,
    INCIDENT, ERROR_TRACKING, SECURITY_FINDING, EVENT...
    Example: {"case_id": "SEC-13", "insights": ["MONITOR 12345 /monitors/12345"]}
    """
    chosen = [_parsed(text, with_ref=True) for text in insights]
    case = await state.client.add_case_insights(case_id, chosen)
    return result(await case_view(case, state.lookup))


async def detach_case_insights(
    case_id: CaseId,
    insights: Annotated[Insights, Field(description='Each "TYPE resource_id" as get_case shows.')],
    state: State,
) -> Annotated[CallToolResult, CaseView]:
    """Unlink insights from a case.

    Use this tool when a linked resource turns out unrelated.
    Example: {"case_id": "SEC-13", "insights": ["SECURITY_SIGNAL AQAAAZ5a5b88a6daa45a46a769374719"]}
    """
    wanted = {
        (item.type, item.resource_id) for item in (_parsed(t, with_ref=False) for t in insights)
    }
    case = await state.client.get_case(case_id)
    # Datadog's request carries each insight's app path: the case's own listing has it.
    listed = [
        insight
        for insight in case.attributes.insights
        if ((insight.type or "").upper(), insight.resource_id) in wanted
    ]
    if listed:
        case = await state.client.remove_case_insights(case.id, listed)
    return result(await case_view(case, state.lookup))


TOOLS = [
    ToolSpec(
        "attach_case_insights",
        "Link insights to a case",
        "integrations",
        "idempotent_write",
        attach_case_insights,
        not_found=case_not_found,
    ),
    ToolSpec(
        "detach_case_insights",
        "Unlink insights from a case",
        "integrations",
        "idempotent_write",
        detach_case_insights,
        not_found=case_not_found,
    ),
]

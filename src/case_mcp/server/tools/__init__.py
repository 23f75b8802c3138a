"""The tool surface: the tools, in modules by subject, each spec naming its toolset (`cases`
spans several modules; `case_work` and `trackers` hold tools of two toolsets), and what they
are built from: views (`_views`), rendering (`_render`), resources, prompts,
completions, and the lookups that turn keys, emails and names into Datadog ids.

The guardrails and the server's state use the building blocks (`_lookup`, `_views`,
`_render`), so this package imports no toolset until `all_tools` is called: importing a
building block never pulls in the tools that depend on the guardrails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from case_mcp.server.guardrails._spec import ToolSpec


def all_tools() -> list[ToolSpec]:
    """Every tool the server can offer, toolset by toolset."""
    from case_mcp.server.tools import (
        automation,
        case_attributes,
        case_changes,
        case_types,
        case_work,
        cases,
        comments,
        insights,
        links,
        lookup,
        project_settings,
        projects,
        trackers,
        triage,
        views,
    )

    return [
        *cases.TOOLS,
        *case_changes.TOOLS,
        *case_attributes.TOOLS,
        *case_work.TOOLS,
        *comments.TOOLS,
        *projects.TOOLS,
        *lookup.TOOLS,
        *triage.TOOLS,
        *insights.TOOLS,
        *links.TOOLS,
        *trackers.TOOLS,
        *views.TOOLS,
        *automation.TOOLS,
        *case_types.TOOLS,
        *project_settings.TOOLS,
    ]

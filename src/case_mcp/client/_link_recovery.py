"""Finding what a lost link or tracker create made, instead of making it twice (see
`_recovery` for the reasoning and the residual risk).

- a link (`find_case_link`): the parent's links, for one to the same child with the same
  relationship (links are unique, so this is exact);
- a Jira issue, ServiceNow ticket or notebook (`find_jira_issue`, `find_service_now_ticket`,
  `find_notebook`): the case, showing one and changed since shortly before the request. Datadog
  answers these creates with no body, so the case found is the answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from case_mcp.client._paths import api_path
from case_mcp.client._recovery import CLOCK_SKEW

if TYPE_CHECKING:
    from case_mcp.client._operation import Finder, Read

__all__ = ["find_case_link", "find_jira_issue", "find_notebook", "find_service_now_ticket"]


async def find_case_link(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The link a lost create made: the parent's link to the same child, same relationship."""
    attributes = ((body or {}).get("data") or {}).get("attributes") or {}
    query = {
        "entity_type": str(attributes.get("parent_entity_type")),
        "entity_id": str(attributes.get("parent_entity_id")),
    }
    response = await read(api_path("/api/v2/cases/link"), query)
    for item in _data(response.content, list) or []:
        found = item.get("attributes") if isinstance(item, dict) else None
        if isinstance(found, dict) and all(
            found.get(name) == attributes.get(name)
            for name in ("child_entity_type", "child_entity_id", "relationship")
        ):
            return {"data": item}
    return None


def _shown_on_case(*path: str) -> Finder:
    async def find(
        read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
    ) -> dict[str, Any] | None:
        case_path = api_path("/api/v2/cases/{case_id}", case_id=str(arguments["case_id"]))
        case = _data((await read(case_path, {})).content, dict)
        value: Any = case
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        attributes = (case or {}).get("attributes") or {}
        try:
            modified = datetime.fromisoformat(str(attributes.get("modified_at")))
        except ValueError:
            return None
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        if value is None or modified < sent_at - CLOCK_SKEW:
            return None
        return {"data": case}

    return find


def _data(content: bytes, kind: type) -> Any:
    try:
        data = json.loads(content).get("data")
    except (ValueError, AttributeError):
        return None
    return data if isinstance(data, kind) else None


find_jira_issue = _shown_on_case("attributes", "jira_issue")
find_service_now_ticket = _shown_on_case("attributes", "service_now_ticket")
find_notebook = _shown_on_case("relationships", "notebook")

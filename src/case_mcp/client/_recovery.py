"""Finding what a create made when its answer was lost, instead of creating it twice.

A create whose answer is lost after it was sent (a timeout, a dropped connection, a 5xx, an
unreadable body) may or may not have been done. Sending it again could make a duplicate case,
project or comment, so the session never does; it reads what exists instead:

- create_project: the project list, for a project with the same key and name (keys are
  unique, so this is exact);
- create_case: the newest cases (sorted by creation, newest first), for one with the same
  title, case type and project, created since shortly before the request was sent;
- comment_case: the case's newest timeline cells, for a comment with the same text, created
  since shortly before the request was sent.

A match is returned as the answer the create would have given, so the caller sees one object,
made once. No match is not proof that nothing was made (Datadog may still be processing the
request, or its search may lag), so the caller gets `UnknownOutcomeError` and must check.

The residual risk: an identical case (same title, type and project) or an identical comment
made by someone else within `CLOCK_SKEW` before the request is taken for the one requested.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import httpx2

__all__ = ["CLOCK_SKEW", "find_created"]

Read = Callable[[str, Mapping[str, str]], Awaitable[httpx2.Response]]

CLOCK_SKEW: Final = timedelta(seconds=60)
"""How far Datadog's clock may be behind this host's: objects this much older still count."""

_NEWEST_CASES: Final = {
    "page[size]": "100",
    "page[number]": "1",
    "sort[field]": "created_at",
    "sort[asc]": "false",
}
_NEWEST_CELLS: Final = {"page[size]": "50", "sort[ascending]": "false"}


async def find_created(
    read: Read, operation: str, path: str, body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The document the create would have answered with, if what it creates exists now.

    Args:
        read: Sends a GET (with retries) and returns its answer.
        operation: ``create_case``, ``create_project`` or ``comment_case``; anything else
            is never found.
        path: The create's path.
        body: The create's JSON body.
        sent_at: When the create was first sent, by this host's clock.

    Raises:
        DatadogError: A read failed.
    """
    attributes = _get(body, "data", "attributes")
    if not isinstance(attributes, Mapping):
        return None
    since = sent_at - CLOCK_SKEW
    if operation == "create_project":
        key = str(attributes.get("key", "")).upper()
        for item in _items(await read("/api/v2/cases/projects", {})):
            found = _get(item, "attributes") or {}
            if str(found.get("key", "")).upper() == key and found.get("name") == attributes.get(
                "name"
            ):
                return {"data": item}
    elif operation == "create_case":
        project_id = _get(body, "data", "relationships", "project", "data", "id")
        for item in _items(await read("/api/v2/cases", _NEWEST_CASES)):
            found = _get(item, "attributes") or {}
            if (
                found.get("title") == attributes.get("title")
                and found.get("type_id") == attributes.get("type_id")
                and _get(item, "relationships", "project", "data", "id") == project_id
                and _created_since(found, since)
            ):
                return {"data": item}
    elif operation == "comment_case" and path.endswith("/comment"):
        timeline = path.removesuffix("/comment") + "/timelines"
        for cell in _items(await read(timeline, _NEWEST_CELLS)):
            found = _get(cell, "attributes") or {}
            if (
                found.get("type") == "COMMENT"
                and _get(found, "cell_content", "message") == attributes.get("comment")
                and _created_since(found, since)
            ):
                return {"data": [cell]}
    return None


def _items(response: httpx2.Response) -> list[Any]:
    try:
        data = json.loads(response.content).get("data")
    except (ValueError, AttributeError):
        return []
    return data if isinstance(data, list) else []


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _created_since(attributes: Mapping[str, Any], since: datetime) -> bool:
    try:
        created = datetime.fromisoformat(str(attributes.get("created_at")))
    except ValueError:
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created >= since

"""Finding what a create made when its answer was lost, instead of creating it twice.

A create whose answer is lost after it was sent (a timeout, a dropped connection, a 5xx, an
unreadable body) may or may not have been done. Sending it again could make a duplicate case,
project or comment, so the session never does; it reads what exists instead:

- a project (`find_project`): the project list, for a project with the same key and name
  (keys are unique, so this is exact);
- a case (`find_case`): the newest cases (sorted by creation, newest first), for one with the
  same title, case type and project, created since shortly before the request was sent;
- a comment (`find_comment`): the case's newest timeline cells, for a comment with the same
  text, created since shortly before the request was sent;
- a case view (`find_case_view`): the views of its project, for one with the same name and
  query, saved since shortly before the request was sent.
- a stored configuration (an automation rule, a notification rule, a maintenance window:
  `find_listed`): the list it joins, for one whose attributes equal those sent.

Each create names its finder in its declaration (`case_mcp.client._operation`). A match is
returned as the answer the create would have given, so the caller sees one object, made once.
No match is not proof that nothing was made (Datadog may still be processing the request, or
its search may lag), so the caller gets `UnknownOutcomeError` and must check.

The residual risk: an identical case (same title, type and project) or an identical comment
made by someone else within `CLOCK_SKEW` before the request is taken for the one requested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import httpx2

from case_mcp.client._paths import api_path

if TYPE_CHECKING:
    from case_mcp.client._operation import Finder, Read

__all__ = [
    "CLOCK_SKEW",
    "find_case",
    "find_case_view",
    "find_comment",
    "find_listed",
    "find_project",
]

CLOCK_SKEW: Final = timedelta(seconds=60)
"""How far Datadog's clock may be behind this host's: objects this much older still count."""

_NEWEST_CASES: Final = {
    "page[size]": "100",
    "page[number]": "1",
    "sort[field]": "created_at",
    "sort[asc]": "false",
}
_NEWEST_CELLS: Final = {"page[size]": "50", "sort[ascending]": "false"}


async def find_project(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The project a lost create made: same key and name (keys are unique)."""
    attributes = _get(body, "data", "attributes")
    if not isinstance(attributes, Mapping):
        return None
    key = str(attributes.get("key", "")).upper()
    for item in _items(await read(api_path("/api/v2/cases/projects"), {})):
        found = _get(item, "attributes") or {}
        if str(found.get("key", "")).upper() == key and found.get("name") == attributes.get("name"):
            return {"data": item}
    return None


async def find_case(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The case a lost create made: same title, case type and project, made since."""
    attributes = _get(body, "data", "attributes")
    if not isinstance(attributes, Mapping):
        return None
    since = sent_at - CLOCK_SKEW
    project_id = _get(body, "data", "relationships", "project", "data", "id")
    for item in _items(await read(api_path("/api/v2/cases"), _NEWEST_CASES)):
        found = _get(item, "attributes") or {}
        if (
            found.get("title") == attributes.get("title")
            and found.get("type_id") == attributes.get("type_id")
            and _get(item, "relationships", "project", "data", "id") == project_id
            and _created_since(found, since)
        ):
            return {"data": item}
    return None


async def find_comment(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The comment a lost create made: the same text on the case's timeline, made since."""
    attributes = _get(body, "data", "attributes")
    if not isinstance(attributes, Mapping):
        return None
    since = sent_at - CLOCK_SKEW
    timeline = api_path("/api/v2/cases/{case_id}/timelines", case_id=str(arguments["case_id"]))
    for cell in _items(await read(timeline, _NEWEST_CELLS)):
        found = _get(cell, "attributes") or {}
        if (
            found.get("type") == "COMMENT"
            and _get(found, "cell_content", "message") == attributes.get("comment")
            and _created_since(found, since)
        ):
            return {"data": [cell]}
    return None


async def find_case_view(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The view a lost create made: the same name and query in its project, saved since."""
    attributes = _get(body, "data", "attributes")
    if not isinstance(attributes, Mapping):
        return None
    since = sent_at - CLOCK_SKEW
    listed = await read(
        api_path("/api/v2/cases/views"), {"project_id": str(attributes.get("project_id"))}
    )
    for item in _items(listed):
        found = _get(item, "attributes") or {}
        if (
            found.get("name") == attributes.get("name")
            and found.get("query") == attributes.get("query")
            and _created_since(found, since)
        ):
            return {"data": item}
    return None


def find_listed(list_path: str, *matched: str) -> Finder:
    """The finder of a create whose object joins the list at `list_path`.

    What it made is the listed object whose `matched` attributes equal those sent (moments
    compared as moments, however written; an empty member, such as a trigger's ``"data":
    {}``, as no member). These objects carry no creation time, so an
    identical one made by someone else is taken for it: the residual risk above.

    Args:
        list_path: The path template of the list, with the create's path parameters.
        matched: The attributes that must be equal.
    """

    async def find(
        read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
    ) -> dict[str, Any] | None:
        sent = _get(body, "data", "attributes")
        if not isinstance(sent, Mapping):
            return None
        names = re.findall(r"\{(\w+)\}", list_path)
        path = api_path(list_path, **{name: str(arguments[name]) for name in names})
        for item in _items(await read(path, {})):
            found = _get(item, "attributes") or {}
            if all(_same(sent.get(name), found.get(name)) for name in matched):
                return {"data": item}
        return None

    return find


def _same(sent: Any, found: Any) -> bool:
    if isinstance(sent, str) and isinstance(found, str) and sent != found:
        try:
            return _aware(datetime.fromisoformat(sent)) == _aware(datetime.fromisoformat(found))
        except ValueError:
            return False
    return bool(_without_empty(sent) == _without_empty(found))


def _without_empty(value: Any) -> Any:
    if isinstance(value, Mapping):
        kept = {key: _without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, {}, [])}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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

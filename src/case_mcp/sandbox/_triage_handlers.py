"""The handlers of the triage operations: counts by group, and bulk changes (rules: `_triage`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _parse
from ._answer import answer
from ._errors import BadRequest
from ._store import Store
from ._triage import MAX_GROUPS

__all__ = ["TriageHandlers"]

# Datadog's documented default for a count's facet values is not published; ten is a page.
_COUNT_LIMIT = 10


def _strings(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequest(f'error decoding attribute "{name}": expected an array of strings')
    return value


class TriageHandlers:
    """The triage operations' handlers (mixed into `_case_handlers.Handlers`)."""

    store: Store
    actor_id: str

    async def aggregate_cases(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "aggregate"))
        query = _parse.string(attributes, "query_filter") or ""
        group_by = attributes.get("group_by")
        if not isinstance(group_by, dict):
            raise BadRequest(
                'missing required attribute "group_by": {"groups": ["status"], "limit": 10}'
            )
        groups = _strings(group_by.get("groups"), "groups")
        limit = group_by.get("limit")
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise BadRequest(f'"limit" must be an integer from 1 to {MAX_GROUPS}')
        total, rows = self.store.aggregate_cases(query=query, groups=groups, limit=limit)
        data = {
            "id": self.store.new_id(),
            "type": "aggregate",
            "attributes": {
                "total": total,
                "groups": [{"group": group, "value": [count]} for group, count in rows],
            },
        }
        return answer({"data": data})

    async def count_cases(self, request: Request) -> Response:
        params = request.query_params
        limit = _parse.int_query(
            params, "limit", default=_COUNT_LIMIT, minimum=1, maximum=MAX_GROUPS
        )
        fields = [name.strip() for name in params.get("group_bys", "").split(",") if name.strip()]
        counts = self.store.count_cases(
            query=params.get("query_filter", ""), group_bys=fields, limit=limit
        )
        groups = [
            {
                "group": field,
                "group_values": [{"value": value, "count": count} for value, count in values],
            }
            for field, values in counts
        ]
        data = {"id": self.store.new_id(), "type": "count", "attributes": {"groups": groups}}
        return answer({"data": data})

    async def bulk_update_cases(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "bulk"))
        case_ids = _strings(attributes.get("case_ids"), "case_ids")
        action = _parse.string(attributes, "type") or ""
        payload = _parse.mapping(attributes, "payload")
        if not all(isinstance(value, str) for value in payload.values()):
            raise BadRequest('error decoding attribute "payload": its values must be strings')
        self.store.bulk_update_cases(case_ids, action, payload, actor_id=self.actor_id)
        return Response(status_code=200)

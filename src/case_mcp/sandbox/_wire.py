"""Store records → the JSON documents Datadog sends (no rules here: only shapes).

Every shape follows the recorded traffic in ``shared/datadog/cassettes`` (the newest recordings
where they differ): which keys a document has, which appear only when set, and their order.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ._project_settings import DEFAULT_PROJECT_SETTINGS

__all__ = [
    "ORG_ID",
    "automation_rule_document",
    "case_document",
    "case_link_resource",
    "case_type_document",
    "case_user_ids",
    "case_view_document",
    "cases_document",
    "custom_attribute_config_document",
    "dumps",
    "maintenance_window_document",
    "notification_rule_document",
    "project_document",
    "timeline_cell_resource",
    "user_document",
    "users_document",
    "watchers_document",
]

Record = Mapping[str, Any]
Users = Mapping[str, Record]

# The sandbox organisation, named in user documents' `org` relationship.
ORG_ID: Final = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://case-mcp.invalid/sandbox/org"))


def dumps(document: Any) -> bytes:
    """JSON as Datadog writes it: compact, UTF-8."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def _active(user: Record) -> bool:
    return bool(user["status"] == "Active" and not user["disabled"])


def _user_included(user_id: str, users: Users) -> dict[str, Any]:
    user = users.get(user_id)
    if user is None:  # Datadog answers so for a user it no longer knows
        return {
            "id": user_id,
            "type": "user",
            "attributes": {"active": False, "email": "", "handle": "", "name": ""},
        }
    return {
        "id": user_id,
        "type": "user",
        "attributes": {
            "active": _active(user),
            "email": user["email"],
            "handle": user["handle"],
            "name": user["name"] or "",
        },
    }


def _author(user_id: str, users: Users) -> dict[str, Any]:
    attributes = _user_included(user_id, users)["attributes"]
    return {
        "type": "USER",
        "content": {
            "ID": user_id,
            "name": attributes["name"],
            "email": attributes["email"],
            "handle": attributes["handle"],
            "active": attributes["active"],
        },
    }


def _relationship(kind: str, object_id: str) -> dict[str, Any]:
    return {"data": {"id": object_id, "type": kind}}


def _case_users(case: Record) -> list[str]:
    """The users a case document refers to, in the order Datadog includes them."""
    ids = [case["created_by"], case["assignee_id"], case["modified_by"]]
    return [user_id for user_id in ids if user_id]


def _case_resource(case: Record, users: Users, *, with_author: bool) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    if case["archived_at"]:
        attributes["archived_at"] = case["archived_at"]
    attributes["attributes"] = dict(case["attributes"])
    if case["closed_at"]:
        attributes["closed_at"] = case["closed_at"]
    attributes["comment_count"] = case["comment_count"]
    attributes["created_at"] = case["created_at"]
    if with_author:  # search results carry the creator inline; single answers do not
        attributes["created_by_author"] = _author(case["created_by"], users)
    attributes.update(
        creation_source=case["creation_source"],
        custom_attributes=case["custom_attributes"],
        description=case["description"],
    )
    if case["due_date"]:
        attributes["due_date"] = case["due_date"]
    attributes.update(
        insights=case["insights"],
        internal_id=case["id"],
    )
    if case.get("jira_issue"):
        attributes["jira_issue"] = case["jira_issue"]
    attributes.update(key=case["key"], merge_status="NOT_MERGED")
    if case["modified_at"]:
        attributes["modified_at"] = case["modified_at"]
    attributes.update(priority=case["priority"], public_id=str(case["public_id"]))
    if case["security_resolved_reason"]:
        attributes["security_resolved_reason"] = case["security_resolved_reason"]
    if case.get("service_now_ticket"):
        attributes["service_now_ticket"] = case["service_now_ticket"]
    attributes.update(
        status=case["status"],
        status_group=case["status_group"],
        status_name=case["status_name"],
        title=case["title"],
        type=case["wire_type"],
        type_id=case["type_id"],
    )
    relationships: dict[str, Any] = {}
    if case["assignee_id"]:
        relationships["assignee"] = _relationship("user", case["assignee_id"])
    relationships["created_by"] = _relationship("user", case["created_by"])
    if case.get("incidents"):
        relationships["incidents"] = {
            "data": [{"id": incident, "type": "incidents"} for incident in case["incidents"]]
        }
    if case["modified_by"]:
        relationships["modified_by"] = _relationship("user", case["modified_by"])
    if case.get("notebook"):
        notebook = case["notebook"]
        relationships["notebook"] = {
            **_relationship("notebook", notebook["id"]),
            "links": {"related": notebook["url"]},
        }
    relationships["project"] = _relationship("project", case["project_id"])
    return {
        "id": case["id"],
        "type": "case",
        "attributes": attributes,
        "relationships": relationships,
    }


def _included(cases: Iterable[Record], users: Users) -> list[dict[str, Any]]:
    ids = dict.fromkeys(user_id for case in cases for user_id in _case_users(case))
    return [_user_included(user_id, users) for user_id in ids]


def case_user_ids(cases: Iterable[Record]) -> list[str]:
    """Every user id the documents of these cases refer to."""
    return [user_id for case in cases for user_id in _case_users(case)]


def case_document(case: Record, users: Users) -> dict[str, Any]:
    """A CaseResponse: one case and the users it refers to."""
    return {
        "data": _case_resource(case, users, with_author=False),
        "included": _included([case], users),
    }


def cases_document(
    cases: Sequence[Record], users: Users, *, total: int, page_number: int, page_size: int
) -> dict[str, Any]:
    """A CasesResponse: a page of search results, paging meta and the users they refer to."""
    return {
        "data": [_case_resource(case, users, with_author=True) for case in cases],
        "meta": {
            "total_cases": total,
            "page": {
                "current": page_number,
                "size": len(cases),
                "total": math.ceil(total / page_size),
            },
        },
        "included": _included(cases, users),
    }


def case_link_resource(link: Record) -> dict[str, Any]:
    """A CaseLink: a directional link between two entities."""
    return {
        "id": link["id"],
        "type": "link",
        "attributes": {
            "child_entity_id": link["child_entity_id"],
            "child_entity_type": link["child_entity_type"],
            "parent_entity_id": link["parent_entity_id"],
            "parent_entity_type": link["parent_entity_type"],
            "relationship": link["relationship"],
        },
    }


def timeline_cell_resource(cell: Record, users: Users) -> dict[str, Any]:
    """A TimelineCellResource; ``content`` repeats ``cell_content`` as a JSON string."""
    attributes: dict[str, Any] = {
        "author": _author(cell["author_id"], users),
        "cell_content": cell["content"],
        "content": json.dumps(cell["content"], separators=(",", ":"), ensure_ascii=False),
        "created_at": cell["created_at"],
    }
    if cell["deleted_at"]:
        attributes["deleted_at"] = cell["deleted_at"]
    if cell["modified_at"]:
        attributes["modified_at"] = cell["modified_at"]
    attributes["type"] = cell["type"]
    return {"id": cell["id"], "type": "timeline_cell", "attributes": attributes}


def project_document(project: Record) -> dict[str, Any]:
    """A project resource (without the {"data": ...} envelope)."""
    attributes: dict[str, Any] = {
        "key": project["key"],
        "name": project["name"],
        "restricted": project["restricted"],
        "settings": project.get("settings") or DEFAULT_PROJECT_SETTINGS,
    }
    # Shown once set, as the official client's ProjectAttributes names them.
    for name in ("columns_config", "enabled_custom_case_types"):
        if project.get(name) is not None:
            attributes[name] = project[name]
    return {"id": project["id"], "type": "project", "attributes": attributes}


def case_view_document(view: Record) -> dict[str, Any]:
    """A case view resource (without the {"data": ...} envelope), as the official client's
    CaseView reads it; ``modified_at``, ``np_rule_id`` and ``modified_by`` once set."""
    attributes: dict[str, Any] = {"created_at": view["created_at"]}
    if view["modified_at"]:
        attributes["modified_at"] = view["modified_at"]
    attributes["name"] = view["name"]
    if view["np_rule_id"]:
        attributes["np_rule_id"] = view["np_rule_id"]
    attributes["query"] = view["query"]
    relationships: dict[str, Any] = {"created_by": _user_link(view["created_by"])}
    if view["modified_by"]:
        relationships["modified_by"] = _user_link(view["modified_by"])
    relationships["project"] = {"data": {"id": view["project_id"], "type": "project"}}
    return {
        "id": view["id"],
        "type": "view",
        "attributes": attributes,
        "relationships": relationships,
    }


def _user_link(user_id: str) -> dict[str, Any]:
    return {"data": {"id": user_id, "type": "user"}}


def case_type_document(case_type: Record) -> dict[str, Any]:
    """A case type resource; ``deleted_at`` only on deleted types."""
    attributes: dict[str, Any] = {}
    if case_type["deleted_at"]:
        attributes["deleted_at"] = case_type["deleted_at"]
    attributes.update(
        description=case_type["description"],
        emoji=case_type["emoji"],
        internal=case_type["internal"],
        name=case_type["name"],
        statuses_config=case_type["statuses_config"],
    )
    return {"id": case_type["id"], "type": "case_type", "attributes": attributes}


def custom_attribute_config_document(config: Record) -> dict[str, Any]:
    """A custom attribute config resource; SELECT ones carry their options in ``type_data``."""
    attributes: dict[str, Any] = {
        "case_type": config["wire_type"],
        "case_type_id": config["case_type_id"],
    }
    if config["description"] is not None:
        attributes["description"] = config["description"]
    attributes.update(
        display_name=config["display_name"],
        is_multi=config["is_multi"],
        key=config["key"],
        type=config["type"],
    )
    if config["options"] is not None:
        attributes["type_data"] = {"options": [{"value": value} for value in config["options"]]}
    return {"id": config["id"], "type": "custom_attribute", "attributes": attributes}


def _offset_time(stored: str) -> str:
    """The users API writes times as ``...+00:00`` where the cases API writes ``...Z``."""
    return stored.removesuffix("Z") + "+00:00"


def user_document(user: Record) -> dict[str, Any]:
    """A user resource of the users API (type ``users``)."""
    digest = hashlib.md5(user["email"].encode(), usedforsecurity=False).hexdigest()
    return {
        "type": "users",
        "id": user["id"],
        "attributes": {
            "name": user["name"],
            "handle": user["handle"],
            "created_at": _offset_time(user["created_at"]),
            "modified_at": _offset_time(user["modified_at"]),
            "email": user["email"],
            "icon": f"https://secure.gravatar.com/avatar/{digest}?s=48&d=retro",
            "title": user["title"],
            "verified": user["status"] != "Pending",
            "service_account": user["service_account"],
            "disabled": user["disabled"],
            "allowed_login_methods": [],
            "status": user["status"],
            "last_login_time": None,
        },
        "relationships": {
            "roles": {"data": []},
            "org": {"data": {"type": "orgs", "id": ORG_ID}},
        },
    }


def users_document(users: Sequence[Record], *, total_count: int, filtered: int) -> dict[str, Any]:
    """A UsersResponse: a page of users and the org's user counts."""
    return {
        "data": [user_document(user) for user in users],
        "included": [],
        "meta": {"page": {"total_count": total_count, "total_filtered_count": filtered}},
    }


def watchers_document(user_ids: Sequence[str]) -> dict[str, Any]:
    """A CaseWatchersResponse: each watcher named by its user (its id is the user's)."""
    return {
        "data": [
            {
                "id": user_id,
                "type": "watcher",
                "relationships": {"user": {"data": {"id": user_id, "type": "users"}}},
            }
            for user_id in user_ids
        ]
    }


def automation_rule_document(rule: Record) -> dict[str, Any]:
    """An automation rule resource: who made and last changed it are relationships."""
    attributes = rule["attributes"]
    return {
        "id": rule["id"],
        "type": "rule",
        "attributes": {
            "action": attributes["action"],
            "created_at": rule["created_at"],
            "modified_at": rule["modified_at"],
            "name": attributes["name"],
            "state": attributes["state"],
            "trigger": attributes["trigger"],
        },
        "relationships": {
            "created_by": {"data": {"id": rule["created_by"], "type": "users"}},
            "modified_by": {"data": {"id": rule["modified_by"], "type": "users"}},
        },
    }


def notification_rule_document(rule: Record) -> dict[str, Any]:
    """A notification rule resource."""
    attributes = rule["attributes"]
    return {
        "id": rule["id"],
        "type": "notification_rule",
        "attributes": {
            "is_enabled": attributes["is_enabled"],
            "query": attributes["query"],
            "recipients": attributes["recipients"],
            "triggers": attributes["triggers"],
        },
    }


def maintenance_window_document(window: Record) -> dict[str, Any]:
    """A maintenance window resource: who made and last changed it are user ids."""
    attributes = window["attributes"]
    return {
        "id": window["id"],
        "type": "maintenance_window",
        "attributes": {
            "created_by": window["created_by"],
            "end_at": attributes["end_at"],
            "name": attributes["name"],
            "query": attributes["query"],
            "start_at": attributes["start_at"],
            "updated_by": window["modified_by"],
        },
    }

"""The rules of links and integrations that need no state: the official client's enums, and
the forms of a Jira issue URL and a ServiceNow instance name.

The enums are those Datadog's official client documents for `CaseLinkAttributes`; Datadog
serves them as plain strings, so the sandbox checks them itself and names the accepted values.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from ._errors import BadRequest

__all__ = [
    "ENTITY_TYPES",
    "JIRA_SITE",
    "RELATIONSHIPS",
    "check_entity_type",
    "check_instance_name",
    "check_relationship",
    "jira_issue_of_url",
]

RELATIONSHIPS: Final = (
    "RELATES_TO",
    "CAUSES",
    "BLOCKS",
    "DUPLICATES",
    "PARENT_OF",
    "SUCCESSOR_OF",
    "ESCALATES_TO",
)
ENTITY_TYPES: Final = ("CASE", "INCIDENT", "PAGE", "AGENT_CONVERSATION")

JIRA_SITE: Final = "https://demo-org.atlassian.net"
"""The Jira Cloud site of the demo organisation, where the issues the sandbox creates live."""

# A Jira issue key: the project key (a letter, then letters, digits or underscores), a number.
_ISSUE_KEY: Final = re.compile(r"^([A-Z][A-Z0-9_]{0,254})-([1-9][0-9]{0,17})$")
_BROWSE: Final = "/browse/"
# ServiceNow instance names are the first label of <name>.service-now.com.
_INSTANCE: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def check_relationship(relationship: str) -> str:
    """A link's relationship, one of `RELATIONSHIPS`."""
    if relationship not in RELATIONSHIPS:
        raise BadRequest(f"relationship {relationship!r} is not one of {', '.join(RELATIONSHIPS)}")
    return relationship


def check_entity_type(entity_type: str, name: str) -> str:
    """A link end's type, one of `ENTITY_TYPES`; `name` is the field, for the message."""
    if entity_type not in ENTITY_TYPES:
        raise BadRequest(f"{name} {entity_type!r} is not one of {', '.join(ENTITY_TYPES)}")
    return entity_type


def check_instance_name(instance_name: str) -> str:
    """A ServiceNow instance name: the ``acme`` of ``https://acme.service-now.com``."""
    if not _INSTANCE.match(instance_name):
        raise BadRequest(
            f"instance_name {instance_name!r} is not a ServiceNow instance name: give the "
            "first part of the instance's host name (acme for https://acme.service-now.com), "
            "letters, digits and hyphens"
        )
    return instance_name.lower()


def jira_issue_of_url(url: str) -> dict[str, str]:
    """The issue an issue URL points to: ``{"issue_key", "issue_url", "project_key"}``.

    Raises:
        BadRequest: Not an http(s) URL of a Jira issue, ``https://<site>/browse/<KEY-123>``;
            the detail says which part is wrong.
    """
    expected = "expected https://<your-site>.atlassian.net/browse/<PROJECT-123>"
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        raise BadRequest(f"jira_issue_url is not a URL; {expected}") from None
    if parts.scheme not in ("https", "http"):
        raise BadRequest(f"jira_issue_url must start with https://; {expected}")
    if not host:
        raise BadRequest(f"jira_issue_url has no host name; {expected}")
    if not parts.path.startswith(_BROWSE):
        raise BadRequest(f"jira_issue_url is not the address of a Jira issue; {expected}")
    key = parts.path[len(_BROWSE) :].rstrip("/")
    found = _ISSUE_KEY.match(key)
    if found is None:
        raise BadRequest(
            f"jira_issue_url names {key!r}, which is not a Jira issue key such as PROJ-123; "
            f"{expected}"
        )
    return {
        "issue_key": key,
        "issue_url": f"{parts.scheme}://{parts.netloc}{_BROWSE}{key}",
        "project_key": found.group(1),
    }

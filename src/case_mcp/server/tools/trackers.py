"""What tracks a case elsewhere: its Jira issue, ServiceNow ticket and investigation notebook.

Linking an existing Jira issue is everyday work and sits in the `cases` toolset, as in
Datadog's hosted server; creating issues, tickets and notebooks, and removing a Jira link, is
the opt-in `integrations` toolset. Datadog makes Jira issues and ServiceNow tickets in the
background: each tool answers with the case, whose jira_issue or servicenow_ticket is the
address once made, or says that it is being created.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import ConflictError
from case_mcp.server._errors import Creation
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import LINE_LENGTH, identifier, quoted
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._render import result
from case_mcp.server.tools._trackers import tracker
from case_mcp.server.tools._views import CaseView, View, absent, case_view
from case_mcp.server.tools.cases import CaseId, case_not_found

Changed = Annotated[CallToolResult, CaseView]


def _jira_id(description: str) -> Any:
    return Field(min_length=1, max_length=100, pattern=r"^\S+$", description=description)


# https://<site>/browse/<PROJECT-123>: what Datadog accepts as an existing issue's address.
JIRA_ISSUE_URL: Final = r"^https?://[^/\s]+/browse/[A-Z][A-Z0-9_]*-[1-9][0-9]*/?$"


async def _case_after(state: ServerState, case_id: str) -> CallToolResult:
    return result(await case_view(await state.client.get_case(case_id), state.lookup))


async def link_jira_issue(
    case_id: CaseId,
    jira_issue_url: Annotated[
        str,
        Field(
            max_length=2000,
            pattern=JIRA_ISSUE_URL,
            description="The issue's address: https://<site>/browse/<KEY-123>.",
        ),
    ],
    state: State,
) -> Changed:
    """Link an existing Jira issue to a case by its URL, in place of the case's current one.

    Use this tool when the fix or follow-up of a case is tracked in Jira.
    Example: {"case_id": "OPS-24", "jira_issue_url": "https://demo-org.atlassian.net/browse/OPS-214"}
    """
    case = await state.client.get_case(case_id)
    try:
        await state.client.link_jira_issue_to_case(case.id, jira_issue_url)
    except ConflictError:
        # Datadog refuses an issue linked already: to this case, that is what was asked.
        linked = tracker((await state.client.get_case(case.id)).attributes.jira_issue)
        if linked != jira_issue_url.rstrip("/"):
            raise
    return await _case_after(state, case.id)


async def create_case_jira_issue(
    case_id: CaseId,
    jira_account_id: Annotated[str, _jira_id("Datadog's Jira account id.")],
    project_id: Annotated[str, _jira_id("The Jira project's id.")],
    issue_type_id: Annotated[str, _jira_id("The Jira issue type's id.")],
    state: State,
) -> Changed:
    """Create a Jira issue for a case through Datadog's Jira integration.

    Use this tool when the work of a case should be tracked in a new Jira issue.
    Example: {"case_id": "SEC-13", "jira_account_id": "1", "project_id": "2", "issue_type_id": "3"}
    """
    case = await state.client.get_case(case_id)
    await state.client.create_case_jira_issue(case.id, jira_account_id, project_id, issue_type_id)
    return await _case_after(state, case.id)


async def create_case_servicenow_ticket(
    case_id: CaseId,
    instance_name: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$",
            description="The ServiceNow instance: acme for acme.service-now.com.",
        ),
    ],
    state: State,
    assignment_group: Annotated[
        str | None, Field(min_length=1, max_length=200, description="The group to assign.")
    ] = None,
) -> Changed:
    """Create a ServiceNow ticket for a case through Datadog's ServiceNow integration.

    Use this tool when a case needs a ServiceNow incident or change ticket.
    Example: {"case_id": "OPS-30", "instance_name": "demo-org", "assignment_group": "SRE"}
    """
    case = await state.client.get_case(case_id)
    await state.client.create_case_service_now_ticket(case.id, instance_name, assignment_group)
    return await _case_after(state, case.id)


async def create_case_notebook(case_id: CaseId, state: State) -> Changed:
    """Open an investigation notebook for a case; the case shows its URL.

    Use this tool to start collecting graphs and queries for an investigation.
    Example: {"case_id": "OPS-31"}
    """
    case = await state.client.get_case(case_id)
    await state.client.create_case_notebook(case.id)
    return await _case_after(state, case.id)


class JiraLinkLoss(View):
    """What removing a case's Jira link loses: which case no longer names which issue."""

    case: str
    title: str | None = absent()
    jira_issue: str


class JiraLinkDeletion(Deletion[JiraLinkLoss]):
    """What delete_case_jira_link did: removed or not, why, and the link at stake."""


async def _read_jira_loss(case_id: str, state: State) -> Loss[JiraLinkLoss]:
    case = await state.client.get_case(case_id)
    key = case.attributes.key or case.id
    issue = case.attributes.jira_issue
    shown = tracker(issue)
    if issue is None or shown is None:
        raise ToolError(f"Case {key} has no Jira issue; nothing was removed.")
    title = case.attributes.title
    return Loss(
        tool="delete_case_jira_link",
        target=f"jira_issue:{case.id}",
        key=key,
        subject=f"The Jira link of case {key}",
        question=f"Remove the link between case {identifier(key)} {quoted(title or '')} and "
        f"the Jira issue {quoted(shown, LINE_LENGTH)}?\nThe issue stays in Jira. To confirm, "
        f"type the case key: {identifier(key)}",
        preview=JiraLinkLoss(case=key, title=title, jira_issue=shown),
        facts={
            "case": case.id,
            "key": key,
            "title": title,
            "jira_issue": issue.model_dump(mode="json"),
        },
        audit_target={"case": key},
    )


async def _unlink_jira(state: ServerState, loss: Loss[JiraLinkLoss]) -> str:
    await state.client.unlink_jira_issue(loss.facts["case"])
    return (
        f"Deleted the link of case {loss.key} to the Jira issue {loss.preview.jira_issue}; "
        "the issue stays in Jira."
    )


_DELETE: Final = ConfirmedDelete(
    _read_jira_loss, _unlink_jira, outcome=JiraLinkDeletion, not_found=case_not_found
)


async def delete_case_jira_link(
    case_id: CaseId,
    ctx: ToolContext,
    loss: Annotated[Loss[JiraLinkLoss], Resolve(_DELETE.read)],
    answer: Annotated[Answer, Resolve(_DELETE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, JiraLinkDeletion]:
    """Remove a case's Jira issue link (the issue stays in Jira), once a person confirms.

    Use this tool when the wrong issue was linked. The user types the case key; or the first
    call returns a preview and a confirmation_token.
    Example: {"case_id": "SEC-9"}
    """
    return await _DELETE.settle(
        ctx, loss, answer, case_id=case_id, confirmation_token=confirmation_token
    )


def _created(what: str, tool: str) -> Creation:
    return Creation(what, "get_case on that case", tool)


def _conflict(what: str) -> str:
    return f"The case already has {what}; get_case shows it."


TOOLS = [
    ToolSpec(
        "link_jira_issue",
        "Link a Jira issue to a case",
        "cases",
        "idempotent_write",
        link_jira_issue,
        not_found=case_not_found,
        conflict="That Jira issue is linked to another case; a Jira issue tracks one case.",
    ),
    ToolSpec(
        "create_case_jira_issue",
        "Create a Jira issue for a case",
        "integrations",
        "write",
        create_case_jira_issue,
        not_found=case_not_found,
        created=_created("the Jira issue", "create_case_jira_issue"),
        conflict=_conflict("a Jira issue"),
    ),
    ToolSpec(
        "create_case_servicenow_ticket",
        "Create a ServiceNow ticket for a case",
        "integrations",
        "write",
        create_case_servicenow_ticket,
        not_found=case_not_found,
        created=_created("the ServiceNow ticket", "create_case_servicenow_ticket"),
        conflict=_conflict("a ServiceNow ticket"),
    ),
    ToolSpec(
        "create_case_notebook",
        "Open a notebook for a case",
        "integrations",
        "write",
        create_case_notebook,
        not_found=case_not_found,
        created=_created("the notebook", "create_case_notebook"),
        conflict=_conflict("a notebook"),
    ),
    ToolSpec(
        "delete_case_jira_link",
        "Remove a case's Jira link",
        "integrations",
        "destructive",
        delete_case_jira_link,
        view=PREVIEW_VIEW,
    ),
]

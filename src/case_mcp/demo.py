"""`case-mcp demo`: the Case Management client at work on the embedded sandbox.

A newcomer's first contact: it needs no Datadog account and sends nothing anywhere, yet every
line it prints came through the real client, over HTTP semantics, from the sandbox's answers.
"""

from __future__ import annotations

from typing import TextIO

from case_mcp.client import CaseManagementClient
from case_mcp.models import Case, TimelineCell
from case_mcp.sandbox import Sandbox

# The in-process transport never opens a socket; the host only has to be a valid URL.
SANDBOX_BASE_URL = "http://sandbox.invalid"


async def run_demo(out: TextIO) -> None:
    """Print a short tour: projects, a search, a new case taken to closed, its timeline."""
    with Sandbox() as sandbox:
        async with CaseManagementClient(
            base_url=SANDBOX_BASE_URL,
            api_key="sandbox",
            app_key="sandbox",
            transport=sandbox.transport(),
        ) as client:
            await _tour(client, out)


async def _tour(client: CaseManagementClient, out: TextIO) -> None:
    def say(line: str = "") -> None:
        print(line, file=out)

    say("case_mcp demo: the Datadog Case Management client on the embedded sandbox")
    say("(an in-process emulator of the Datadog API with a demo organisation; nothing leaves")
    say("this machine)")

    projects = await client.get_projects()
    say()
    say(f"Projects ({len(projects)}):")
    for project in sorted(projects, key=lambda project: project.attributes.key or ""):
        say(f"  {project.attributes.key:<6} {project.attributes.name}")

    query = "status:open"
    page = await client.search_cases(query, page_size=5, sort_field="priority")
    say()
    say(f'Search "{query}", most urgent first ({page.total} match; first {len(page.cases)}):')
    for case in page.cases:
        say("  " + _case_line(case))

    operations = next(p for p in projects if p.attributes.key == "OPS")
    responder = next(
        user
        for user in (await client.list_users(page_size=20)).users
        if user.attributes.status == "Active" and not user.attributes.service_account
    )
    case = await client.create_case(
        "Disk usage above 90% on kafka-broker-3",
        type_id="00000000-0000-0000-0000-000000000001",
        project_id=operations.id,
        priority="P2",
        description="Broker log retention grew after the topic config change.",
    )
    await client.assign_case(case.id, responder.id)
    await client.update_status(case.id, status="IN_PROGRESS")
    await client.comment_case(case.id, "Lowered retention on orders.v2 to 3 days; usage at 71%.")
    case = await client.update_status(case.id, status="CLOSED")
    say()
    say(f"Opened {case.key}, assigned it to {responder.attributes.name}, commented, closed it:")
    say("  " + _case_line(case))

    say()
    say(f"Timeline of {case.key}, oldest first:")
    for cell in await client.list_case_timeline(case.id, sort_ascending=True):
        say("  " + _cell_line(cell))


def _case_line(case: Case) -> str:
    attributes = case.attributes
    assignee = case.assignee.name if case.assignee and case.assignee.name else "unassigned"
    status = attributes.status_name or attributes.status or ""
    title = _clip(attributes.title or "", 52)
    return f"{attributes.key:<8} {attributes.priority:<11} {status:<12} {title:<52}  {assignee}"


def _cell_line(cell: TimelineCell) -> str:
    attributes = cell.attributes
    author = (
        attributes.author.content.name if attributes.author and attributes.author.content else ""
    )
    when = attributes.created_at.strftime("%Y-%m-%d %H:%M") if attributes.created_at else ""
    content = attributes.cell_content
    if content is not None and content.message is not None:
        detail = f'"{_clip(content.message, 60)}"'
    else:
        # The sandbox's change cells: {"field", "from", "to"}, users and projects as objects.
        change = content.model_extra if content is not None and content.model_extra else {}
        old, new = _label(change.get("from")), _label(change.get("to"))
        detail = (
            f"{change.get('field')}: {old} -> {new}" if old else f"{change.get('field')}: {new}"
        )
    return f"{when}  {attributes.type:<20} {author:<18} {_clip(detail, 70)}"


def _label(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("key") or value.get("title") or "")
    return "" if value is None else str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

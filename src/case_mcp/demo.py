"""`case-mcp demo`: an assistant's tool calls, made against the embedded sandbox.

A newcomer's first contact: it needs no Datadog account and sends nothing anywhere, yet every
line it prints came through the real path an assistant uses. An MCP client calls the server's
tools in memory, the server calls Datadog's API through the real client, and the sandbox
answers as Datadog would.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, TextIO

import httpx2
from mcp import Client

from case_mcp.sandbox import Sandbox
from case_mcp.server import SANDBOX_BASE_URL, create_server, sandbox_client_factory

_WIDTH = 100


class DemoError(RuntimeError):
    """A tool call of the walkthrough failed where it should have succeeded."""


async def run_demo(out: TextIO) -> None:
    """Print a short tour: the tools, projects, a search, a case, a new case closed, errors."""
    with Sandbox(rate_limit=None) as sandbox:
        async with Client(create_server(sandbox_client_factory(sandbox))) as client:
            await _Tour(client, sandbox, out).run()


class _Tour:
    def __init__(self, client: Client, sandbox: Sandbox, out: TextIO) -> None:
        self.client = client
        self.sandbox = sandbox
        self.out = out

    async def raw_case(self, key: str) -> str:
        """Datadog's own JSON for the case, as the sandbox serves it."""
        async with httpx2.AsyncClient(
            base_url=SANDBOX_BASE_URL,
            transport=self.sandbox.transport(),
            headers={"DD-API-KEY": "sandbox", "DD-APPLICATION-KEY": "sandbox"},
        ) as http:
            return (await http.get(f"/api/v2/cases/{key}")).text

    def say(self, line: str = "") -> None:
        self.out.write(line + "\n")

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.say()
        self.say(f"> {tool} {json.dumps(arguments, ensure_ascii=False)}")
        answer = await self.client.call_tool(tool, arguments)
        data = answer.structured_content
        if answer.is_error or not isinstance(data, dict):
            raise DemoError(f"{tool} failed: {_text(answer.content)}")
        return data

    async def run(self) -> None:
        self.say("case_mcp demo: the calls an AI assistant makes, answered by the case-mcp server")
        self.say("(an MCP client in this process, the server, and the embedded sandbox: an")
        self.say(
            "emulator of the Datadog API with a demo organisation; nothing leaves this machine)"
        )

        tools = (await self.client.list_tools()).tools
        changing = [tool.name for tool in tools if not _hint(tool, "read_only_hint")]
        deleting = [tool.name for tool in tools if _hint(tool, "destructive_hint")]
        self.say()
        summary = (
            f"The server offers {len(tools)} tools; {len(changing)} change data, and "
            f"{len(deleting)} of those delete: {', '.join(deleting)}."
        )
        for line in textwrap.wrap(summary, _WIDTH):
            self.say(line)

        projects = await self.call("list_projects", {})
        for project in projects["projects"]:
            self.say(f"  {project['key']:<5} {project['name']}")

        found = await self.call(
            "search_cases", {"status": "open", "sort": "priority", "page_size": 5}
        )
        self.say(
            f"  {found['total']} open cases, most urgent first; the first {len(found['cases'])}:"
        )
        for case in found["cases"]:
            self.say("  " + _case_line(case))

        key = found["cases"][0]["key"]
        self.say()
        self.say(f"> get_case {json.dumps({'case_id': key})}")
        answer = await self.client.call_tool("get_case", {"case_id": key})
        text = _text(answer.content)
        raw = await self.raw_case(key)
        self.say(
            f"  The model reads one flat line of JSON: {len(text)} characters, where Datadog's "
            f"own answer is {len(raw)}."
        )
        for line in textwrap.wrap(text, _WIDTH - 4, break_on_hyphens=False):
            self.say("    " + line)

        people = await self.call("find_users", {"query": "maya"})
        maya = people["users"][0]
        self.say(f"  {maya['name']} <{maya['email']}>")

        created = await self.call(
            "create_case",
            {
                "title": "Disk usage above 90% on kafka-broker-3",
                "project": "OPS",
                "priority": "P2",
                "description": "Broker log retention grew after the topic config change.",
                "assignee": maya["email"],
            },
        )
        new_key = created["key"]
        self.say("  " + _case_line(created))

        await self.call("update_case_status", {"case_id": new_key, "status": "IN_PROGRESS"})
        comment = await self.call(
            "add_case_comment",
            {"case_id": new_key, "comment": "Lowered retention on orders.v2 to 3 days; usage 71%."},
        )
        self.say(f"  comment {comment['id']}")
        closed = await self.call("update_case_status", {"case_id": new_key, "status": "CLOSED"})
        self.say("  " + _case_line(closed))

        timeline = await self.call("get_case_timeline", {"case_id": new_key})
        for entry in timeline["entries"]:
            self.say("  " + _entry_line(entry))

        self.say()
        self.say('> get_case {"case_id": "OPS-999"}')
        missing = await self.client.call_tool("get_case", {"case_id": "OPS-999"})
        self.say(f"  error the model gets: {_text(missing.content)}")

        self.say()
        self.say("Connect your assistant: `case-mcp serve --sandbox` (or `case-mcp serve` with")
        self.say("DD_API_KEY, DD_APP_KEY and DD_SITE set); the README shows each client's config.")


def _hint(tool: Any, name: str) -> bool:
    return bool(getattr(tool.annotations, name, False))


def _text(content: Any) -> str:
    return "".join(getattr(block, "text", "") for block in content)


def _case_line(case: dict[str, Any]) -> str:
    assignee = case.get("assignee") or "unassigned"
    if isinstance(assignee, dict):
        assignee = assignee.get("name") or assignee.get("email") or "assigned"
    status = case.get("status_name") or case.get("status") or ""
    title = _clip(case.get("title") or "", 50)
    return f"{case['key']:<8} {case.get('priority', ''):<4} {status:<12} {title:<50}  {assignee}"


def _entry_line(entry: dict[str, Any]) -> str:
    when = str(entry.get("created_at", ""))[:16].replace("T", " ")
    author = entry.get("author") or ""
    if isinstance(author, dict):
        author = author.get("name") or ""
    if "message" in entry:
        detail = f'"{_clip(entry["message"], 56)}"'
    else:
        change = entry.get("change") or {}
        old, new = _label(change.get("from")), _label(change.get("to"))
        detail = f"{change.get('field')}: {old + ' -> ' if old else ''}{new}"
    return f"{when}  {entry.get('type', ''):<18} {_clip(str(author), 18):<18} {_clip(detail, 60)}"


def _label(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("key") or value.get("title") or "")
    return "" if value is None else str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

"""The comments toolset: get_case_timeline, add_case_comment, delete_case_comment."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio


def text_of(answer: Any) -> str:
    return str(answer.content[0].text)


async def timeline(mcp: Client, **arguments: Any) -> dict[str, Any]:
    answer = await mcp.call_tool("get_case_timeline", arguments)
    assert not answer.is_error, text_of(answer)
    content: dict[str, Any] | None = answer.structured_content
    assert content is not None
    return content


async def test_the_timeline_holds_comments_and_changes_newest_first(mcp: Client) -> None:
    """Comments keep their id and text, changes their from/to; the opening comes last."""
    page = await timeline(mcp, case_id="SEC-1", page_size=100)

    entries = page["entries"]
    times = [entry["created_at"] for entry in entries]
    assert times == sorted(times, reverse=True)
    assert entries[-1]["type"] == "CASE_CREATED"
    comment = next(entry for entry in entries if entry["type"] == "COMMENT")
    assert set(comment) == {"id", "type", "author", "created_at", "message"}
    change = next(entry for entry in entries if entry["type"] == "STATUS_CHANGE")
    assert set(change) == {"type", "author", "created_at", "change"}
    assert page["has_more"] is False
    assert "next_page" not in page


async def test_a_full_timeline_page_says_older_entries_may_follow(mcp: Client) -> None:
    """A page as long as page_size says has_more and names the next page."""
    page = await timeline(mcp, case_id="SEC-1", page_size=3)

    assert {key: page[key] for key in ("case", "page", "page_size", "has_more", "next_page")} == {
        "case": "SEC-1",
        "page": 1,
        "page_size": 3,
        "has_more": True,
        "next_page": 2,
    }
    assert len(page["entries"]) == 3


async def test_the_next_timeline_page_holds_the_older_entries(mcp: Client) -> None:
    """Page 2 continues where page 1 stopped, further back in time."""
    first = await timeline(mcp, case_id="SEC-1", page_size=3)
    second = await timeline(mcp, case_id="SEC-1", page_size=3, page=2)

    assert second["entries"] != first["entries"]
    assert second["entries"][0]["created_at"] <= first["entries"][-1]["created_at"]


async def test_the_timeline_of_an_unknown_case_says_it_was_not_found(mcp: Client) -> None:
    """A bad key is a tool error naming the key and search_cases."""
    answer = await mcp.call_tool("get_case_timeline", {"case_id": "SEC-9999"})

    assert answer.is_error
    assert "'SEC-9999' was not found" in text_of(answer)
    assert "search_cases" in text_of(answer)


async def test_a_timeline_page_size_out_of_bounds_is_refused(mcp: Client) -> None:
    """page_size above 100 is refused before any call, with the bound."""
    answer = await mcp.call_tool("get_case_timeline", {"case_id": "SEC-1", "page_size": 500})

    assert answer.is_error
    assert "page_size is too large: it takes a whole number from 1 to 100." in text_of(answer)


async def test_a_page_that_is_not_a_number_is_refused(mcp: Client) -> None:
    """A wrong-typed page is a validation error, not a crash."""
    answer = await mcp.call_tool("get_case_timeline", {"case_id": "SEC-1", "page": "last"})

    assert answer.is_error
    assert "page has the wrong type: it takes a whole number from 1 to 10000." in text_of(answer)


async def test_a_new_comment_returns_its_id_and_lands_on_the_timeline(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The answer carries the new comment's id, and the sandbox holds the comment."""
    answer = await mcp.call_tool(
        "add_case_comment", {"case_id": "OPS-3", "comment": "Rolled back; error rate normal."}
    )

    assert not answer.is_error, text_of(answer)
    comment = answer.structured_content
    assert comment is not None
    newest = sandbox.store.list_case_timeline("OPS-3", page_size=1)[0]
    assert comment["id"] == newest["id"]
    assert newest["content"] == {"message": "Rolled back; error rate normal."}
    assert comment["case"] == "OPS-3"
    assert comment["author"]["email"] == "case-mcp-sandbox@demo-org.example"


async def test_commenting_on_an_unknown_case_says_it_was_not_found(mcp: Client) -> None:
    """A bad key is a tool error naming the key."""
    answer = await mcp.call_tool("add_case_comment", {"case_id": "NOPE-1", "comment": "hi"})

    assert answer.is_error
    assert "'NOPE-1' was not found" in text_of(answer)


async def test_a_blank_comment_is_refused_and_posts_nothing(mcp: Client, sandbox: Sandbox) -> None:
    """Whitespace alone is not a comment; nothing reaches the case."""
    before = sandbox.store.get_case("OPS-3")["comment_count"]

    answer = await mcp.call_tool("add_case_comment", {"case_id": "OPS-3", "comment": "  \n "})

    assert answer.is_error
    assert "blank" in text_of(answer)
    assert sandbox.store.get_case("OPS-3")["comment_count"] == before


async def test_a_comment_that_is_not_text_is_refused(mcp: Client) -> None:
    """A number where text belongs is a validation error."""
    answer = await mcp.call_tool("add_case_comment", {"case_id": "OPS-3", "comment": 42})

    assert answer.is_error
    assert "comment has the wrong type: it takes a string of 1 to 20000" in text_of(answer)


async def test_deleting_a_comment_removes_it_from_the_timeline(
    token_mcp: Client, sandbox: Sandbox
) -> None:
    """The outcome names the comment; the timeline no longer shows it."""
    added = await token_mcp.call_tool("add_case_comment", {"case_id": "APP-2", "comment": "oops"})
    assert added.structured_content is not None
    comment_id = added.structured_content["id"]

    arguments = {"case_id": "APP-2", "comment_id": comment_id}
    preview = await token_mcp.call_tool("delete_case_comment", arguments)
    assert preview.structured_content is not None
    token = preview.structured_content["confirmation_token"]

    answer = await token_mcp.call_tool(
        "delete_case_comment", {**arguments, "confirmation_token": token}
    )

    assert answer.structured_content is not None
    assert answer.structured_content["message"] == (
        f"Deleted comment {comment_id} from case APP-2."
    )
    remaining = await timeline(token_mcp, case_id="APP-2", page_size=100)
    assert comment_id not in {entry.get("id") for entry in remaining["entries"]}
    assert comment_id not in {
        cell["id"] for cell in sandbox.store.list_case_timeline("APP-2", page_size=100)
    }


async def test_deleting_an_unknown_comment_says_it_was_not_found(mcp: Client) -> None:
    """A comment id the case does not have is a not-found error naming get_case_timeline."""
    answer = await mcp.call_tool(
        "delete_case_comment",
        {"case_id": "APP-2", "comment_id": "00000000-0000-4000-8000-000000000000"},
    )

    assert answer.is_error
    assert "was not found" in text_of(answer)
    assert "get_case_timeline" in text_of(answer)


async def test_a_comment_id_that_is_not_a_uuid_is_refused(mcp: Client) -> None:
    """Comment ids are UUIDs; anything else is refused before any call."""
    answer = await mcp.call_tool("delete_case_comment", {"case_id": "APP-2", "comment_id": "12"})

    assert answer.is_error
    assert (
        "comment_id is not in the form required: it takes a string matching ^[0-9a-fA-F]{8}-"
        in (text_of(answer))
    )

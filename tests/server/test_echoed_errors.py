"""What Datadog's error answers echo reaches the model only when it is a name case-mcp knows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.types import CallToolResult

from case_mcp.client import CaseManagementClient
from case_mcp.server import create_server
from fake_datadog import API_KEY, APP_KEY, BASE_URL, FakeDatadog

pytestmark = pytest.mark.anyio

# The keys as an upstream that echoes them would write them where Datadog writes a name: as
# they came, as an enum value (upper case), as a Go parameter name and as a type name.
ECHOES = (
    API_KEY,
    APP_KEY,
    API_KEY.upper().replace("-", "_"),
    APP_KEY.replace("-", ""),
    API_KEY.replace("-", "_").translate(str.maketrans("0123456789", "ghijklmnop")),
)


def bad_request(detail: str = "", **error: Any) -> dict[str, Any]:
    return {"errors": [{"status": "400", "title": "Bad Request", "detail": detail, **error}]}


def places(
    key: str, upper: str, bare: str, word: str
) -> dict[str, tuple[int, Any, dict[str, str]]]:
    """Every place of an error answer whose text the server may quote, holding an echo."""
    return {
        "meta.field": (400, bad_request(meta={"field": key}), {}),
        "meta.key": (400, bad_request(meta={"key": key}), {}),
        "missing attribute": (400, bad_request(f'missing required attribute "{key}"'), {}),
        "missing attribute title": (
            400,
            {"errors": [{"title": f'missing required attribute "{key}"'}]},
            {},
        ),
        "decoding": (
            400,
            bad_request(f'error decoding attribute "{key}": invalid type {word}'),
            {},
        ),
        "parameter": (
            400,
            bad_request(f'invalid parameter "{bare}" in "path"; expected type "{bare}"'),
            {},
        ),
        "enum": (400, bad_request(f"invalid {key} P9. Must be one of {upper}, P1"), {}),
        "document type": (400, bad_request(f'got type "case" expected one of "{word}"'), {}),
        "empty": (400, bad_request(f"{key} must not be empty"), {}),
        "reserved key": (400, bad_request(f'project key "{bare}" is reserved'), {}),
        "rate limit name": (
            429,
            {"errors": ["Too many requests"]},
            {"X-RateLimit-Name": key, "X-RateLimit-Reset": "60"},
        ),
    }


PLACES = places(*ECHOES[:1], *ECHOES[2:])


@pytest.fixture
def datadog() -> FakeDatadog:
    return FakeDatadog()


@pytest.fixture
async def mcp(datadog: FakeDatadog) -> AsyncIterator[Client]:
    """An MCP client of a server whose Datadog is `datadog`, with the fake keys configured."""
    server = create_server(
        lambda: CaseManagementClient(
            base_url=BASE_URL,
            api_key=API_KEY,
            app_key=APP_KEY,
            transport=httpx2.MockTransport(datadog),
        )
    )
    async with Client(server) as client:
        yield client


def text_of(answer: CallToolResult) -> str:
    assert answer.is_error, answer
    return "\n".join(getattr(block, "text", "") for block in answer.content)


def answer_always(
    datadog: FakeDatadog, status: int, body: Mapping[str, Any], headers: dict[str, str]
) -> None:
    for _ in range(5):
        datadog.answer(status, body, headers)


@pytest.mark.parametrize("place", PLACES)
async def test_a_key_echoed_in_an_error_answer_never_reaches_the_model(
    mcp: Client, datadog: FakeDatadog, place: str
) -> None:
    """An upstream that echoes the API key where a field or limit name goes gets it nowhere."""
    answer_always(datadog, *PLACES[place])

    text = text_of(await mcp.call_tool("update_case_title", {"case_id": "SEC-1", "title": "T"}))

    assert datadog.requests[0].headers["DD-API-KEY"] == API_KEY
    for echo in ECHOES:
        assert echo.lower() not in text.lower()


@pytest.mark.parametrize(
    ("status", "body", "headers", "quoted"),
    [
        (400, bad_request(meta={"field": "title"}), {}, "the field concerned is 'title'"),
        (400, bad_request('missing required attribute "title"'), {}, "title is required"),
        (
            400,
            bad_request('error decoding attribute "attributes": invalid type string'),
            {},
            "attributes has the wrong JSON type (string is not accepted)",
        ),
        (
            400,
            bad_request("invalid status OPENED. Must be one of OPEN, IN_PROGRESS, CLOSED"),
            {},
            "status must be one of OPEN, IN_PROGRESS, CLOSED",
        ),
        (
            429,
            {"errors": ["Too many requests"]},
            {"X-RateLimit-Name": "cases", "X-RateLimit-Reset": "60"},
            "(cases)",
        ),
    ],
    ids=["field", "missing", "decoding", "enum", "rate limit"],
)
async def test_names_case_mcp_knows_are_still_quoted(
    mcp: Client,
    datadog: FakeDatadog,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
    quoted: str,
) -> None:
    """Fields of the models, their enum values and Datadog's limit names still help the model."""
    answer_always(datadog, status, body, headers)

    text = text_of(await mcp.call_tool("update_case_title", {"case_id": "SEC-1", "title": "T"}))

    assert quoted in text

"""Building the client, what every request carries, and what never leaks."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import get_args

import httpx2
import pytest

import case_mcp
from case_mcp.client import MAX_PAGE_SIZE, USER_AGENT, CaseManagementClient, CaseSortField
from case_mcp.config import Settings
from case_mcp.errors import DatadogError, InvalidRequestError, NotFoundError
from fake_datadog import ACCESS_TOKEN, API_KEY, APP_KEY, BASE_URL, SECRETS, FakeDatadog

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
A_CASE = {"data": {"id": CASE, "type": "case"}}

pytestmark = pytest.mark.anyio


def _client(
    datadog: FakeDatadog,
    *,
    base_url: str = BASE_URL,
    api_key: str | None = None,
    app_key: str | None = None,
    access_token: str | None = None,
) -> CaseManagementClient:
    return CaseManagementClient(
        base_url=base_url,
        api_key=api_key,
        app_key=app_key,
        access_token=access_token,
        transport=httpx2.MockTransport(datadog),
    )


def test_the_public_api_is_what_it_is() -> None:
    """The package exports exactly its public names, sorted."""
    import case_mcp.client as package

    assert package.__all__ == [
        "KNOWN_BUCKETS",
        "MAX_PAGE_SIZE",
        "OPERATIONS",
        "ORGANISATION",
        "USER_AGENT",
        "CaseManagementClient",
        "CaseSortField",
        "Effect",
        "Operation",
        "OperationGuard",
        "RequestCredentials",
        "RequestLimits",
        "RetryPolicy",
        "Scope",
        "current_request_id",
        "current_tenant",
        "never_sent",
        "using_credentials",
        "using_request_id",
    ]
    assert (MAX_PAGE_SIZE, get_args(CaseSortField)) == (100, ("created_at", "priority", "status"))


async def test_every_request_carries_the_keys_and_names_case_mcp(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """Keys go in Datadog's headers; Accept is JSON; the User-Agent names case-mcp's version."""
    datadog.answer(200, A_CASE)

    await client.get_case(CASE)

    headers = datadog.request.headers
    assert (headers["DD-API-KEY"], headers["DD-APPLICATION-KEY"]) == (API_KEY, APP_KEY)
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith(f"case-mcp/{case_mcp.__version__} ")
    assert "authorization" not in headers
    assert "content-type" not in headers


async def test_a_request_with_a_body_says_it_is_json(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """A body is compact JSON with a JSON content type."""
    datadog.answer(200, A_CASE)

    await client.update_case_title(CASE, "Disk full")

    assert datadog.request.headers["Content-Type"] == "application/json"
    assert datadog.request.content == b'{"data":{"attributes":{"title":"Disk full"},"type":"case"}}'


async def test_an_access_token_is_sent_as_a_bearer_instead_of_the_keys(
    datadog: FakeDatadog,
) -> None:
    """With an OAuth token, requests carry ``Authorization: Bearer`` and no keys."""
    datadog.answer(200, {"data": []})
    async with _client(
        datadog, api_key=API_KEY, app_key=APP_KEY, access_token=ACCESS_TOKEN
    ) as client:
        await client.get_projects()

    headers = datadog.request.headers
    assert headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "DD-API-KEY" not in headers
    assert "DD-APPLICATION-KEY" not in headers
    assert client.auth_kind == "bearer"


async def test_without_credentials_no_auth_header_is_sent(datadog: FakeDatadog) -> None:
    """A client without credentials (for the sandbox) sends no auth header at all."""
    datadog.answer(200, {"data": []})
    async with _client(datadog, api_key="", app_key=None) as client:
        await client.get_projects()

    assert {"dd-api-key", "dd-application-key", "authorization"}.isdisjoint(datadog.request.headers)
    assert client.auth_kind == "none"


async def test_the_default_base_url_is_datadogs_us1_api(datadog: FakeDatadog) -> None:
    """Without a base URL the client talks to api.datadoghq.com over HTTPS."""
    datadog.answer(200, {"data": []})
    async with CaseManagementClient(transport=httpx2.MockTransport(datadog)) as client:
        await client.get_projects()

    assert str(datadog.request.url) == "https://api.datadoghq.com/api/v2/cases/projects"


async def test_a_base_url_with_a_path_prefixes_every_request(datadog: FakeDatadog) -> None:
    """A proxy's base URL keeps its path in front of the API path."""
    datadog.answer(200, {"data": []})
    async with _client(datadog, base_url="http://proxy.internal:8080/datadog/") as client:
        await client.get_projects()

    assert str(datadog.request.url) == "http://proxy.internal:8080/datadog/api/v2/cases/projects"


async def test_from_settings_uses_the_base_url_override_and_credentials(
    datadog: FakeDatadog,
) -> None:
    """Settings with CASE_MCP_BASE_URL send there, with the settings' keys and timeout."""
    settings = Settings(
        base_url="http://127.0.0.1:8126", api_key=API_KEY, app_key=APP_KEY, timeout=5
    )
    datadog.answer(200, {"data": []})

    async with CaseManagementClient.from_settings(
        settings, transport=httpx2.MockTransport(datadog)
    ) as client:
        await client.get_all_case_types()

    request = datadog.request
    assert str(request.url) == "http://127.0.0.1:8126/api/v2/cases/types"
    assert request.headers["DD-API-KEY"] == API_KEY
    assert request.extensions["timeout"] == {"connect": 5, "read": 5, "write": 5, "pool": 5}


async def test_from_settings_uses_the_sites_api(datadog: FakeDatadog) -> None:
    """Settings for the EU site send to api.datadoghq.eu."""
    datadog.answer(200, {"data": []})

    async with CaseManagementClient.from_settings(
        Settings(site="datadoghq.eu", access_token=ACCESS_TOKEN),
        transport=httpx2.MockTransport(datadog),
    ) as client:
        await client.get_projects()

    assert datadog.request.url.host == "api.datadoghq.eu"
    assert datadog.request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


@pytest.mark.parametrize(
    ("case_id", "path"),
    [
        ("SEC-12", "/api/v2/cases/SEC-12"),
        ("..", "/api/v2/cases/%2E%2E"),
        ("../projects", "/api/v2/cases/..%2Fprojects"),
        ("a/b?c=d#e", "/api/v2/cases/a%2Fb%3Fc%3Dd%23e"),
        ("x y%", "/api/v2/cases/x%20y%25"),
    ],
)
async def test_an_id_cannot_change_the_path(
    client: CaseManagementClient, datadog: FakeDatadog, case_id: str, path: str
) -> None:
    """Ids and keys are quoted as one path segment: no slash, dot-segment or query escapes."""
    datadog.answer(404, {"errors": [{"code": "resource_not_found", "title": "case not found"}]})

    with pytest.raises(NotFoundError):
        await client.get_case(case_id)

    assert datadog.request.url.raw_path.decode() == path
    assert datadog.request.url.query == b""


@pytest.mark.parametrize("page_size", [0, -1, MAX_PAGE_SIZE + 1])
async def test_a_page_size_out_of_range_is_refused_before_sending(
    client: CaseManagementClient, datadog: FakeDatadog, page_size: int
) -> None:
    """search_cases and list_users check page_size is 1..100 and send nothing otherwise."""
    with pytest.raises(InvalidRequestError):
        await client.search_cases(page_size=page_size)
    with pytest.raises(InvalidRequestError):
        await client.list_users(page_size=page_size)

    assert datadog.requests == []


async def test_an_empty_id_is_refused_before_sending(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """An empty id would address another endpoint (``/cases/`` is search), so it is refused."""
    with pytest.raises(InvalidRequestError):
        await client.get_case("")

    assert datadog.requests == []


async def test_a_status_update_needs_a_status(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """update_status with neither a status nor a status name sends nothing."""
    with pytest.raises(InvalidRequestError):
        await client.update_status(CASE)

    assert datadog.requests == []


async def test_users_pages_count_from_zero(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """list_users reads the users API's counts into a page that knows if more follow."""
    datadog.answer(
        200,
        {
            "data": [{"id": "u1", "type": "users", "attributes": {"name": "Ana"}}],
            "meta": {"page": {"total_count": 30, "total_filtered_count": 3}},
        },
    )

    page = await client.list_users("ana", page_size=2)

    assert (page.page, page.page_size, page.total_count, page.total_filtered_count) == (
        0,
        2,
        30,
        3,
    )
    assert page.has_more
    assert [user.attributes.name for user in page.users] == ["Ana"]


async def test_the_client_repr_shows_where_and_how_but_no_secret() -> None:
    """repr names the base URL and the kind of auth, never a key or token."""
    async with CaseManagementClient(api_key=API_KEY, app_key=APP_KEY) as client:
        assert repr(client) == (
            "CaseManagementClient(base_url='https://api.datadoghq.com', auth='keys')"
        )


async def test_no_secret_appears_in_errors_or_logs(
    datadog: FakeDatadog, caplog: pytest.LogCaptureFixture
) -> None:
    """Keys and tokens appear in no exception text, repr or log record, even at DEBUG."""
    caplog.set_level(logging.DEBUG)
    datadog.answer(401, {"errors": ["Unauthorized"]})
    datadog.answer(200, b"not json")
    datadog.fail(httpx2.ConnectError("refused"))
    datadog.fail(httpx2.ReadTimeout("slow"))
    texts: list[str] = []

    for client in (
        _client(datadog, api_key=API_KEY, app_key=APP_KEY),
        _client(datadog, access_token=ACCESS_TOKEN),
    ):
        texts += [repr(client), str(client)]
        async with client:
            for _ in range(2):  # two failures each, in the order queued above
                with pytest.raises(DatadogError) as caught:
                    await client.get_case(CASE)
                texts += [str(caught.value), repr(caught.value), repr(caught.value.__cause__)]

    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(Settings(api_key=API_KEY, app_key=APP_KEY, access_token=ACCESS_TOKEN))]
    assert caplog.records  # the DEBUG request lines were captured, so the check means something
    leaked = [text for text in texts for secret in SECRETS if secret in text]
    assert leaked == []


def test_importing_the_client_configures_no_logger() -> None:
    """A program that imports the client keeps its own logging: no level is set at import."""
    script = (
        "import logging, case_mcp.client, case_mcp.server\n"
        "print(sorted(name for name, logger in logging.root.manager.loggerDict.items()"
        " if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET))"
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "[]"


async def test_a_closed_client_sends_nothing_more(datadog: FakeDatadog) -> None:
    """After the ``async with`` block the pool is closed and a request fails."""
    async with _client(datadog) as client:
        pass

    with pytest.raises(RuntimeError):
        await client.get_projects()
    assert datadog.requests == []


async def test_the_base_url_is_shown_without_a_trailing_slash() -> None:
    """The base URL is normalised, as requests will be built from it."""
    client = CaseManagementClient(base_url=f"{BASE_URL}/")
    try:
        assert client.base_url == BASE_URL
    finally:
        await client.aclose()

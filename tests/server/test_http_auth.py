"""Bearer tokens, scopes and per-request Datadog credentials on the HTTP service, in process."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette

from case_mcp.client import CaseManagementClient
from case_mcp.config import AuthOptions, HttpOptions, ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox
from case_mcp.server.http import auth_configured, check_binding, create_http_app, server_auth

BASE = "http://127.0.0.1:8000"
URL = f"{BASE}/mcp"
WRITER = "writer-token-0123456789abcdef"
READER = "reader-token-0123456789abcdef"
JWT_SECRET = "a-shared-jwt-secret-of-32-characters!!"
READ_TOOLS = {"search_cases", "get_case"}


class RecordingTransport(httpx2.AsyncBaseTransport):
    """The sandbox's transport, keeping the headers of every request it carries."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.headers: list[dict[str, str]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.headers.append({key.lower(): value for key, value in request.headers.items()})
        return await self.inner.handle_async_request(request)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(rate_limit=None) as sandbox:
        yield sandbox


@pytest.fixture
def recorder(sandbox: Sandbox) -> RecordingTransport:
    return RecordingTransport(sandbox.transport())


AppFactory = Callable[..., AbstractAsyncContextManager[Starlette]]


@pytest.fixture
def make_app(recorder: RecordingTransport) -> AppFactory:
    """Start the HTTP app (lifespan included) with the given authentication options."""

    @asynccontextmanager
    async def start(**auth: Any) -> AsyncIterator[Starlette]:
        app = create_http_app(
            lambda: CaseManagementClient(
                base_url="http://sandbox.invalid",
                api_key="configured-api-key",
                app_key="configured-app-key",
                transport=recorder,
            ),
            ServerOptions(),
            HttpOptions(),
            auth=AuthOptions.load(**auth),
        )
        async with app.router.lifespan_context(app):
            yield app

    return start


def http(app: Starlette, headers: dict[str, str] | None = None) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=BASE, headers=headers or {}
    )


@asynccontextmanager
async def mcp_client(
    app: Starlette, token: str, mode: str = "auto", **headers: str
) -> AsyncIterator[Client]:
    client = http(app, {"Authorization": f"Bearer {token}", **headers})
    async with client, Client(streamable_http_client(URL, http_client=client), mode=mode) as mcp:
        yield mcp


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "curl", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


def hs256(**claims: Any) -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": "alice", "aud": URL, "exp": now + 600, "scope": "cases:write", **claims},
        JWT_SECRET,
        algorithm="HS256",
    )


@pytest.mark.anyio
async def test_a_request_without_a_token_gets_401_pointing_at_the_metadata(
    make_app: AppFactory,
) -> None:
    """No bearer token: 401 with WWW-Authenticate naming the protected-resource metadata."""
    async with make_app(tokens=WRITER) as app, http(app) as client:
        answer = await client.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        metadata = await client.get("/.well-known/oauth-protected-resource/mcp")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == (
        'Bearer error="invalid_token", error_description="Authentication required", '
        f'resource_metadata="{BASE}/.well-known/oauth-protected-resource/mcp"'
    )
    assert metadata.status_code == 200
    assert metadata.json() == {
        "resource": URL,
        "authorization_servers": [f"{BASE}/"],
        "scopes_supported": ["cases:read", "cases:write"],
        "bearer_methods_supported": ["header"],
    }


@pytest.mark.anyio
async def test_a_wrong_token_gets_401(make_app: AppFactory) -> None:
    """A bearer token that is not one of the configured ones is refused like no token."""
    async with make_app(tokens=WRITER) as app, http(app) as client:
        answer = await client.post(
            "/mcp",
            json=INITIALIZE,
            headers={**MCP_HEADERS, "Authorization": f"Bearer {WRITER}x"},
        )
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_static_token_from_a_file_opens_both_protocol_eras(
    make_app: AppFactory, tmp_path: Path, mode: str
) -> None:
    """A token read from --token-file (comments skipped) serves a tool call in either era."""
    token_file = tmp_path / "tokens"
    token_file.write_text(f"# the chat-ops bot\n{WRITER}\n\n")
    async with make_app(token_file=token_file) as app, mcp_client(app, WRITER, mode) as mcp:
        answer = await mcp.call_tool("get_case", {"case_id": "SEC-1"})
    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "SEC-1"


@pytest.mark.anyio
async def test_a_read_scoped_token_lists_and_calls_only_read_tools(make_app: AppFactory) -> None:
    """A cases:read token sees only read tools, and a write tool call is refused unchanged."""
    async with (
        make_app(tokens=f"{READER}:cases:read,{WRITER}") as app,
        mcp_client(app, READER) as reader,
        mcp_client(app, WRITER) as writer,
    ):
        read_only = {tool.name: tool for tool in (await reader.list_tools()).tools}
        everything = {tool.name for tool in (await writer.list_tools()).tools}
        refused = await reader.call_tool(
            "update_case_priority", {"case_id": "SEC-1", "priority": "P1"}
        )
        case = await reader.call_tool("get_case", {"case_id": "SEC-1"})
    assert set(read_only) >= READ_TOOLS
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in read_only.values())
    assert "update_case_priority" in everything
    assert set(read_only) < everything
    assert refused.is_error
    assert "cases:read" in refused.content[0].text  # type: ignore[union-attr]
    assert case.structured_content is not None
    assert case.structured_content["priority"] != "P1"


@pytest.mark.anyio
async def test_a_read_scoped_refusal_is_audited_with_the_caller_not_the_token(
    make_app: AppFactory, tmp_path: Path, recorder: RecordingTransport
) -> None:
    """The audit record of a refused write names the token's client id, never the token."""
    audit = tmp_path / "audit.jsonl"
    app = create_http_app(
        lambda: CaseManagementClient(
            base_url="http://sandbox.invalid", api_key="k", app_key="k", transport=recorder
        ),
        ServerOptions(audit_log=audit),
        HttpOptions(),
        auth=AuthOptions.load(tokens=f"{READER}:cases:read"),
    )
    async with app.router.lifespan_context(app), mcp_client(app, READER) as reader:
        await reader.call_tool("update_case_priority", {"case_id": "SEC-1", "priority": "P1"})
    (entry,) = [json.loads(line) for line in audit.read_text().splitlines()]
    assert entry["outcome"] == "refused"
    assert entry["reason"] == "insufficient_scope"
    assert entry["caller"].startswith("static-token-")
    assert READER not in audit.read_text()


@pytest.mark.anyio
async def test_a_valid_hs256_jwt_is_accepted_with_its_subject(make_app: AppFactory) -> None:
    """A JWT signed with CASE_MCP_JWT_SECRET for this server's audience serves tool calls."""
    async with make_app(jwt_secret=JWT_SECRET) as app, mcp_client(app, hs256()) as mcp:
        answer = await mcp.call_tool("get_case", {"case_id": "SEC-1"})
    assert not answer.is_error


@pytest.mark.anyio
@pytest.mark.parametrize(
    "token",
    [
        pytest.param(hs256(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(hs256(nbf=int(time.time()) + 3600), id="not-yet-valid"),
        pytest.param(hs256(aud="https://other.example.com/mcp"), id="wrong-audience"),
        pytest.param(
            jwt.encode(
                {"sub": "alice", "aud": URL, "exp": int(time.time()) + 600},
                "another-secret-that-is-32-characters!!",
                algorithm="HS256",
            ),
            id="wrong-key",
        ),
        pytest.param(
            jwt.encode({"sub": "alice", "aud": URL}, JWT_SECRET, algorithm="HS256"),
            id="no-expiry",
        ),
    ],
)
async def test_an_invalid_jwt_gets_401(make_app: AppFactory, token: str) -> None:
    """Expired, not yet valid, for another audience, signed by another key, or endless: 401."""
    async with make_app(jwt_secret=JWT_SECRET) as app, http(app) as client:
        answer = await client.post(
            "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 401


@pytest.mark.anyio
async def test_a_jwks_signed_read_token_is_accepted_and_a_foreign_key_is_not(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """An ES256 JWT is checked against the JWKS file; its scope claim limits the tools."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "alg": "ES256", "use": "sig"}]}))
    claims = {"sub": "bot", "aud": URL, "exp": int(time.time()) + 600, "scope": "cases:read"}
    good = jwt.encode(claims, key, algorithm="ES256", headers={"kid": "k1"})
    foreign = jwt.encode(
        claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers={"kid": "k1"}
    )
    async with make_app(jwks_file=jwks) as app, mcp_client(app, good) as mcp:
        tools = {tool.name for tool in (await mcp.list_tools()).tools}
        async with http(app) as client:
            refused = await client.post(
                "/mcp",
                json=INITIALIZE,
                headers={**MCP_HEADERS, "Authorization": f"Bearer {foreign}"},
            )
    assert tools >= READ_TOOLS
    assert "delete_case" not in tools
    assert refused.status_code == 401


@pytest.mark.anyio
async def test_per_request_credentials_reach_datadog_for_that_request_only(
    make_app: AppFactory, recorder: RecordingTransport
) -> None:
    """A request's DD-API-KEY/DD-APPLICATION-KEY headers are sent for it and for no other."""
    tenant = {"DD-API-KEY": "tenant-api-key", "DD-APPLICATION-KEY": "tenant-app-key"}
    async with make_app(tokens=WRITER, per_request_credentials=True) as app:
        async with mcp_client(app, WRITER, **tenant) as mcp:
            await mcp.call_tool("get_case", {"case_id": "SEC-1"})
        tenant_calls = list(recorder.headers)
        recorder.headers.clear()
        async with mcp_client(app, WRITER) as mcp:
            await mcp.call_tool("get_case", {"case_id": "SEC-2"})
    assert tenant_calls
    assert {(h["dd-api-key"], h["dd-application-key"]) for h in tenant_calls} == {
        ("tenant-api-key", "tenant-app-key")
    }
    assert recorder.headers
    assert {(h["dd-api-key"], h["dd-application-key"]) for h in recorder.headers} == {
        ("configured-api-key", "configured-app-key")
    }


@pytest.mark.anyio
async def test_per_request_credentials_are_ignored_unless_turned_on(
    make_app: AppFactory, recorder: RecordingTransport
) -> None:
    """Without --per-request-credentials, a caller's DD-* headers never reach Datadog."""
    tenant = {"DD-API-KEY": "tenant-api-key", "DD-APPLICATION-KEY": "tenant-app-key"}
    async with make_app(tokens=WRITER) as app, mcp_client(app, WRITER, **tenant) as mcp:
        await mcp.call_tool("get_case", {"case_id": "SEC-1"})
    assert recorder.headers
    assert {h["dd-api-key"] for h in recorder.headers} == {"configured-api-key"}


def test_auth_is_configured_by_any_token_source(tmp_path: Path) -> None:
    """Static tokens, a token file, a JWT secret, a JWKS file or an OAuth issuer each turn
    authentication on."""
    assert not auth_configured(AuthOptions())
    assert auth_configured(AuthOptions.load(tokens=WRITER))
    assert auth_configured(AuthOptions.load(token_file=tmp_path / "tokens"))
    assert auth_configured(AuthOptions.load(jwt_secret=JWT_SECRET))
    assert auth_configured(AuthOptions.load(jwks_file=tmp_path / "jwks.json"))
    assert auth_configured(AuthOptions.load(oauth_issuer="https://idp.example.com"))


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"tokens": "short"}, id="short-token"),
        pytest.param({"jwt_secret": "short"}, id="short-jwt-secret"),
        pytest.param({"token_file": Path("/nonexistent/tokens")}, id="missing-token-file"),
    ],
)
def test_weak_or_unreadable_token_settings_stop_the_start(options: dict[str, Any]) -> None:
    """A guessable token or secret, or a token file that cannot be read, is refused at start."""
    with pytest.raises(ConfigurationError) as raised:
        server_auth(AuthOptions.load(**options), URL)
    assert "short" not in str(raised.value).replace("shorter", "")


def test_the_options_never_show_a_token() -> None:
    """The tokens and the JWT secret stay out of the options' repr."""
    options = AuthOptions.load(tokens=WRITER, jwt_secret=JWT_SECRET)
    assert WRITER not in repr(options)
    assert JWT_SECRET not in repr(options)


@pytest.mark.anyio
async def test_per_request_credentials_are_required_when_the_server_has_none(
    recorder: RecordingTransport,
) -> None:
    """Without keys of its own, a tool call bringing no keys, or only one, never reaches Datadog."""
    app = create_http_app(
        lambda: CaseManagementClient(base_url="http://sandbox.invalid", transport=recorder),
        ServerOptions(),
        HttpOptions(),
        auth=AuthOptions.load(tokens=WRITER, per_request_credentials=True),
        keys=False,
    )
    async with app.router.lifespan_context(app):
        async with mcp_client(app, WRITER) as mcp:
            tools = (await mcp.list_tools()).tools
            with pytest.raises(MCPError):
                await mcp.call_tool("get_case", {"case_id": "SEC-1"})
        async with mcp_client(app, WRITER, **{"DD-API-KEY": "only-one"}) as mcp:
            with pytest.raises(MCPError):
                await mcp.call_tool("get_case", {"case_id": "SEC-1"})
    assert tools
    assert recorder.headers == []


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"oauth_issuer": "http://idp.example.com"}, id="plain-http-issuer"),
        pytest.param({"oauth_issuer": "https://idp.example.com/?tenant=1"}, id="issuer-query"),
        pytest.param({"oauth_scopes": "cases:admin=x"}, id="unknown-scope"),
        pytest.param({"oauth_scopes": "cases:read="}, id="unnamed-scope"),
        pytest.param({"oauth_scopes": "cases:read=a,cases:read=b"}, id="scope-named-twice"),
    ],
)
def test_unsafe_or_malformed_oauth_settings_stop_the_start(options: dict[str, Any]) -> None:
    """An issuer over plain http beyond loopback, or a scope mapping that is not
    cases:read=NAME / cases:write=NAME once each, is refused at start with the flag named."""
    with pytest.raises(ConfigurationError) as raised:
        AuthOptions.load(**options)
    assert "--oauth-" in str(raised.value)


def test_an_oauth_issuer_beyond_loopback_needs_the_public_url() -> None:
    """With --oauth-issuer on a shared address, the start stops until --public-url says which
    resource the tokens must be for; with it, the binding is accepted."""
    bare = HttpOptions(host="0.0.0.0")
    public = HttpOptions(host="0.0.0.0", public_url="https://cases.example.com/mcp")
    with pytest.raises(ConfigurationError) as raised:
        check_binding(bare, authenticated=True, oauth=True)
    check_binding(public, authenticated=True, oauth=True)
    assert "--public-url" in str(raised.value)

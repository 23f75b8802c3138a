"""OAuth 2.1 end to end: the MCP SDK's own client signs in at a real authorisation server
(oidc-provider, tests/oauth/) and calls the service on a real socket; bad tokens are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import anyio
import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata
from pydantic import AnyUrl

from case_mcp.config import AuthOptions, HttpOptions, ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server.http import create_http_app, service_config
from http_service import ListeningServer, factory, loopback_listener, text_of
from oauth_server import (
    OTHER_RESOURCE,
    REDIRECT,
    AuthorisationServer,
    MemoryStorage,
    SignIn,
    authorisation_server,
    new_key,
)

pytestmark = pytest.mark.anyio

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
WRITE = ("update_case_priority", {"case_id": "SEC-1", "priority": "P1"})


@dataclass
class Deployment:
    """The service on a real loopback socket, in front of a real authorisation server."""

    issuer: AuthorisationServer
    url: str
    audit: Path

    async def post(self, token: str | None) -> httpx2.Response:
        """One raw MCP initialize request with `token` (None: without any)."""
        headers = dict(MCP_HEADERS)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with httpx2.AsyncClient() as http:
            return await http.post(self.url, json=INITIALIZE, headers=headers)

    @asynccontextmanager
    async def signed_in(self, sign_in: SignIn, client_name: str) -> AsyncIterator[Client]:
        """An MCP client whose OAuth client signs in as `sign_in` when the service asks."""
        oauth = OAuthClientProvider(
            server_url=self.url,
            client_metadata=OAuthClientMetadata(
                client_name=client_name,
                redirect_uris=[AnyUrl(REDIRECT)],
                token_endpoint_auth_method="none",
                grant_types=["authorization_code", "refresh_token"],
            ),
            storage=MemoryStorage(),
            redirect_handler=sign_in.redirect,
            callback_handler=sign_in.callback,
        )
        async with (
            httpx2.AsyncClient(auth=oauth) as http,
            Client(streamable_http_client(self.url, http_client=http)) as client,
        ):
            yield client


@asynccontextmanager
async def deployment(folder: Path, **auth: Any) -> AsyncIterator[Deployment]:
    """The service with ``--oauth-issuer`` naming a fresh authorisation server."""
    listener = loopback_listener()
    http = HttpOptions(port=listener.getsockname()[1])
    audit = folder / "audit.jsonl"
    with (
        Sandbox(rate_limit=None) as sandbox,
        authorisation_server(http.resource_url, folder) as issuer,
    ):
        app = create_http_app(
            factory(sandbox.transport()),
            ServerOptions(audit_log=audit),
            http,
            auth=AuthOptions.load(oauth_issuer=issuer.issuer, **auth),
        )
        server = ListeningServer(service_config(app, http))
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: server.serve(sockets=[listener]))
            await server.listening.wait()
            try:
                yield Deployment(issuer, http.resource_url, audit)
            finally:
                server.should_exit = True


async def test_the_sdk_client_signs_in_from_the_401_and_writes_as_the_user(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """From a bare 401, the SDK's client finds the authorisation server, signs in with PKCE for
    this resource, and its calls are audited and logged as the signed-in user."""
    caplog.set_level(logging.INFO, logger="case_mcp.http")
    sign_in = SignIn(login="alice")
    async with deployment(tmp_path) as service, service.signed_in(sign_in, "writer") as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        answer = await client.call_tool(*WRITE)
    (request,) = [parse_qs(urlparse(url).query) for url in sign_in.visited]
    assert request["code_challenge_method"] == ["S256"]
    assert request["resource"] == [service.url]
    assert set(request["scope"][0].split()) >= {"cases:read", "cases:write"}
    assert "update_case_priority" in tools
    assert not answer.is_error, text_of(answer)
    (entry,) = [json.loads(line) for line in service.audit.read_text().splitlines()]
    assert entry["outcome"] == "ok"
    assert entry["caller"].endswith("/alice <alice@example.com>")
    calls = [record for record in caplog.records if getattr(record, "path", None) == "/mcp"]
    assert {getattr(record, "status", None) for record in calls} >= {401, 200}
    signed = [record for record in calls if getattr(record, "status", None) == 200]
    assert signed
    assert {getattr(record, "caller", None) for record in signed} == {entry["caller"]}


async def test_a_read_only_grant_lists_the_read_tools_and_is_refused_writes_in_words(
    tmp_path: Path,
) -> None:
    """A client the authorisation server grants only cases:read sees no write tool, and a
    write is refused with words saying which scope it needs."""
    async with (
        deployment(tmp_path) as service,
        service.signed_in(SignIn(login="bob"), "read-only") as client,
    ):
        tools = {tool.name for tool in (await client.list_tools()).tools}
        refused = await client.call_tool(*WRITE)
        case = await client.call_tool("get_case", {"case_id": "SEC-1"})
    assert "get_case" in tools
    assert "update_case_priority" not in tools
    assert refused.is_error
    assert "cases:write" in text_of(refused)
    assert "Nothing was changed" in text_of(refused)
    assert case.structured_content is not None
    assert case.structured_content["priority"] != "P1"


async def test_the_metadata_names_the_issuer_and_the_challenges_name_it(tmp_path: Path) -> None:
    """The resource metadata names the issuer, the resource and both scopes; 401 and 403 point
    at it, and the 403 of a token without cases:read names the scope to ask for."""
    async with deployment(tmp_path) as service, httpx2.AsyncClient() as http:
        base = service.url.removesuffix("/mcp")
        metadata = (await http.get(f"{base}/.well-known/oauth-protected-resource/mcp")).json()
        anonymous = await service.post(None)
        unscoped = await service.post(service.issuer.mint(scope="openid"))
    pointer = f'resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"'
    assert metadata["resource"] == service.url
    assert metadata["authorization_servers"] == [service.issuer.issuer]
    assert metadata["scopes_supported"] == ["cases:read", "cases:write"]
    assert anonymous.status_code == 401
    assert pointer in anonymous.headers["www-authenticate"]
    assert unscoped.status_code == 403
    assert 'error="insufficient_scope"' in unscoped.headers["www-authenticate"]
    assert 'scope="cases:read"' in unscoped.headers["www-authenticate"]
    assert pointer in unscoped.headers["www-authenticate"]


async def test_scopes_renamed_by_the_operator_are_announced_and_honoured(tmp_path: Path) -> None:
    """With --oauth-scopes in Entra ID's style, the metadata, the 403 and the refusal use the
    full names, and a token whose scp holds the short name grants that scope."""
    read, write = "api://case-mcp/Cases.Read", "api://case-mcp/Cases.Write"
    names = f"cases:read={read},cases:write={write}"
    async with deployment(tmp_path, oauth_scopes=names) as service, httpx2.AsyncClient() as http:
        base = service.url.removesuffix("/mcp")
        metadata = (await http.get(f"{base}/.well-known/oauth-protected-resource/mcp")).json()
        unscoped = await service.post(service.issuer.mint(scope="cases:read"))
        # Entra ID: the short name, in scp, as a space-separated string.
        reader = service.issuer.mint(scope=None, scp="Cases.Read openid")
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {reader}"}) as authorised,
            Client(streamable_http_client(service.url, http_client=authorised)) as client,
        ):
            tools = {tool.name for tool in (await client.list_tools()).tools}
            refused = await client.call_tool(*WRITE)
    assert metadata["scopes_supported"] == [read, write]
    assert f'scope="{read}"' in unscoped.headers["www-authenticate"]
    assert "get_case" in tools
    assert "update_case_priority" not in tools
    assert write in text_of(refused)


def hs256_with_public_key(server: AuthorisationServer, claims: dict[str, Any]) -> str:
    """The HS/RS confusion: HS256 keyed with the server's public key, which anyone can read."""
    public = (
        server.keys[server.signing[0]]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )

    def part(value: dict[str, Any]) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signed = part({"alg": "HS256", "typ": "JWT", "kid": server.signing[0]}) + b"." + part(claims)
    signature = hmac.new(public, signed, hashlib.sha256).digest()
    return (signed + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


async def test_bad_tokens_are_refused_and_one_within_the_leeway_is_not(tmp_path: Path) -> None:
    """Expired, not yet valid, for another resource, from another issuer, unsigned (alg none),
    HS256 keyed with the public key, or signed by another key: 401; 10 s past exp: accepted."""
    async with deployment(tmp_path) as service:
        server = service.issuer
        now = int(time.time())
        good = await server.client_credentials("cases:read")
        _, impostor_jwk = new_key(server.signing[0])
        impostor = jwt.encode(
            {"iss": server.issuer, "aud": service.url, "sub": "m", "exp": now + 300},
            jwt.PyJWK(impostor_jwk).key,
            algorithm="RS256",
            headers={"kid": server.signing[0]},
        )
        claims = {
            "iss": server.issuer,
            "aud": service.url,
            "sub": "m",
            "exp": now + 300,
            "client_id": "robot",
            "scope": "cases:read",
        }
        bad = {
            "expired": server.mint(exp=now - 3600),
            "not yet valid": server.mint(nbf=now + 3600),
            "another resource": await server.client_credentials("cases:read", OTHER_RESOURCE),
            "another issuer": server.mint(iss="https://evil.example.com"),
            "no expiry": jwt.encode(
                {k: v for k, v in claims.items() if k != "exp"},
                server.keys[server.signing[0]],
                algorithm="RS256",
                headers={"kid": server.signing[0]},
            ),
            "alg none": jwt.encode(claims, "", algorithm="none"),
            "hs256 with the public key": hs256_with_public_key(server, claims),
            "another key": impostor,
        }
        statuses = {name: (await service.post(token)).status_code for name, token in bad.items()}
        accepted = (await service.post(good)).status_code
        lenient = (await service.post(server.mint(exp=now - 10))).status_code
    assert statuses == dict.fromkeys(bad, 401)
    assert accepted == 200
    assert lenient == 200


async def test_a_key_rotation_is_followed_without_a_restart(tmp_path: Path) -> None:
    """After the authorisation server signs with a new key and withdraws the old one, its new
    tokens are accepted at once, with one more fetch of its key set, and the old key's are not."""
    async with deployment(tmp_path) as service:
        server = service.issuer
        before = await server.client_credentials("cases:read")
        first = (await service.post(before)).status_code
        await server.rotate("k2")
        after = await server.client_credentials("cases:read")
        second = (await service.post(after)).status_code
        old = (await service.post(server.mint(kid="k1"))).status_code
        fetches = await server.key_set_requests()
    assert jwt.get_unverified_header(after)["kid"] == "k2"
    assert (first, second, old) == (200, 200, 401)
    assert fetches == 2


async def test_made_up_key_ids_fetch_the_key_set_once(tmp_path: Path) -> None:
    """Tokens naming kids the authorisation server never had make one fetch of its key set
    between them, not one each."""
    async with deployment(tmp_path) as service:
        server = service.issuer
        assert (await service.post(server.mint())).status_code == 200
        statuses = []
        for number in range(5):
            kid = f"made-up-{number}"
            server.keys[kid] = new_key(kid)[0]
            statuses.append((await service.post(server.mint(kid=kid))).status_code)
        fetches = await server.key_set_requests()
    assert statuses == [401] * 5
    assert fetches == 2


async def test_while_the_authorisation_server_is_down_the_keys_held_keep_serving(
    tmp_path: Path,
) -> None:
    """A failed fetch of the key set (the authorisation server is down) leaves the keys held
    in place: its users' tokens keep working."""
    async with deployment(tmp_path) as service:
        server = service.issuer
        good = server.mint()
        before = (await service.post(good)).status_code
        server.stop()
        server.keys["k9"] = new_key("k9")[0]
        unknown = (await service.post(server.mint(kid="k9"))).status_code
        after = (await service.post(good)).status_code
    assert (before, unknown, after) == (200, 401, 200)

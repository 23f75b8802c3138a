"""How `case-mcp serve --transport http` listens and what it accepts, from variables and flags."""

from __future__ import annotations

import ipaddress
from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import NoDecode

from case_mcp.config._option import Options, comma_separated, option

__all__ = ["HttpOptions"]

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class HttpOptions(Options):
    """How `case-mcp serve --transport http` listens, from ``CASE_MCP_*`` and flags.

    Build it with `HttpOptions.load()`; flags are passed as overrides and win. Workers are
    like replicas: each has its own per-caller budget, call slots, single-use token memory
    and, with ``--sandbox-db``, sandbox rate-limit window.
    """

    title: ClassVar[str] = "HTTP service"
    summary: ClassVar[str] = "with --transport http: where the service listens and what it accepts"

    host: str = option(
        "127.0.0.1",
        env="CASE_MCP_HOST",
        flag="--host",
        min_length=1,
        help="address to bind; anything but loopback needs authentication",
    )
    port: int = option(
        8000,
        env="CASE_MCP_PORT",
        flag="--port",
        ge=0,
        le=65535,
        help="port to bind; 0 picks a free one",
    )
    allowed_hosts: Annotated[tuple[str, ...] | None, NoDecode] = option(
        None,
        env="CASE_MCP_ALLOWED_HOSTS",
        flag="--allowed-hosts",
        metavar="LIST",
        shown_default="the loopback names at the port, and the host of the public URL",
        help="comma-separated `Host` header values accepted at /mcp, name:port or name:* "
        "(others get 421)",
    )
    allowed_origins: Annotated[tuple[str, ...] | None, NoDecode] = option(
        None,
        env="CASE_MCP_ALLOWED_ORIGINS",
        flag="--allowed-origins",
        metavar="LIST",
        shown_default="the loopback origins",
        help="comma-separated browser `Origin` values accepted at /mcp, such as "
        "https://chat.example.com (others get 403; requests without an Origin are not affected)",
    )
    public_url: str | None = option(
        None,
        env="CASE_MCP_PUBLIC_URL",
        flag="--public-url",
        metavar="URL",
        shown_default="http://HOST:PORT/mcp",
        help="the URL clients reach /mcp at behind a load balancer; the resource the "
        "protected-resource metadata and the JWT audience name",
    )
    max_body_size: int = option(
        1024 * 1024,
        env="CASE_MCP_MAX_BODY_SIZE",
        flag="--max-body-size",
        metavar="BYTES",
        ge=1024,
        le=64 * 1024 * 1024,
        help="largest request body accepted, in bytes; larger ones get 413",
    )
    max_concurrent_calls: int = option(
        32,
        env="CASE_MCP_MAX_CONCURRENT_CALLS",
        flag="--max-concurrent-calls",
        metavar="N",
        ge=1,
        le=4096,
        help="requests that reach Datadog (tool calls, resource reads, completions) served "
        "at once; more are refused at once with a retry message",
    )
    calls_per_minute: int = option(
        120,
        env="CASE_MCP_CALLS_PER_MINUTE",
        flag="--calls-per-minute",
        metavar="N",
        ge=0,
        le=1_000_000,
        help="requests that reach Datadog (tool calls, resource reads, completions) each "
        "token may make a minute in each process; 0 turns the limit off",
    )
    shutdown_timeout: int = option(
        25,
        env="CASE_MCP_SHUTDOWN_TIMEOUT",
        flag="--shutdown-timeout",
        metavar="SECONDS",
        gt=0,
        le=3600,
        # Inside Kubernetes' default 30-second grace period.
        help="on SIGTERM, how long calls in flight may finish",
    )
    read_timeout: float = option(
        10.0,
        env="CASE_MCP_READ_TIMEOUT",
        flag="--read-timeout",
        metavar="SECONDS",
        gt=0,
        le=600,
        help="time a client has to send a whole request, from connecting or from its previous "
        "answer; slower clients are disconnected (it never bounds the answer's time)",
    )
    workers: int = option(
        1,
        env="CASE_MCP_WORKERS",
        flag="--workers",
        metavar="N",
        ge=1,
        le=64,
        help="server processes sharing the port, one per core; like replicas, each has its "
        "own call budgets, call slots and token memory; needs --sandbox-db rather than "
        "--sandbox",
    )

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("allowed_origins", mode="after")
    @classmethod
    def _check_origins(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for origin in value or ():
            if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
                raise ValueError(
                    f"origin {origin!r} must be scheme://host[:port], "
                    "such as https://chat.example.com"
                )
        return value

    @field_validator("public_url", mode="after")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("must be an http:// or https:// URL without a query")
        return value.strip()

    @property
    def resource_url(self) -> str:
        """The URL of the MCP endpoint as its clients know it."""
        if self.public_url is not None:
            return self.public_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self.port}/mcp"

    @property
    def hosts(self) -> list[str]:
        """The ``Host`` values accepted: the allow list, or the loopback names at the port."""
        if self.allowed_hosts is not None:
            return list(self.allowed_hosts)
        port = "*" if self.port == 0 else str(self.port)
        hosts = [f"{name}:{port}" for name in _LOOPBACK_NAMES]
        if self.public_url is not None:
            # The name clients use behind the load balancer, as they send it.
            hosts.append(urlsplit(self.public_url).netloc)
        return hosts

    @property
    def origins(self) -> list[str]:
        """The ``Origin`` values accepted: the allow list, or the loopback origins."""
        if self.allowed_origins is not None:
            return list(self.allowed_origins)
        port = "*" if self.port == 0 else str(self.port)
        return [f"http://{name}:{port}" for name in _LOOPBACK_NAMES]

    @property
    def loopback(self) -> bool:
        """Whether `host` is reachable only from this machine."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False  # a name that may resolve anywhere

"""What the HTTP service listens on and accepts, from ``CASE_MCP_*`` variables and flags."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from case_mcp.config import FlagSettings

_FLAGS = {
    "host": "--host",
    "port": "--port",
    "allowed_hosts": "--allowed-hosts",
    "allowed_origins": "--allowed-origins",
    "max_body_size": "--max-body-size",
    "max_concurrent_calls": "--max-concurrent-calls",
    "calls_per_minute": "--calls-per-minute",
    "shutdown_timeout": "--shutdown-timeout",
    "read_timeout": "--read-timeout",
    "public_url": "--public-url",
    "workers": "--workers",
}

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class HttpOptions(FlagSettings):
    """How `case-mcp serve --transport http` listens, from ``CASE_MCP_*`` and flags.

    Build it with `HttpOptions.load()`; flags are passed as overrides and win.

    Attributes:
        host: ``CASE_MCP_HOST`` / ``--host``: the address to bind (default 127.0.0.1).
        port: ``CASE_MCP_PORT`` / ``--port``: the port to bind (default 8000; 0 picks one).
        allowed_hosts: ``CASE_MCP_ALLOWED_HOSTS`` / ``--allowed-hosts``: the ``Host`` header
            values accepted on ``/mcp`` (``name:port``, or ``name:*`` for any port); others
            get 421. None: the loopback names at `port`, and the host of `public_url`.
        allowed_origins: ``CASE_MCP_ALLOWED_ORIGINS`` / ``--allowed-origins``: the browser
            ``Origin`` values accepted on ``/mcp`` (``https://chat.example.com``); others get
            403. Requests without an Origin (bots, CLIs) are not affected. None: the
            loopback origins at `port`.
        max_body_size: ``CASE_MCP_MAX_BODY_SIZE`` / ``--max-body-size``: the largest request
            body accepted, in bytes; larger ones get 413 (default 1 MiB).
        max_concurrent_calls: ``CASE_MCP_MAX_CONCURRENT_CALLS`` /
            ``--max-concurrent-calls``: requests that reach Datadog (tool calls, resource
            reads, completions) served at once; one beyond it is answered at once with an
            error saying to retry (default 32).
        calls_per_minute: ``CASE_MCP_CALLS_PER_MINUTE`` / ``--calls-per-minute``: requests
            that reach Datadog (tool calls, resource reads, completions) each caller (token)
            may make a minute in this process; 0 turns the limit off (default 120).
        shutdown_timeout: ``CASE_MCP_SHUTDOWN_TIMEOUT`` / ``--shutdown-timeout``: seconds a
            stopping server waits for calls in flight to finish (default 25, inside
            Kubernetes' default 30-second grace period).
        read_timeout: ``CASE_MCP_READ_TIMEOUT`` / ``--read-timeout``: seconds a client has
            to send a whole request, headers and body, from opening the connection or from
            the previous answer on it; a slower one is disconnected (default 10). It bounds
            reading the request only, never the time its answer takes.
        public_url: ``CASE_MCP_PUBLIC_URL`` / ``--public-url``: the URL clients reach the
            MCP endpoint at, behind a load balancer (``https://cases-mcp.example.com/mcp``);
            it is the resource the protected-resource metadata and JWT audience name.
            None: ``http://HOST:PORT/mcp``.
        workers: ``CASE_MCP_WORKERS`` / ``--workers``: server processes sharing the port,
            under uvicorn's supervisor (default 1). Like replicas, each has its own
            per-caller budget, call slots, single-use token memory and, with
            ``--sandbox-db``, sandbox rate-limit window.
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", validate_by_alias=True, validate_by_name=True
    )
    flags: ClassVar[Mapping[str, str]] = _FLAGS

    host: str = Field(default="127.0.0.1", min_length=1, validation_alias="CASE_MCP_HOST")
    port: int = Field(default=8000, ge=0, le=65535, validation_alias="CASE_MCP_PORT")
    allowed_hosts: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        default=None, validation_alias="CASE_MCP_ALLOWED_HOSTS"
    )
    allowed_origins: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        default=None, validation_alias="CASE_MCP_ALLOWED_ORIGINS"
    )
    max_body_size: int = Field(
        default=1024 * 1024, ge=1024, le=64 * 1024 * 1024, validation_alias="CASE_MCP_MAX_BODY_SIZE"
    )
    max_concurrent_calls: int = Field(
        default=32, ge=1, le=4096, validation_alias="CASE_MCP_MAX_CONCURRENT_CALLS"
    )
    calls_per_minute: int = Field(
        default=120, ge=0, le=1_000_000, validation_alias="CASE_MCP_CALLS_PER_MINUTE"
    )
    shutdown_timeout: int = Field(
        default=25, gt=0, le=3600, validation_alias="CASE_MCP_SHUTDOWN_TIMEOUT"
    )
    read_timeout: float = Field(
        default=10.0, gt=0, le=600, validation_alias="CASE_MCP_READ_TIMEOUT"
    )

    public_url: str | None = Field(default=None, validation_alias="CASE_MCP_PUBLIC_URL")
    workers: int = Field(default=1, ge=1, le=64, validation_alias="CASE_MCP_WORKERS")

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

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

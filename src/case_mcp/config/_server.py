"""What the operator allows the server to do: the guardrails, from variables and flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import SecretStr, field_validator
from pydantic_settings import NoDecode

from case_mcp.config._option import Options, comma_separated, option

__all__ = ["MIN_SECRET_LENGTH", "ConfirmMode", "ServerOptions"]

MIN_SECRET_LENGTH = 32
"""The fewest characters the signing secret (`ServerOptions.secret`) may have."""

ConfirmMode = Literal["auto", "elicit", "token"]
"""How a delete gets a human's confirmation. elicit (the default): only a person's answer in
the client's own prompt (elicitation), so clients without it cannot delete; auto: that when
the client supports it, else the two-call confirmation token flow; token: always the token
flow. The token flow proves the second call repeats what the first showed, not that a person
saw it: it relies on the client asking the user before it runs a destructive tool."""


class ServerOptions(Options):
    """What the operator allows the server to do, from ``CASE_MCP_*`` variables and flags.

    Build it with `ServerOptions.load()`; flags are passed as overrides and win over the
    environment. Names of tools and toolsets are checked against the inventory when the
    server is built (`case_mcp.server.create_server`), which knows them.
    """

    title: ClassVar[str] = "guardrails"
    summary: ClassVar[str] = "what the server may do"

    read_only: bool = option(
        False,
        glance=True,
        env="CASE_MCP_READ_ONLY",
        flag="--read-only",
        help="offer only the tools that change nothing; a call to any other is refused. "
        "Wins over every other setting",
    )
    toolsets: Annotated[frozenset[str] | None, NoDecode] = option(
        None,
        glance=True,
        env="CASE_MCP_TOOLSETS",
        flag="--toolsets",
        metavar="LIST",
        shown_default="cases, comments, projects, lookup",
        help="comma-separated toolsets to offer: cases, comments, projects, lookup (the defaults, "
        "or `default`); triage, integrations, views, automation, admin; or all",
    )
    tools: Annotated[frozenset[str] | None, NoDecode] = option(
        None,
        env="CASE_MCP_TOOLS",
        flag="--tools",
        metavar="LIST",
        shown_default="all",
        help="comma-separated allow list of tool names",
    )
    exclude_tools: Annotated[frozenset[str], NoDecode] = option(
        frozenset(),
        env="CASE_MCP_EXCLUDE_TOOLS",
        flag="--exclude-tools",
        metavar="LIST",
        help="comma-separated deny list of tool names; wins over the allow list",
    )
    projects: Annotated[frozenset[str] | None, NoDecode] = option(
        None,
        glance=True,
        env="CASE_MCP_PROJECTS",
        flag="--projects",
        metavar="KEYS",
        shown_default="all",
        help="comma-separated project keys: the server sees and touches only cases in these "
        "projects; anything else behaves as not found",
    )
    no_destructive: bool = option(
        False,
        glance=True,
        env="CASE_MCP_NO_DESTRUCTIVE",
        flag="--no-destructive",
        help="remove the deleting tools entirely",
    )
    no_apps: bool = option(
        False,
        env="CASE_MCP_NO_APPS",
        flag="--no-apps",
        help="offer no MCP Apps views: no tool names a ui:// view and none is served (hosts "
        "that render apps otherwise show one beside the answers of get_case, count_cases, "
        "bulk_update_cases and the deletes)",
    )
    # Fail closed: a delete needs a person's typed answer unless the operator opts into tokens.
    confirm_mode: ConfirmMode = option(
        "elicit",
        glance=True,
        env="CASE_MCP_CONFIRM_MODE",
        flag="--confirm-mode",
        help="how deletes get a human's confirmation: elicit (only a person's answer in the "
        "client's prompt; clients without elicitation cannot delete), auto (elicitation when "
        "the client supports it, else a confirmation token) or token (always a confirmation "
        "token, which relies on the client asking the user before a destructive tool runs)",
    )
    bulk_confirm_over: int = option(
        10,
        env="CASE_MCP_BULK_CONFIRM_OVER",
        flag="--bulk-confirm-over",
        metavar="N",
        ge=0,
        le=500,
        help="a bulk change of more cases than this needs a human's confirmation, as a delete "
        "does (--confirm-mode); up to this many it runs at once, audited",
    )
    confirm_ttl: float = option(
        300.0, env="CASE_MCP_CONFIRM_TTL", gt=0, help="seconds a confirmation token stays valid"
    )
    secret: SecretStr | None = option(
        None,
        env="CASE_MCP_SECRET",
        shown_default="a random key per process, shared by the workers of one server",
        help=f"the key that signs confirmation tokens and seals request state over HTTP, at "
        f"least {MIN_SECRET_LENGTH} characters; give every replica the same one so each "
        "accepts the others' tokens",
    )
    audit_log: Path | None = option(
        None,
        glance=True,
        env="CASE_MCP_AUDIT_LOG",
        flag="--audit-log",
        metavar="PATH",
        help="append one JSON line per write and per refused or confirmed delete",
    )

    @field_validator("toolsets", "tools", "exclude_tools", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("projects", mode="before")
    @classmethod
    def _split_project_keys(cls, value: object) -> object:
        names = comma_separated(value)
        return [str(name).upper() for name in names] if isinstance(names, list) else names

    @field_validator("secret", mode="after")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        # One token is enough to test guesses of the secret offline, and a guessed secret
        # forges every token; the length is all that can be checked of its randomness.
        if len(value.get_secret_value().strip()) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"it must be at least {MIN_SECRET_LENGTH} characters long (generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return value

    @property
    def allows_destructive(self) -> bool:
        """Whether the deleting tools may be offered at all (read-only mode never does)."""
        return not (self.no_destructive or self.read_only)

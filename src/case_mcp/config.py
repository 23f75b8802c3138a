"""Settings from the environment (and, later, command-line flags), validated once at start-up.

Variable names reuse Datadog's own (``DD_API_KEY``, ``DD_APP_KEY``, ``DD_SITE``); everything
that is case_mcp's own starts with ``CASE_MCP_``. Keys and tokens are `SecretStr`, so they
never show in a repr, a log line or an error message.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin
from urllib.parse import urlsplit

import annotated_types
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from case_mcp.errors import ConfigurationError

__all__ = [
    "DEFAULT_SITE",
    "MIN_SECRET_LENGTH",
    "SITES",
    "AuthKind",
    "ConfirmMode",
    "FlagSettings",
    "ServerOptions",
    "Settings",
]

SITES: Mapping[str, str] = MappingProxyType(
    {
        "datadoghq.com": "https://api.datadoghq.com",
        "us3.datadoghq.com": "https://api.us3.datadoghq.com",
        "us5.datadoghq.com": "https://api.us5.datadoghq.com",
        "datadoghq.eu": "https://api.datadoghq.eu",
        "ap1.datadoghq.com": "https://api.ap1.datadoghq.com",
        "ap2.datadoghq.com": "https://api.ap2.datadoghq.com",
        "ddog-gov.com": "https://api.ddog-gov.com",
        "us2.ddog-gov.com": "https://api.us2.ddog-gov.com",
    }
)
"""Every supported ``DD_SITE``, mapped to the base URL of its API."""

DEFAULT_SITE = "datadoghq.com"

MIN_SECRET_LENGTH = 32
"""The fewest characters ``CASE_MCP_SECRET`` may have."""

AuthKind = Literal["bearer", "keys", "none"]
"""How requests authenticate: an OAuth bearer token, the API and application keys, or nothing."""


class Settings(BaseSettings):
    """What case_mcp needs to reach Datadog, read from the environment.

    Build it with `Settings.load()`, which turns every invalid value into one
    `ConfigurationError`. Missing credentials are not an error here (the sandbox needs none):
    call `require_credentials()` before talking to the real Datadog.

    Attributes:
        api_key: ``DD_API_KEY``, sent as ``DD-API-KEY``.
        app_key: ``DD_APP_KEY`` (or ``DD_APPLICATION_KEY``), sent as ``DD-APPLICATION-KEY``.
        site: ``DD_SITE``, one of `SITES` (default ``datadoghq.com``).
        access_token: ``CASE_MCP_ACCESS_TOKEN``, an OAuth access token sent as
            ``Authorization: Bearer`` instead of the keys.
        base_url: ``CASE_MCP_BASE_URL``, an explicit API base URL that overrides the site
            (the sandbox served elsewhere, a proxy, tests).
        timeout: ``CASE_MCP_TIMEOUT``, seconds to wait for each answer (default 30).
        retry_attempts: ``CASE_MCP_RETRY_ATTEMPTS``, how many times a request may be sent in
            all, retries included (default 5; 1 turns retries off).
        retry_deadline: ``CASE_MCP_RETRY_DEADLINE``, seconds one request may take in all,
            attempts and waits between them included (default 30).
        max_concurrent_requests: ``CASE_MCP_MAX_CONCURRENT_REQUESTS``, requests in flight at
            once (default 8).
        max_requests_per_second: ``CASE_MCP_MAX_REQUESTS_PER_SECOND``, the sustained request
            rate, with bursts of six seconds' worth (default 5).
    """

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        validate_by_alias=True,
        validate_by_name=True,  # so CLI flags can pass api_key=..., site=...
    )

    api_key: SecretStr | None = Field(default=None, validation_alias="DD_API_KEY")
    app_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DD_APP_KEY", "DD_APPLICATION_KEY")
    )
    site: str = Field(default=DEFAULT_SITE, validation_alias="DD_SITE")
    access_token: SecretStr | None = Field(default=None, validation_alias="CASE_MCP_ACCESS_TOKEN")
    base_url: str | None = Field(default=None, validation_alias="CASE_MCP_BASE_URL")
    timeout: float = Field(default=30.0, gt=0, validation_alias="CASE_MCP_TIMEOUT")
    # Defaults an assistant's pace never reaches (a few requests per tool call, seconds apart)
    # but a loop does, so a runaway agent cannot spend the organisation's API budget.
    retry_attempts: int = Field(default=5, ge=1, le=20, validation_alias="CASE_MCP_RETRY_ATTEMPTS")
    retry_deadline: float = Field(
        default=30.0, gt=0, le=600, validation_alias="CASE_MCP_RETRY_DEADLINE"
    )
    max_concurrent_requests: int = Field(
        default=8, ge=1, le=256, validation_alias="CASE_MCP_MAX_CONCURRENT_REQUESTS"
    )
    max_requests_per_second: float = Field(
        default=5.0, gt=0, le=1000, validation_alias="CASE_MCP_MAX_REQUESTS_PER_SECOND"
    )

    @classmethod
    def load(cls, **overrides: Any) -> Self:
        """Read the environment once, with `overrides` (e.g. from CLI flags) taking precedence.

        Args:
            overrides: Field values that win over the environment (``api_key``, ``site``, ...).

        Raises:
            ConfigurationError: A value is invalid; the message names the variable to fix
                (never its value, which may be a secret).
        """
        try:
            return cls(**overrides)
        except ValidationError as exc:
            raise _invalid(cls, exc, flags={}) from None

    @field_validator("api_key", "app_key", "access_token", mode="after")
    @classmethod
    def _blank_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        # An exported-but-empty variable (DD_API_KEY=) means "not set", not "the empty key".
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(value.get_secret_value().strip())

    @field_validator("site", mode="before")
    @classmethod
    def _normalise_site(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or DEFAULT_SITE
        return value

    @field_validator("base_url", mode="after")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                "CASE_MCP_BASE_URL must be an http:// or https:// URL, "
                "such as https://api.datadoghq.com"
            )
        if parts.username is not None or parts.password is not None:
            # The URL itself is not echoed: it holds credentials.
            raise ConfigurationError(
                "CASE_MCP_BASE_URL must not contain credentials; "
                "use DD_API_KEY/DD_APP_KEY or CASE_MCP_ACCESS_TOKEN"
            )
        if parts.query or parts.fragment:
            raise ConfigurationError("CASE_MCP_BASE_URL must not have a query or fragment")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _check_site(self) -> Self:
        if self.base_url is None and self.site not in SITES:
            # A typo of a site is worth showing; a value without a dot may be a key pasted
            # into the wrong variable, and a key is never repeated.
            shown = f" {self.site!r}" if "." in self.site and len(self.site) <= 64 else ""
            raise ConfigurationError(
                f"Unknown DD_SITE{shown}. Valid sites: {', '.join(SITES)} "
                "(or set CASE_MCP_BASE_URL to an explicit API base URL)"
            )
        return self

    @property
    def api_base_url(self) -> str:
        """The base URL requests go to: ``CASE_MCP_BASE_URL`` if set, else the site's API."""
        return self.base_url if self.base_url is not None else SITES[self.site]

    @property
    def auth_kind(self) -> AuthKind:
        """Which credentials requests will carry; a token wins over the keys."""
        if self.access_token is not None:
            return "bearer"
        if self.api_key is not None or self.app_key is not None:
            return "keys"
        return "none"

    def require_credentials(self) -> None:
        """Check that requests to the real Datadog can authenticate.

        Raises:
            ConfigurationError: Neither an access token nor both keys are set; the message
                says what to set.
        """
        if self.access_token is not None:
            return
        missing = [
            name
            for name, value in (("DD_API_KEY", self.api_key), ("DD_APP_KEY", self.app_key))
            if value is None
        ]
        if missing:
            raise ConfigurationError(
                f"Missing Datadog credentials: set {' and '.join(missing)} "
                "(or CASE_MCP_ACCESS_TOKEN for OAuth) in the environment"
            )


def _invalid(
    model: type[BaseSettings], exc: ValidationError, *, flags: Mapping[str, str]
) -> ConfigurationError:
    """One error naming, for each bad value, the variable or flag that gave it and what fits.

    A value that came from the environment arrives under its variable's name (the alias),
    one passed in by a flag under its field's name: the error's location says which. The
    value itself is never repeated: it may be a key pasted into the wrong variable.
    """
    fields = model.model_fields
    by_alias = {alias: name for name, info in fields.items() for alias in _aliases(info)}
    problems = []
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else ""
        if key in fields:
            source = flags.get(key) or next(iter(_aliases(fields[key])), key)
            field: FieldInfo | None = fields[key]
        elif key in by_alias:
            source, field = key, fields[by_alias[key]]
        else:
            source, field = model.__name__, None
        problems.append(f"{source} {_problem(error, field)}")
    return ConfigurationError(f"Invalid configuration: {'; '.join(problems)}")


def _aliases(field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, str):
        return [alias]
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return []


def _problem(error: ErrorDetails, field: FieldInfo | None) -> str:
    if error["type"] in ("value_error", "assertion_error") or field is None:
        # Our own validators' messages, written to be read; pydantic prefixes them.
        return "is invalid: " + error["msg"].removeprefix("Value error, ")
    expected = _expected(field)
    return f"must be {expected}" if expected else f"is invalid: {error['msg']}"


def _expected(field: FieldInfo) -> str | None:
    """What a number, a switch or a choice must look like, in words; None for other types."""
    kinds = [kind for kind in get_args(field.annotation) if kind is not type(None)]
    kind = kinds[0] if len(kinds) == 1 else field.annotation
    if kind is bool:
        return "true or false (1/0, yes/no, on/off)"
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(repr(choice) for choice in get_args(kind))
    if kind not in (int, float):
        return None
    what = "a whole number" if kind is int else "a number"
    bounds = {
        type(rule).__name__: getattr(rule, type(rule).__name__.lower())
        for rule in field.metadata
        if isinstance(rule, annotated_types.Ge | annotated_types.Gt | annotated_types.Le)
    }
    if "Ge" in bounds and "Le" in bounds:
        return f"{what} from {bounds['Ge']:g} to {bounds['Le']:g}"
    words = {"Ge": "at least", "Gt": "greater than", "Le": "at most"}
    limits = [f"{words[name]} {bound:g}" for name, bound in bounds.items()]
    return " ".join([what, " and ".join(limits)]) if limits else what


ConfirmMode = Literal["auto", "elicit", "token"]
"""How a delete gets a human's confirmation. elicit (the default): only a person's answer in
the client's own prompt (elicitation), so clients without it cannot delete; auto: that when
the client supports it, else the two-call confirmation token flow; token: always the token
flow. The token flow proves the second call repeats what the first showed, not that a person
saw it: it relies on the client asking the user before it runs a destructive tool."""

_OPTION_FLAGS = {
    "read_only": "--read-only",
    "toolsets": "--toolsets",
    "tools": "--tools",
    "exclude_tools": "--exclude-tools",
    "projects": "--projects",
    "no_destructive": "--no-destructive",
    "confirm_mode": "--confirm-mode",
    "audit_log": "--audit-log",
}


def _names(value: object) -> object:
    # "SEC, ops" from a variable or a flag; a list from code.
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return value


class FlagSettings(BaseSettings):
    """Settings from ``CASE_MCP_*`` variables, where a command-line flag given wins.

    Subclasses name each field's flag in `flags` (each field's variable is its alias), so an
    error says which of the two to fix.
    """

    flags: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def load(cls, **flags: Any) -> Self:
        """Read the environment once; each flag that is not None wins over its variable.

        Raises:
            ConfigurationError: A value is invalid; the message names the variable or the
                flag it came from and what is expected, never the value, which may be a secret.
        """
        try:
            return cls(**{name: value for name, value in flags.items() if value is not None})
        except ValidationError as exc:
            raise _invalid(cls, exc, flags=cls.flags) from None


class ServerOptions(FlagSettings):
    """What the operator allows the server to do, from ``CASE_MCP_*`` variables and flags.

    Build it with `ServerOptions.load()`; flags are passed as overrides and win over the
    environment. Names of tools and toolsets are checked against the inventory when the
    server is built (`case_mcp.server.create_server`), which knows them.

    Attributes:
        read_only: ``CASE_MCP_READ_ONLY`` / ``--read-only``: offer and allow only the tools
            that change nothing. Wins over every other setting.
        toolsets: ``CASE_MCP_TOOLSETS`` / ``--toolsets``: the groups of tools to offer
            (None: all of them).
        tools: ``CASE_MCP_TOOLS`` / ``--tools``: an allow list of tool names (None: no list).
        exclude_tools: ``CASE_MCP_EXCLUDE_TOOLS`` / ``--exclude-tools``: a deny list, which
            wins over the allow list.
        projects: ``CASE_MCP_PROJECTS`` / ``--projects``: the keys of the only projects the
            server sees and touches (None: every project).
        no_destructive: ``CASE_MCP_NO_DESTRUCTIVE`` / ``--no-destructive``: the deleting
            tools are not offered at all.
        confirm_mode: ``CASE_MCP_CONFIRM_MODE`` / ``--confirm-mode``: see `ConfirmMode`.
        confirm_ttl: ``CASE_MCP_CONFIRM_TTL``: seconds a confirmation token stays valid.
        secret: ``CASE_MCP_SECRET``: at least `MIN_SECRET_LENGTH` characters from which the
            keys are derived that sign confirmation tokens and seal request state, shared by
            replicas so each accepts the others' (None: a random key per process).
        audit_log: ``CASE_MCP_AUDIT_LOG`` / ``--audit-log``: append one JSON line per write
            and per refused or confirmed delete to this file (None: no audit log).
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", validate_by_alias=True, validate_by_name=True
    )
    flags: ClassVar[Mapping[str, str]] = _OPTION_FLAGS

    read_only: bool = Field(default=False, validation_alias="CASE_MCP_READ_ONLY")
    toolsets: Annotated[frozenset[str] | None, NoDecode] = Field(
        default=None, validation_alias="CASE_MCP_TOOLSETS"
    )
    tools: Annotated[frozenset[str] | None, NoDecode] = Field(
        default=None, validation_alias="CASE_MCP_TOOLS"
    )
    exclude_tools: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), validation_alias="CASE_MCP_EXCLUDE_TOOLS"
    )
    projects: Annotated[frozenset[str] | None, NoDecode] = Field(
        default=None, validation_alias="CASE_MCP_PROJECTS"
    )
    no_destructive: bool = Field(default=False, validation_alias="CASE_MCP_NO_DESTRUCTIVE")
    # Fail closed: a delete needs a person's typed answer unless the operator opts into tokens.
    confirm_mode: ConfirmMode = Field(default="elicit", validation_alias="CASE_MCP_CONFIRM_MODE")
    confirm_ttl: float = Field(default=300.0, gt=0, validation_alias="CASE_MCP_CONFIRM_TTL")
    secret: SecretStr | None = Field(default=None, validation_alias="CASE_MCP_SECRET")
    audit_log: Path | None = Field(default=None, validation_alias="CASE_MCP_AUDIT_LOG")

    @field_validator("toolsets", "tools", "exclude_tools", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        return _names(value)

    @field_validator("projects", mode="before")
    @classmethod
    def _split_project_keys(cls, value: object) -> object:
        names = _names(value)
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

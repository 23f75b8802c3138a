"""The settings tree: every section, and the validated settings `serve` hands its workers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from case_mcp.config._auth import AuthOptions
from case_mcp.config._datadog import Settings
from case_mcp.config._http import HttpOptions
from case_mcp.config._option import Options
from case_mcp.config._server import ServerOptions
from case_mcp.config._telemetry import TelemetryOptions

__all__ = ["SECTIONS", "ServeSettings"]

SECTIONS: tuple[type[Options], ...] = (
    Settings,
    ServerOptions,
    HttpOptions,
    AuthOptions,
    TelemetryOptions,
)
"""Every section of the settings, in the order the help and the docs show them."""


class ServeSettings(BaseModel):
    """The validated settings of an HTTP server: its guardrails, how it listens, who may call.

    The Datadog connection is not here: it has no flag, so it is read from the environment
    where the client is made, in each process.
    """

    model_config = ConfigDict(frozen=True)

    server: ServerOptions
    http: HttpOptions
    auth: AuthOptions

    def public_values(self) -> dict[str, dict[str, Any]]:
        """These settings as JSON values, without their secrets (they stay in the environment)."""
        sections: dict[str, Options] = {"server": self.server, "http": self.http, "auth": self.auth}
        return {
            name: section.model_dump(
                mode="json",
                exclude={option.field for option in section.options() if option.secret},
            )
            for name, section in sections.items()
        }

    @classmethod
    def from_public_values(cls, values: Mapping[str, Mapping[str, Any]]) -> Self:
        """The settings `public_values` gave, with the secrets read again from the environment.

        Raises:
            ConfigurationError: A secret in the environment is invalid.
        """
        return cls(
            server=ServerOptions.load(**values["server"]),
            http=HttpOptions.load(**values["http"]),
            auth=AuthOptions.load(**values["auth"]),
        )

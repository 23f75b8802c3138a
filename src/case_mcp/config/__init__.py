"""Settings, validated once at start-up: one typed tree, each option declared once.

The tree has five sections, each a `pydantic_settings.BaseSettings` whose fields are
declared with `option()`: `Settings` (the Datadog connection), `ServerOptions` (the
guardrails), `HttpOptions` (how the HTTP service listens), `AuthOptions` (who may call
it) and `TelemetryOptions` (whether OpenTelemetry traces and metrics are sent). A field's
declaration names its environment variable, its flag if it has one, its help and its
constraints; the CLI's flags (`add_flags`), the validation messages and the
configuration table of docs/configuration.md (`configuration_table`, `refreshed`) are made from it.
A flag wins over its variable. Keys and tokens are `SecretStr`: never in a repr, a log
line or an error message.
"""

from case_mcp.config._auth import AuthOptions
from case_mcp.config._datadog import DEFAULT_SITE, SITES, AuthKind, Settings
from case_mcp.config._flags import add_flags, flag_values
from case_mcp.config._http import HttpOptions
from case_mcp.config._option import Option, Options, option
from case_mcp.config._server import MIN_SECRET_LENGTH, ConfirmMode, ServerOptions
from case_mcp.config._table import TableKind, configuration_table, refreshed
from case_mcp.config._telemetry import Exporter, TelemetryOptions
from case_mcp.config._tree import SECTIONS, ServeSettings

__all__ = [
    "DEFAULT_SITE",
    "MIN_SECRET_LENGTH",
    "SECTIONS",
    "SITES",
    "AuthKind",
    "AuthOptions",
    "ConfirmMode",
    "Exporter",
    "HttpOptions",
    "Option",
    "Options",
    "ServeSettings",
    "ServerOptions",
    "Settings",
    "TableKind",
    "TelemetryOptions",
    "add_flags",
    "configuration_table",
    "flag_values",
    "option",
    "refreshed",
]

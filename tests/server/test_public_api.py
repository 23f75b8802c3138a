"""The public surfaces of case_mcp.server and its HTTP front are exactly what their __all__ say."""

from __future__ import annotations

from types import ModuleType

import pytest

from case_mcp import server
from case_mcp.server import http

PUBLIC: dict[ModuleType, list[str]] = {
    server: [
        "DEFAULT_TOOLSETS",
        "EFFECT_OF_KIND",
        "SANDBOX_BASE_URL",
        "SERVER_NAME",
        "TOOLSETS",
        "TOOL_DEFINITIONS",
        "CallUsageError",
        "ClientFactory",
        "IdentityProvider",
        "ServerState",
        "TokenBook",
        "ToolKind",
        "ToolSpec",
        "Toolset",
        "call_tool",
        "cost_report",
        "create_server",
        "datadog_client_factory",
        "get_case_costs",
        "manifest_text",
        "offered_tools",
        "parse_arguments",
        "read_costs",
        "run_stdio",
        "sandbox_client_factory",
        "sandbox_on_demand",
        "tool_snapshots",
        "tool_table",
        "write_tool_files",
    ],
    http: [
        "RETRY_LATER",
        "ServerAuth",
        "auth_configured",
        "check_binding",
        "create_http_app",
        "serve_http",
        "serve_workers",
        "server_auth",
        "service_config",
        "tune_collector",
        "use_json_logs",
    ],
}


@pytest.mark.parametrize("package", PUBLIC, ids=lambda package: package.__name__)
def test_the_package_exports_exactly_its_public_names(package: ModuleType) -> None:
    """The package's __all__ is the pinned list, every name in it exists, and none is private."""
    assert package.__all__ == PUBLIC[package]
    assert all(hasattr(package, name) for name in package.__all__)
    assert not any(name.startswith("_") for name in package.__all__)

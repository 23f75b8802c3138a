"""The typed async client of the Datadog Case Management API.

It knows nothing of MCP: the server's tools are a thin layer over `CaseManagementClient`.
Answers come back as `case_mcp.models`, failures as `case_mcp.errors`.
"""

from case_mcp.client._cases import CaseSortField
from case_mcp.client._client import CaseManagementClient
from case_mcp.client._http import USER_AGENT
from case_mcp.client._operations import MAX_PAGE_SIZE

__all__ = ["MAX_PAGE_SIZE", "USER_AGENT", "CaseManagementClient", "CaseSortField"]

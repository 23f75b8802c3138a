"""The typed async client of the Datadog Case Management API.

It knows nothing of MCP: the server's tools are a thin layer over `CaseManagementClient`.
Answers come back as `case_mcp.models`, failures as `case_mcp.errors`. `RetryPolicy` says
which failed requests are sent again (never a create whose answer was lost: that one is looked
for instead), and `RequestLimits` caps what one client sends. `using_credentials` and
`using_request_id` set what the API calls made inside a block carry: a caller's own keys, the
inbound request's id.
"""

from case_mcp.client._cases import CaseSortField
from case_mcp.client._client import CaseManagementClient
from case_mcp.client._credentials import (
    RequestCredentials,
    current_request_id,
    current_tenant,
    using_credentials,
    using_request_id,
)
from case_mcp.client._http import USER_AGENT
from case_mcp.client._limits import RequestLimits
from case_mcp.client._operations import MAX_PAGE_SIZE
from case_mcp.client._retry import RetryPolicy

__all__ = [
    "MAX_PAGE_SIZE",
    "USER_AGENT",
    "CaseManagementClient",
    "CaseSortField",
    "RequestCredentials",
    "RequestLimits",
    "RetryPolicy",
    "current_request_id",
    "current_tenant",
    "using_credentials",
    "using_request_id",
]

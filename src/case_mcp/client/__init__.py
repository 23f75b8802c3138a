"""The typed async client of the Datadog Case Management API.

It knows nothing of MCP: the server's tools are a thin layer over `CaseManagementClient`.
Answers come back as `case_mcp.models`, failures as `case_mcp.errors`. `RetryPolicy` says
which failed requests are sent again (never a create whose answer was lost: that one is looked
for instead), and `RequestLimits` caps what one client sends.

Each of the client's operations is declared once (`Operation`, listed in `OPERATIONS`): its
method, path, models, `Effect` on state and `Scope`; an error the client raises names the
operation it came from (`DatadogError.operation`). An `OperationGuard` sees every call of a
client made with `CaseManagementClient.guarded`. `using_credentials` and `using_request_id`
set what the API calls made inside a block carry: a caller's own keys, the inbound request's id.
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
from case_mcp.client._operation import (
    OPERATIONS,
    ORGANISATION,
    Effect,
    Operation,
    OperationGuard,
    Scope,
)
from case_mcp.client._operations import MAX_PAGE_SIZE
from case_mcp.client._rate_limits import KNOWN_BUCKETS
from case_mcp.client._retry import RetryPolicy, never_sent

__all__ = [
    "KNOWN_BUCKETS",
    "MAX_PAGE_SIZE",
    "OPERATIONS",
    "ORGANISATION",
    "USER_AGENT",
    "CaseManagementClient",
    "CaseSortField",
    "Effect",
    "Operation",
    "OperationGuard",
    "RequestCredentials",
    "RequestLimits",
    "RetryPolicy",
    "Scope",
    "current_request_id",
    "current_tenant",
    "never_sent",
    "using_credentials",
    "using_request_id",
]

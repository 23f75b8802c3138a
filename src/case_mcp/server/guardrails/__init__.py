"""The guardrails: what stands between a model's call and Datadog.

Which tools are offered and why (`_spec`), project scope (`_scope`), confirmation of deletes
and its tokens (`_confirm`, `_confirmed_delete`, `_approvals`, `_tokens`, `_keys`,
`_request_state`), the audit log (`_audit`) and untrusted text (`_sanitize`, `_question`).
The modules are the server's own: its other rooms import them directly, and nothing outside
`case_mcp.server` does.

A call passes these layers in this order, outermost first; each is added in one place:

1. HTTP only, ASGI (`http._app.create_http_app`): the request id, then streams that end at
   shutdown.
2. HTTP only, bearer authentication (the SDK's `BearerAuthBackend` over the verifiers of
   `http._auth.server_auth`) and the gate of ``/mcp`` that answers 401 and 403
   (`http._resource`), then the SDK's Streamable HTTP transport with its host and origin
   checks.
3. The SDK's sealing of request state (`_request_state`), then the nonce that makes a
   person's answer single use (`_approvals.seal_nonces`), both in `_factory.create_server`.
4. HTTP only, tool-call middleware (`http._app.create_http_app`): the caller's scope policy
   (`http._auth.install_caller_policy`), then the concurrency cap, then the per-caller rate.
5. Registration (`_factory.create_server`): the tools the options offer, listed from their
   packaged definitions and each built at its first call (`_catalog`), its handler wrapped
   once for errors (`_tool.tool_of`); the guard for refusals and audit (`_spec.guard`);
   project scope wraps the client (`_scope`).
"""

"""Datadog's official Python client against the sandbox served over a real socket.

`datadog-api-client` is written by Datadog from its OpenAPI specification and checks every
answer against its models, so it judges the sandbox's wire format independently of our client.
The sandbox runs under uvicorn on a loopback port, exactly as `case-mcp sandbox` serves it.
The fixtures `sandbox_url` and `api_client` (tests/sandbox/conftest.py) are built from these.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_create import CaseCreate
from datadog_api_client.v2.model.case_create_attributes import CaseCreateAttributes
from datadog_api_client.v2.model.case_create_relationships import CaseCreateRelationships
from datadog_api_client.v2.model.case_create_request import CaseCreateRequest
from datadog_api_client.v2.model.case_priority import CasePriority
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType

from case_mcp.sandbox import Sandbox

STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"


@contextmanager
def served(sandbox: Sandbox) -> Iterator[str]:
    """`sandbox` under uvicorn on a loopback port; yields its base URL."""
    # Binding the socket here means the port is known, and connections wait in the
    # backlog until uvicorn accepts them: no polling for readiness.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = uvicorn.Server(uvicorn.Config(sandbox.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@contextmanager
def official_client(base_url: str) -> Iterator[ApiClient]:
    """Datadog's client, configured for the sandbox at `base_url` with keys it accepts."""
    configuration = Configuration(host=base_url)
    configuration.api_key["apiKeyAuth"] = "official-client-api-key"
    configuration.api_key["appKeyAuth"] = "official-client-app-key"
    with ApiClient(configuration) as client:
        yield client


def new_case(cases: CaseManagementApi, project_id: str, title: str) -> str:
    """Create a Standard P3 case in `project_id` with the official client; its id."""
    created = cases.create_case(
        CaseCreateRequest(
            data=CaseCreate(
                attributes=CaseCreateAttributes(
                    title=title, type_id=STANDARD_TYPE_ID, priority=CasePriority.P3
                ),
                relationships=CaseCreateRelationships(
                    project=ProjectRelationship(
                        data=ProjectRelationshipData(
                            id=project_id, type=ProjectResourceType.PROJECT
                        )
                    )
                ),
                type=CaseResourceType.CASE,
            )
        )
    )
    return str(created.data.id)

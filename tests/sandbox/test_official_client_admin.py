"""Datadog's own client administers case types and custom attribute configs on the sandbox.

Each request is one of Datadog's scenarios (features/case_management_type.feature and
case_management_attribute.feature), with the status it expects; every answer is read into the
official client's models.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.model.case_type_create import CaseTypeCreate
from datadog_api_client.v2.model.case_type_create_request import CaseTypeCreateRequest
from datadog_api_client.v2.model.case_type_resource_attributes import CaseTypeResourceAttributes
from datadog_api_client.v2.model.case_type_resource_type import CaseTypeResourceType
from datadog_api_client.v2.model.case_type_update import CaseTypeUpdate
from datadog_api_client.v2.model.case_type_update_request import CaseTypeUpdateRequest
from datadog_api_client.v2.model.custom_attribute_config_attributes_create import (
    CustomAttributeConfigAttributesCreate,
)
from datadog_api_client.v2.model.custom_attribute_config_create import (
    CustomAttributeConfigCreate,
)
from datadog_api_client.v2.model.custom_attribute_config_create_request import (
    CustomAttributeConfigCreateRequest,
)
from datadog_api_client.v2.model.custom_attribute_config_resource_type import (
    CustomAttributeConfigResourceType,
)
from datadog_api_client.v2.model.custom_attribute_config_update import (
    CustomAttributeConfigUpdate,
)
from datadog_api_client.v2.model.custom_attribute_config_update_attributes import (
    CustomAttributeConfigUpdateAttributes,
)
from datadog_api_client.v2.model.custom_attribute_config_update_request import (
    CustomAttributeConfigUpdateRequest,
)
from datadog_api_client.v2.model.custom_attribute_select_option import (
    CustomAttributeSelectOption,
)
from datadog_api_client.v2.model.custom_attribute_type import CustomAttributeType
from datadog_api_client.v2.model.custom_attribute_type_data import CustomAttributeTypeData

UNKNOWN = "9fd476d7-a955-454a-851d-980c655c02d3"
DETECTIVE = "\U0001f575\U0001f3fb\u200d\u2642\ufe0f"  # the emoji of Datadog's update example


def status_of(call: Callable[[], object]) -> int:
    """The HTTP status the official client raised for `call`."""
    with pytest.raises(ApiException) as raised:
        call()
    return int(raised.value.status)


def type_body(emoji: str, name: str = "Investigation") -> CaseTypeCreateRequest:
    return CaseTypeCreateRequest(
        data=CaseTypeCreate(
            attributes=CaseTypeResourceAttributes(
                description="Investigations done in case management", emoji=emoji, name=name
            ),
            type=CaseTypeResourceType.CASE_TYPE,
        )
    )


def type_update(emoji: str = DETECTIVE) -> CaseTypeUpdateRequest:
    return CaseTypeUpdateRequest(
        data=CaseTypeUpdate(
            attributes=CaseTypeResourceAttributes(
                description="Investigations done in case management", emoji=emoji, name="Inv"
            ),
            type=CaseTypeResourceType.CASE_TYPE,
        )
    )


def attribute_body(kind: str) -> CustomAttributeConfigCreateRequest:
    # An unknown type cannot be built from the enum; the client sends the string as given.
    type_value: Any = CustomAttributeType(kind) if kind in ("NUMBER", "TEXT") else kind
    return CustomAttributeConfigCreateRequest(
        data=CustomAttributeConfigCreate(
            attributes=CustomAttributeConfigAttributesCreate(
                display_name=f"AWS Region {uuid.uuid4()}",
                is_multi=True,
                key=f"region_{uuid.uuid4().hex[:16]}",
                type=type_value,
            ),
            type=CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE,
        ),
        _check_type=False,
    )


def attribute_update(kind: CustomAttributeType) -> CustomAttributeConfigUpdateRequest:
    return CustomAttributeConfigUpdateRequest(
        data=CustomAttributeConfigUpdate(
            attributes=CustomAttributeConfigUpdateAttributes(
                description="Updated description.",
                display_name="AWS Region",
                type=kind,
                type_data=CustomAttributeTypeData(
                    options=[CustomAttributeSelectOption(value="us-east-1")]
                ),
            ),
            type=CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE,
        )
    )


def test_official_client_creates_updates_and_deletes_a_case_type(api_client: ApiClient) -> None:
    """Created (201), updated in place (200), deleted (204, twice), listed as deleted."""
    types = CaseManagementTypeApi(api_client)

    created = types.create_case_type(type_body("👑")).data
    updated = types.update_case_type(created.id, type_update()).data
    types.delete_case_type(created.id)
    types.delete_case_type(created.id)

    assert created.attributes.name == "Investigation"
    assert (updated.id, updated.attributes.name, updated.attributes.emoji) == (
        created.id,
        "Inv",
        DETECTIVE,
    )
    listed = {t.id: t for t in types.get_all_case_types().data}
    assert listed[created.id].attributes.deleted_at is not None


def test_official_client_gets_the_case_type_errors_of_datadogs_scenarios(
    api_client: ApiClient,
) -> None:
    """A word for an emoji is a 400, on create and update; an unknown type's update a 404."""
    types = CaseManagementTypeApi(api_client)
    type_id = types.create_case_type(type_body("👑")).data.id

    assert status_of(lambda: types.create_case_type(type_body("notanemoji"))) == 400
    assert status_of(lambda: types.update_case_type(type_id, type_update("notanemoji"))) == 400
    assert status_of(lambda: types.update_case_type(UNKNOWN, type_update())) == 404


def test_official_client_creates_updates_and_deletes_a_custom_attribute_config(
    api_client: ApiClient,
) -> None:
    """Created (201) on a new type, updated in place (200), listed, deleted (204)."""
    types = CaseManagementTypeApi(api_client)
    attributes = CaseManagementAttributeApi(api_client)
    type_id = types.create_case_type(type_body("🌍", "World")).data.id

    created = attributes.create_custom_attribute_config(type_id, attribute_body("NUMBER")).data
    updated = attributes.update_custom_attribute_config(
        type_id, created.id, attribute_update(CustomAttributeType.SELECT)
    ).data
    listed = attributes.get_all_custom_attribute_configs_by_case_type(type_id).data
    attributes.delete_custom_attribute_config(type_id, created.id)

    assert created.attributes.type == CustomAttributeType.NUMBER
    assert (updated.id, updated.attributes.key) == (created.id, created.attributes.key)
    assert updated.attributes.type == CustomAttributeType.SELECT
    assert updated.attributes.display_name == "AWS Region"
    assert [config.id for config in listed] == [created.id]
    assert attributes.get_all_custom_attribute_configs_by_case_type(type_id).data == []


def test_official_client_gets_the_custom_attribute_errors_of_datadogs_scenarios(
    api_client: ApiClient,
) -> None:
    """FLOAT is no type (400); an unknown type or attribute is a 404; an id that is not a
    UUID a 400."""
    types = CaseManagementTypeApi(api_client)
    attributes = CaseManagementAttributeApi(api_client)
    type_id = types.create_case_type(type_body("🌍", "World")).data.id
    config_id = attributes.create_custom_attribute_config(type_id, attribute_body("NUMBER")).data.id
    update = attribute_update(CustomAttributeType.NUMBER)

    assert (
        status_of(
            lambda: attributes.create_custom_attribute_config(type_id, attribute_body("FLOAT"))
        )
        == 400
    )
    assert (
        status_of(
            lambda: attributes.create_custom_attribute_config(UNKNOWN, attribute_body("TEXT"))
        )
        == 404
    )
    assert (
        status_of(lambda: attributes.update_custom_attribute_config(UNKNOWN, config_id, update))
        == 404
    )
    assert (
        status_of(lambda: attributes.update_custom_attribute_config(type_id, UNKNOWN, update))
        == 404
    )
    assert (
        status_of(lambda: attributes.delete_custom_attribute_config(type_id, "not-an-uuid")) == 400
    )
    assert status_of(lambda: attributes.delete_custom_attribute_config(type_id, UNKNOWN)) == 404

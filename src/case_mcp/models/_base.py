"""The base of every model of a Datadog document."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DatadogModel(BaseModel):
    """A part of a JSON document that Datadog sent.

    Datadog adds fields without notice (``comment_count``, ``status_group``, ``insights`` were
    all undocumented when first seen), so unknown fields are kept, not dropped: they stay
    readable through ``model_extra`` and come back out of ``model_dump``. Values of documented
    enums are plain strings for the same reason. Models are frozen because one parsed answer
    may be shared by several readers.
    """

    model_config = ConfigDict(extra="allow", frozen=True, validate_by_name=True, defer_build=True)

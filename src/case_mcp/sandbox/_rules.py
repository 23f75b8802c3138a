"""Datadog's Case Management rules that need no state: enums, formats and value checks.

The store applies these inside its transactions; they raise the sandbox's `_errors` types with
Datadog's wording where the recordings show it, and a detail saying what is accepted otherwise.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final
from urllib.parse import urlsplit

from ._errors import BadRequest, GenericError

__all__ = [
    "CUSTOM_ATTRIBUTE_TYPES",
    "DEFAULT_STATUSES_CONFIG",
    "INSIGHT_TYPES",
    "PRIORITIES",
    "PRIORITY_RANKS",
    "RESOLVED_REASONS",
    "STATUSES",
    "STATUS_GROUPS",
    "StatusOption",
    "check_attributes",
    "check_custom_attribute_type",
    "check_custom_value",
    "check_due_date",
    "check_emoji",
    "check_insights",
    "check_priority",
    "check_project_key",
    "check_resolved_reason",
    "check_status",
    "default_status",
    "nonblank",
    "resolve_status",
    "select_options",
    "status_options",
    "status_value",
]

# Datadog's status enum, in the order of its own 400 answer.
STATUSES: Final = (
    "NOT_STARTED",
    "IN_PROGRESS",
    "CLOSED",
    "ACKNOWLEDGED",
    "TRIGGERED",
    "PENDING_APPROVAL",
    "COMPLETED",
    "CANCELLED",
    "DECLINED",
    "SUNKNOWN",
    "OPEN",
    "RESOLVED",
    "APPROVED",
    "IMPLEMENTING",
)
PRIORITIES: Final = ("P1", "P2", "P3", "P4", "P5", "NOT_DEFINED")
PRIORITY_RANKS: Final = {priority: rank for rank, priority in enumerate(PRIORITIES, start=1)}
# A case type's statuses_config groups its statuses under these keys.
STATUS_GROUPS: Final = {"open": "SG_OPEN", "in_progress": "SG_IN_PROGRESS", "closed": "SG_CLOSED"}
CUSTOM_ATTRIBUTE_TYPES: Final = ("URL", "TEXT", "NUMBER", "SELECT")
# The reasons Datadog's client names for a resolved security case (it types the field as text).
RESOLVED_REASONS: Final = ("FALSE_POSITIVE", "TRUE_POSITIVE", "BENIGN_POSITIVE")
# Datadog's CaseInsightType enum, in its order.
INSIGHT_TYPES: Final = (
    "SECURITY_SIGNAL",
    "MONITOR",
    "EVENT_CORRELATION",
    "ERROR_TRACKING",
    "CLOUD_COST_RECOMMENDATION",
    "INCIDENT",
    "SENSITIVE_DATA_SCANNER_ISSUE",
    "EVENT",
    "WATCHDOG_STORY",
    "WIDGET",
    "SECURITY_FINDING",
    "INSIGHT_SCORECARD_CAMPAIGN",
    "RESOURCE_POLICY",
    "APM_RECOMMENDATION",
    "SCM_URL",
    "PROFILING_DOWNSIZING_EXPERIMENT",
)
MAX_INSIGHTS: Final = 100

# What Datadog gives every case type created through the API.
DEFAULT_STATUSES_CONFIG: Final[dict[str, Any]] = {
    "open": {"status_options": [{"name": "Open"}], "default": "Open"},
    "in_progress": {"status_options": [{"name": "In Progress"}], "default": "In Progress"},
    "closed": {"status_options": [{"name": "Closed"}], "default": "Closed"},
}

_PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9]{0,9}")
_DUE_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def nonblank(value: str, field: str) -> str:
    """The value, unless it is empty or only spaces (a 400 naming the field)."""
    if not value.strip():
        raise BadRequest(f"{field} must not be empty")
    return value


def check_custom_attribute_type(type: str) -> str:
    """A custom attribute type of Datadog's enum; a 400 listing them otherwise."""
    if type not in CUSTOM_ATTRIBUTE_TYPES:
        raise BadRequest(
            f"custom attribute type {type!r} is not one of {', '.join(CUSTOM_ATTRIBUTE_TYPES)}"
        )
    return type


def select_options(options: Sequence[str] | None) -> list[str]:
    """A SELECT attribute's options: at least one, distinct and non-empty; a 400 otherwise."""
    if not options or len(set(options)) != len(options) or not all(options):
        raise BadRequest(
            "a SELECT custom attribute needs type_data.options: distinct non-empty "
            'values, as in {"options": [{"value": "us-east-1"}]}'
        )
    return list(options)


def check_due_date(due_date: object) -> str | None:
    """A due date as Datadog's model has it: a calendar date ``YYYY-MM-DD``, or None to clear it."""
    if due_date is None:
        return None
    if isinstance(due_date, str) and _DUE_DATE.fullmatch(due_date):
        try:
            return date.fromisoformat(due_date).isoformat()
        except ValueError:
            pass
    shown = json.dumps(due_date, ensure_ascii=False)
    raise BadRequest(
        f"due_date must be a date written YYYY-MM-DD, such as 2026-12-31, or null to clear it; "
        f"got {shown}"
    )


def check_priority(priority: str) -> str:
    """A valid priority, or Datadog's 400 listing them."""
    if priority not in PRIORITY_RANKS:
        raise GenericError(f"invalid priority {priority}. Must be one of {', '.join(PRIORITIES)}")
    return priority


def check_status(status: str) -> str:
    """A status of Datadog's enum, or Datadog's 400 listing it."""
    if status not in STATUSES:
        raise GenericError(f"invalid status {status}. Must be one of {', '.join(STATUSES)}")
    return status


def check_project_key(key: str) -> str:
    """A valid new project key: 1-10 uppercase letters or digits, starting with a letter."""
    if key == "CASE":
        raise BadRequest('project key "CASE" is reserved by Datadog; choose another key')
    if not _PROJECT_KEY.fullmatch(key):
        raise BadRequest(
            f"invalid project key {key!r}: a key is 1 to 10 uppercase letters or digits "
            "starting with a letter, such as SEC or OPS2"
        )
    return key


def status_value(name: str) -> str:
    """The status value of a status name: "Pending Approval" -> PENDING_APPROVAL."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


StatusOption = tuple[str, str, str]  # (value, name, status group)


def status_options(statuses_config: dict[str, Any]) -> list[StatusOption]:
    """Every status a case type offers, in its configured order."""
    options: list[StatusOption] = []
    for group_key, group in STATUS_GROUPS.items():
        for option in statuses_config.get(group_key, {}).get("status_options", []):
            options.append((status_value(option["name"]), option["name"], group))
    return options


def default_status(statuses_config: dict[str, Any]) -> StatusOption:
    """The status a new case of the type starts in: the default of its open group."""
    options = status_options(statuses_config)
    default = statuses_config.get("open", {}).get("default")
    for option in options:
        if option[1] == default:
            return option
    return options[0]


def resolve_status(
    statuses_config: dict[str, Any], type_name: str, status: str | None, status_name: str | None
) -> StatusOption:
    """The status a request asks for, by value and/or name, among those the type offers."""
    options = status_options(statuses_config)
    by_value = None
    if status is not None:
        check_status(status)
        by_value = next((option for option in options if option[0] == status), None)
        if by_value is None:
            offered = ", ".join(option[0] for option in options)
            raise BadRequest(
                f"status {status} is not a status of case type {type_name!r}; "
                f"its statuses are {offered}"
            )
    if status_name is None:
        if by_value is None:
            raise BadRequest(
                "give status (such as IN_PROGRESS) or status_name (such as 'In Progress')"
            )
        return by_value
    by_name = next(
        (option for option in options if option[1].casefold() == status_name.casefold()), None
    )
    if by_name is None:
        offered = ", ".join(repr(option[1]) for option in options)
        raise BadRequest(
            f"status_name {status_name!r} is not a status of case type {type_name!r}; "
            f"its status names are {offered}"
        )
    if by_value is not None and by_value != by_name:
        raise BadRequest(
            f"status {status} and status_name {status_name!r} name different statuses; give one"
        )
    return by_name


def check_attributes(attributes: Mapping[str, Any]) -> dict[str, list[str]]:
    """A case's attributes map: names to lists of distinct strings, sorted by name."""
    checked: dict[str, list[str]] = {}
    for key, values in attributes.items():
        if not isinstance(key, str) or not key.strip():
            raise BadRequest("attribute names must be non-empty strings")
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise BadRequest(
                f"attribute {key!r} must be a list of strings, as in "
                '{"service": ["web-api"], "env": ["prod"]}'
            )
        checked[key] = list(dict.fromkeys(values))  # one row per distinct value
    return dict(sorted(checked.items()))


def check_custom_value(
    key: str, config: dict[str, Any], type_: str, is_multi: bool, value: Any
) -> Any:
    """A custom attribute value that fits its configuration; a 400 saying what fits otherwise."""
    if type_ not in CUSTOM_ATTRIBUTE_TYPES:
        raise BadRequest(
            f"custom attribute type {type_!r} is not one of {', '.join(CUSTOM_ATTRIBUTE_TYPES)}"
        )
    expected = f"{config['type']}{' (multi)' if config['is_multi'] else ''}"
    if type_ != config["type"] or is_multi != config["is_multi"]:
        raise BadRequest(
            f"custom attribute {key!r} is configured as type {config['type']} with is_multi "
            f"{json.dumps(config['is_multi'])}; send those (got type {type_} with is_multi "
            f"{json.dumps(is_multi)})"
        )
    if is_multi:
        if not isinstance(value, list):
            raise BadRequest(f"custom attribute {key!r} is {expected}: value must be a list")
        return [_check_one(key, config, item, expected) for item in value]
    return _check_one(key, config, value, expected)


def _check_one(key: str, config: dict[str, Any], value: Any, expected: str) -> Any:
    kind = config["type"]
    if kind == "NUMBER":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequest(f"custom attribute {key!r} is {expected}: {value!r} is not a number")
        return value
    if not isinstance(value, str):
        raise BadRequest(f"custom attribute {key!r} is {expected}: {value!r} is not a string")
    if kind == "URL":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadRequest(
                f"custom attribute {key!r} is {expected}: {value!r} is not an http(s) URL"
            )
    if kind == "SELECT" and value not in (config.get("options") or []):
        options = ", ".join(repr(option) for option in config.get("options") or [])
        raise BadRequest(
            f"custom attribute {key!r} is {expected}: {value!r} is not one of its options "
            f"({options})"
        )
    return value


# Code points that make up emoji: pictographs, symbols, flags, keycaps and the joiners and
# modifiers between them. A heuristic (the stdlib has no emoji table), good enough to tell
# "👑" or "🏳️‍🌈" from "notanemoji".
_PICTOGRAPHS: Final = (
    (0x1F000, 0x1FAFF),
    (0x2300, 0x23FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x27BF),
    (0x2900, 0x297F),
    (0x2B00, 0x2BFF),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x21AA),
)
_ZWJ: Final = 0x200D
_MODIFIERS: Final = {0xFE0F, 0xFE0E, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)}
_REGIONAL: Final = range(0x1F1E6, 0x1F200)


def _pictograph(code: int) -> bool:
    return any(low <= code <= high for low, high in _PICTOGRAPHS)


def check_emoji(emoji: str) -> str:
    """ "" or a single emoji (one symbol, possibly joined or modified); a 400 otherwise."""
    if emoji == "":
        return emoji
    codes = [ord(char) for char in unicodedata.normalize("NFC", emoji)]
    if _single_emoji(codes):
        return emoji
    raise BadRequest(f"emoji must be a single emoji character such as 👑, or empty; got {emoji!r}")


def _single_emoji(codes: list[int]) -> bool:
    if len(codes) == 2 and all(code in _REGIONAL for code in codes):
        return True  # a flag
    if codes and (0x30 <= codes[0] <= 0x39 or codes[0] in (0x23, 0x2A)):
        return codes[1:] in ([0xFE0F, 0x20E3], [0x20E3])  # a keycap
    expect_base = True
    for code in codes:
        if expect_base:
            if not _pictograph(code):
                return False
            expect_base = False
        elif code == _ZWJ:
            expect_base = True
        elif code not in _MODIFIERS:
            return False
    return not expect_base


def check_resolved_reason(reason: object) -> str:
    """One of `RESOLVED_REASONS`, or a 400 listing them."""
    if isinstance(reason, str) and reason in RESOLVED_REASONS:
        return reason
    shown = json.dumps(reason, ensure_ascii=False)
    raise BadRequest(
        f"security_resolved_reason must be one of {', '.join(RESOLVED_REASONS)}; got {shown}"
    )


def check_insights(insights: object) -> list[dict[str, str]]:
    """1 to `MAX_INSIGHTS` insights, each ``{"type", "ref", "resource_id"}`` with a type of
    `INSIGHT_TYPES`, as Datadog's CaseInsightsAttributes requires."""
    if not isinstance(insights, list) or not 1 <= len(insights) <= MAX_INSIGHTS:
        raise BadRequest(f"insights must be a list of 1 to {MAX_INSIGHTS} insights")
    checked = []
    for index, item in enumerate(insights):
        fields = item if isinstance(item, dict) else {}
        values = {name: fields.get(name) for name in ("type", "ref", "resource_id")}
        missing = [
            name for name, value in values.items() if not isinstance(value, str) or not value
        ]
        if missing:
            raise BadRequest(
                f"insights[{index}] needs a non-empty {', '.join(missing)}: "
                '{"type", "ref", "resource_id"}'
            )
        if values["type"] not in INSIGHT_TYPES:
            raise BadRequest(
                f"insights[{index}].type {json.dumps(values['type'], ensure_ascii=False)} is not "
                f"one of {', '.join(INSIGHT_TYPES)}"
            )
        # Datadog writes an insight's keys in alphabetical order.
        checked.append({name: str(values[name]) for name in ("ref", "resource_id", "type")})
    return checked

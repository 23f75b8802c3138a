"""How an option is declared once: its field, its variable, its flag and its help.

Every setting is a field of a section (`Options`), declared with `option()`. From that one
declaration come the environment variable it is read from, the command-line flag that wins
over it (if it has one), the flag's help, the configuration table of docs/configuration.md
and the validation message that names the variable or the flag to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, get_args, get_origin

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from case_mcp.config._messages import invalid

__all__ = ["Option", "Options", "comma_separated", "option"]


def option(
    default: Any,
    *,
    env: str,
    help: str,  # argparse's name for it
    flag: str | None = None,
    metavar: str | None = None,
    shown_default: str | None = None,
    also_env: tuple[str, ...] = (),
    glance: bool = False,
    **constraints: Any,
) -> Any:
    """Declare a setting: the field's default and constraints, and how a user gives it.

    Args:
        default: The value when neither the variable nor the flag is given.
        env: The environment variable it is read from.
        help: What it does, one phrase for the flag's help and the configuration table
            (the default and the variable are added to the flag's help from the rest).
        flag: The command-line flag that wins over the variable (None: variable only).
        metavar: The flag's placeholder in the help (``LIST``, ``PATH``).
        shown_default: The default in words, where the value itself says little
            (``all``, ``the loopback names at --port``).
        also_env: Other variables read when `env` is unset (Datadog's own alternatives).
        glance: Whether it is one of the few most people set, in the README's short table.
        constraints: pydantic's constraints on the value (``ge``, ``le``, ``gt``, ...).
    """
    return Field(
        default,
        validation_alias=AliasChoices(env, *also_env) if also_env else env,
        description=help,
        json_schema_extra={
            "flag": flag,
            "metavar": metavar,
            "shown_default": shown_default,
            "glance": glance,
        },
        **constraints,
    )


@dataclass(frozen=True)
class Option:
    """One setting as a user sees it: where it is given, what it does, its default."""

    field: str
    variable: str
    flag: str | None
    metavar: str | None
    help: str
    default: str | None
    kind: Literal["switch", "choice", "value"]
    choices: tuple[str, ...]
    parse: Callable[[str], object]
    """What a flag's text is turned into: `int`, `float`, `Path` or `str`."""
    secret: bool
    default_is_prose: bool
    """Whether `default` is words (``all``) rather than a value the user could type."""
    glance: bool
    """Whether it is one of the few most people set (the README's short table)."""

    @classmethod
    def of(cls, name: str, info: FieldInfo) -> Self:
        alias = info.validation_alias
        # `option()` always names a variable: one string, or the choices it prefers first.
        variable = str(alias.choices[0] if isinstance(alias, AliasChoices) else alias)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        kinds = [kind for kind in get_args(info.annotation) if kind is not type(None)]
        kind = kinds[0] if len(kinds) == 1 else info.annotation
        choices = (
            tuple(str(choice) for choice in get_args(kind)) if get_origin(kind) is Literal else ()
        )
        shown = extra.get("shown_default")
        return cls(
            field=name,
            variable=variable,
            flag=str(extra["flag"]) if extra.get("flag") else None,
            metavar=str(extra["metavar"]) if extra.get("metavar") else None,
            help=info.description or "",
            default=str(shown) if shown else _shown(info.default),
            kind="switch" if kind is bool else "choice" if choices else "value",
            choices=choices,
            parse=_PARSERS.get(kind, str),
            secret=kind is SecretStr or SecretStr in get_args(kind),
            default_is_prose=bool(shown),
            glance=extra.get("glance") is True,
        )


_PARSERS: dict[object, Callable[[str], object]] = {int: int, float: float, Path: Path}


def _shown(default: object) -> str | None:
    """A default as a user writes it; None when there is nothing to show (unset)."""
    if default is None or default in ((), frozenset()) or default is False:
        return None
    if isinstance(default, float):
        return f"{default:g}"
    return str(default)


class Options(BaseSettings):
    """A section of the settings: ``CASE_MCP_*`` (or ``DD_*``) variables, where a flag wins.

    Each field is declared with `option()`. Build a section with `load()`, which turns every
    invalid value into one `ConfigurationError` naming the variable or flag to fix.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        validate_by_alias=True,
        validate_by_name=True,  # so a flag's value is passed by the field's name
    )

    title: ClassVar[str] = ""
    """The section's heading in the flags' help and the configuration table."""
    summary: ClassVar[str] = ""
    """What the section decides, in a phrase, under its heading."""

    @classmethod
    def options(cls) -> list[Option]:
        """Every setting of this section, in declaration order."""
        return [Option.of(name, info) for name, info in cls.model_fields.items()]

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable `field` is read from, for messages that name it."""
        return Option.of(field, cls.model_fields[field]).variable

    @classmethod
    def named(cls, field: str) -> str:
        """How a message names `field`: ``--flag / VARIABLE``, or the variable alone."""
        option = Option.of(field, cls.model_fields[field])
        return f"{option.flag} / {option.variable}" if option.flag else option.variable

    @classmethod
    def load(cls, **flags: Any) -> Self:
        """Read the environment once; each flag value that is not None wins over its variable.

        Raises:
            ConfigurationError: A value is invalid; the message names the variable or the
                flag it came from and what is expected, never the value, which may be a secret.
        """
        given = {name: value for name, value in flags.items() if value is not None}
        try:
            return cls(**given)
        except ValidationError as exc:
            flag_names: Mapping[str, str] = {
                option.field: option.flag for option in cls.options() if option.flag
            }
            raise invalid(cls, exc, flags=flag_names) from None


def comma_separated(value: object) -> object:
    """``"SEC, ops"`` from a variable or a flag as ``["SEC", "ops"]``; a list from code as is.

    For a `mode="before"` field validator of a list or tuple option.
    """
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return value

"""The command-line flags of a settings section, made from its declarations."""

from __future__ import annotations

import argparse
from typing import Any

from case_mcp.config._option import Option, Options

__all__ = ["add_flags", "flag_help", "flag_values"]


def flag_help(option: Option) -> str:
    """The flag's help: what it does, then its default and the variable it also reads."""
    if option.kind == "switch":
        return f"{option.help} ({option.variable}=1)"
    if option.default is None:
        return f"{option.help} ({option.variable})"
    return f"{option.help} (default: {option.default}; {option.variable})"


def add_flags(parser: argparse.ArgumentParser, section: type[Options]) -> None:
    """Add the flags of `section` to `parser`, in a group titled and described as the section.

    A flag not given is None, so its variable decides; a number's bounds are checked by the
    section, whose message names the flag.
    """
    unflagged = [option.variable for option in section.options() if option.flag is None]
    description = section.summary + "; each flag also has the variable named in its help"
    if unflagged:
        description += f" (and these have no flag: {', '.join(unflagged)})"
    group = parser.add_argument_group(section.title, description)
    for option in section.options():
        if option.flag is None:
            continue
        declaration: dict[str, Any] = {"dest": option.field, "help": flag_help(option)}
        if option.kind == "switch":
            # None, not False, when absent: then the variable decides.
            declaration.update(action="store_true", default=None)
        elif option.kind == "choice":
            declaration.update(choices=option.choices)
        else:
            declaration.update(metavar=option.metavar, type=option.parse)
        group.add_argument(option.flag, **declaration)


def flag_values(args: argparse.Namespace, section: type[Options]) -> dict[str, Any]:
    """The values the flags of `section` were given in `args` (None where not given)."""
    return {
        option.field: getattr(args, option.field, None)
        for option in section.options()
        if option.flag is not None
    }

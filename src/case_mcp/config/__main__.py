"""``python -m case_mcp.config FILE``: rewrite the configuration table in FILE."""

from __future__ import annotations

import sys
from pathlib import Path

from case_mcp.config import SECTIONS, configuration_table, with_table


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m case_mcp.config docs/configuration.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    path.write_text(with_table(text, configuration_table(SECTIONS)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

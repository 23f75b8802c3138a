"""`python -m case_mcp`: the same as the `case-mcp` command."""

from case_mcp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

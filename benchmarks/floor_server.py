"""The SDK floor: the smallest useful MCP server, one trivial tool, over stdio.

Run as a script (``python benchmarks/floor_server.py``) so that nothing but the SDK is
imported; it starts the way ``case-mcp serve`` does (gc.freeze() before run()).
"""

import gc

from mcp.server import MCPServer

server = MCPServer("floor")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


if __name__ == "__main__":
    gc.freeze()
    server.run()

"""The MCP server (tools, resources, prompts) arrives with the MCP server issue."""

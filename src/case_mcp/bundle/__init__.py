"""The MCP Bundle (.mcpb) for Claude Desktop: its manifest and its directory, generated.

`write_bundle` writes the directory `mcpb pack` packs (`case-mcp bundle --out dist`);
`bundle_manifest` is its manifest.json. `case_mcp.bundle.start` is what the host runs.
"""

from case_mcp.bundle._build import BUNDLE_DIRECTORY, write_bundle
from case_mcp.bundle._manifest import ENTRY_MODULE, MANIFEST_VERSION, bundle_manifest

__all__ = [
    "BUNDLE_DIRECTORY",
    "ENTRY_MODULE",
    "MANIFEST_VERSION",
    "bundle_manifest",
    "write_bundle",
]

// The command line and environment Claude Desktop starts an installed bundle's server with:
// the manifest's mcp_config with ${__dirname} and ${user_config.*} substituted by the very
// function the host uses (getMcpConfigForManifest, from the MCPB reference implementation).
//
//   node host_config.mjs <unpacked bundle directory> '<user settings as JSON>'
//
// Prints {"command", "args", "env"} as JSON on stdout.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, sep } from "node:path";

import { getMcpConfigForManifest } from "@anthropic-ai/mcpb";

const [directory, settings = "{}"] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8"));
const config = await getMcpConfigForManifest({
  manifest,
  extensionPath: directory,
  systemDirs: { HOME: homedir() },
  userConfig: JSON.parse(settings),
  pathSeparator: sep,
});
if (!config) {
  console.error("the host would not start this bundle: a required setting is missing");
  process.exit(1);
}
process.stdout.write(JSON.stringify(config));

// The authorisation server of the OAuth tests (tests/server/test_oauth.py): oidc-provider on
// a free loopback port, with devInteractions' login and consent pages, which the tests fill in.
//
// Settings come from the environment: RESOURCE (the MCP endpoint tokens are for), OTHER_RESOURCE
// (another resource it also serves, whose tokens case_mcp must refuse) and KEYS_FILE (its
// private signing keys as a JWKS; the test keeps them to mint tokens the server would not).
// It prints one line, {"issuer": ...}, once it listens. Test-only routes:
//   POST /_test/rotate  signs with the keys KEYS_FILE holds now (a key rotation, no restart)
//   GET  /_test/stats   {"jwks": number of key-set requests served}
import { readFileSync } from "node:fs";
import http from "node:http";

import Provider, { errors } from "oidc-provider";

const { RESOURCE, OTHER_RESOURCE, KEYS_FILE } = process.env;
const RESOURCES = new Set([RESOURCE, OTHER_RESOURCE]);
const stats = { jwks: 0 };

function configuration() {
  return {
    jwks: JSON.parse(readFileSync(KEYS_FILE, "utf8")),
    // Fixed, so sessions survive a rotation (state is in the module's memory adapter).
    cookies: { keys: ["case-mcp-oauth-test-cookie-key"] },
    findAccount: async (ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.com` }),
    }),
    scopes: ["openid", "offline_access", "cases:read", "cases:write"],
    clients: [
      {
        client_id: "robot",
        client_secret: "robot-secret-of-the-oauth-tests",
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope: "cases:read cases:write",
      },
    ],
    features: {
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, indicator, client) => {
          if (!RESOURCES.has(indicator)) throw new errors.InvalidTarget();
          // The organisation's policy: the client registered as "read-only" may only read.
          const readOnly = client.clientName === "read-only";
          return {
            scope: readOnly ? "cases:read" : "cases:read cases:write",
            audience: indicator,
            accessTokenTTL: 300,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    // Access tokens carry the user's email, as many organisations' servers are set to.
    extraTokenClaims: async (ctx, token) =>
      token.accountId ? { email: `${token.accountId}@example.com` } : undefined,
  };
}

const server = http.createServer();
let provider;

server.on("request", (req, res) => {
  if (req.url === "/_test/rotate" && req.method === "POST") {
    provider = new Provider(provider.issuer, configuration());
    provider.proxy = false;
    res.writeHead(204).end();
    return;
  }
  if (req.url === "/_test/stats") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
    return;
  }
  if (req.url.startsWith("/jwks")) stats.jwks += 1;
  provider.callback()(req, res);
});

server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, configuration());
  console.log(JSON.stringify({ issuer }));
});

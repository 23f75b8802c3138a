// The view's side of the MCP Apps protocol (JSON-RPC 2.0 over postMessage with the host),
// and the helpers every view builds its page with. Written by hand rather than bundling the
// ext-apps SDK (542 KB with its dependencies): a view needs six messages.
const view = document.getElementById("view");
let nextId = 1;
const pending = new Map();

// Only our host may talk to us; every message is JSON-RPC 2.0.
const post = (message) => window.parent.postMessage({ jsonrpc: "2.0", ...message }, "*");
const notify = (method, params) => post({ method, params: params || {} });
const request = (method, params) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  post({ id, method, params });
});

// Builds an element; text goes in as text, never parsed as markup.
const el = (tag, props, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name === "text") node.textContent = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
};
const str = (value) => typeof value === "string" ? value : JSON.stringify(value);
const moment = (value) => {
  const date = new Date(value);
  return isNaN(date) ? str(value) : date.toLocaleString();
};

// What a result says in words: its text blocks (a tool error's message, a refusal).
const resultText = (result) => ((result && result.content) || [])
  .filter((block) => block && block.type === "text").map((block) => block.text).join("\n");

// Calls one of the server's tools through the host, which applies the server's guardrails
// exactly as for the model. Resolves to the CallToolResult; a refusal by the host becomes
// an error result, so callers handle one shape.
const callTool = (name, args) => request("tools/call", { name, arguments: args }).then(
  (result) => result,
  (error) => ({ isError: true, content: [{ type: "text", text: (error && error.message) || "The host refused the call." }] }),
);

const failure = (text) => el("p", { class: "error", role: "alert", text });

function applyContext(context) {
  if (!context) return;
  if (context.theme === "light" || context.theme === "dark") {
    document.documentElement.dataset.theme = context.theme;
    document.documentElement.style.colorScheme = context.theme;
  }
  const variables = context.styles && context.styles.variables;
  if (variables && typeof variables === "object") {
    for (const [name, value] of Object.entries(variables)) {
      if (/^--[\w-]+$/.test(name) && typeof value === "string") {
        document.documentElement.style.setProperty(name, value);
      }
    }
  }
}

// Tells the host our height whenever it changes, so it can size the iframe to fit.
function reportSize() {
  let lastHeight = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    notify("ui/notifications/size-changed", { width: Math.ceil(document.documentElement.scrollWidth), height });
  }).observe(document.documentElement);
}

// Joins the host and calls `render` with each tool result it sends (the arguments of the
// call, from tool-input, come first and are kept for views that call the tool again).
function start(name, render) {
  const input = { arguments: {} };
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(message.error); else resolve(message.result);
    } else if (message.method === "ui/notifications/tool-input") {
      input.arguments = (message.params && message.params.arguments) || {};
    } else if (message.method === "ui/notifications/tool-result") {
      if (message.params) render(message.params, input.arguments);
    } else if (message.method === "ui/notifications/host-context-changed") {
      applyContext(message.params);
    } else if (message.method === "ui/resource-teardown" && message.id !== undefined) {
      post({ id: message.id, result: {} });
    } else if (message.method !== undefined && message.id !== undefined) {
      post({ id: message.id, error: { code: -32601, message: "Method not found" } });
    }
  });
  request("ui/initialize", {
    appInfo: { name, version: "1" },
    appCapabilities: {},
    protocolVersion: "2026-01-26",
  }).then((result) => {
    applyContext(result && result.hostContext);
    notify("ui/notifications/initialized");
    reportSize();
  }, () => view.replaceChildren(failure("The host did not accept this view.")));
}

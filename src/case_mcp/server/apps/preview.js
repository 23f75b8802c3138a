// The preview view: what a confirmed delete or a bulk change destroys or changes, laid out for
// a person to check. When the server issued a confirmation token (the operator's token mode),
// the person approves here: the click repeats the very same call with the token, which the
// server honours only for the target in the state shown.

// The tool a token approves: a token's middle part is base64url JSON naming it (see the
// server's _tokens), and a token works for that one tool only. Hosts need not tell a view
// which tool its answer came from.
function tokenTool(token) {
  try {
    const part = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const tool = JSON.parse(atob(part)).tool;
    return typeof tool === "string" ? tool : null;
  } catch (error) {
    return null;
  }
}

const humanName = (name) => {
  const words = name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};

// The bulk preview's change reads "priority to P1", "assign to a@b.c", "move to project OPS",
// or names a change that takes no value ("archive"); the value each case gets follows "to".
const AFTER = { unassign: "unassigned", archive: "archived", unarchive: "not archived" };
function after(change) {
  const status = /^status to ([A-Z_]+)$/.exec(change);
  // As a case's status reads when its type has no name for it: "In Progress".
  if (status) return status[1].toLowerCase().split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
  const named = /^(?:priority|assign) to (.+)$|^move to project (.+)$/.exec(change);
  return named ? named[1] || named[2] : AFTER[change] || change;
}

// Once applied, the preview's values are what the cases held before the change.
function bulkTable(preview, done) {
  const cases = Array.isArray(preview.cases) ? preview.cases : [];
  const to = after(str(preview.change));
  const rows = cases.map((item) => el("tr", {},
    el("th", { scope: "row", class: "key", text: str(item.key) }),
    el("td", { text: item.title || "" }),
    el("td", { class: "change", text: (item.now || "?") + " \u2192 " + to })));
  return el("table", {},
    el("caption", { text: "Change: " + str(preview.change) + " (" + cases.length + (cases.length === 1 ? " case)" : " cases)") }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: "Case" }),
      el("th", { scope: "col", text: "Title" }),
      el("th", { scope: "col", text: (done ? "Before" : "Now") + " \u2192 after" }))),
    el("tbody", {}, ...rows));
}

function pairsList(entries) {
  const list = el("dl");
  for (const [name, value] of entries) list.append(el("dt", { text: name }), el("dd", { text: value }));
  return list;
}

function projectLoss(preview, done) {
  const lost = preview.cases === 1 ? "1 case" : preview.cases.toLocaleString() + " cases";
  return el("div", {},
    pairsList([["Project", str(preview.project)], ["Name", preview.name || "(no name)"], ["Cases lost", lost]]),
    el("p", { class: "stake", text: (done ? "Its " + lost + " were deleted with it." : "Its " + lost + " go with it, for good.") }));
}

function commentLoss(preview) {
  const facts = [["Case", str(preview.case)], ["Author", preview.author || "unknown"]];
  if (preview.created_at) facts.push(["Posted", moment(preview.created_at)]);
  return el("div", {}, pairsList(facts),
    el("blockquote", { class: "quoted", "aria-label": "Comment text", text: preview.text || preview.first_line || "" }));
}

// Any other preview: its fields, nested ones (a link's ends) flattened into "link type".
function fieldsLoss(preview) {
  const entries = [];
  const walk = (object, prefix) => {
    for (const [name, value] of Object.entries(object)) {
      const label = prefix ? prefix + " " + name.replaceAll("_", " ") : humanName(name);
      if (value && typeof value === "object" && !Array.isArray(value)) walk(value, label);
      else if (value !== null && value !== undefined && value !== "") entries.push([label, Array.isArray(value) ? value.map(str).join(", ") : str(value)]);
    }
  };
  walk(preview, "");
  return pairsList(entries);
}

function stakes(preview, bulk, done) {
  if (!preview || typeof preview !== "object") return null;
  if (bulk) return bulkTable(preview, done);
  if (typeof preview.project === "string" && typeof preview.cases === "number") return projectLoss(preview, done);
  if (typeof preview.comment_id === "string") return commentLoss(preview);
  return fieldsLoss(preview);
}

// Repeats the call the view shows with its token; the new answer replaces the preview.
async function approve(tool, args, token, button) {
  button.disabled = true;
  button.textContent = button.dataset.busy;
  const answer = await callTool(tool, { ...args, confirmation_token: token });
  showPreview(answer, args);
  const heading = view.querySelector("h1");
  if (heading) heading.focus();
}

function approval(data, args, bulk) {
  const tool = bulk ? "bulk_update_cases" : tokenTool(data.confirmation_token);
  if (!tool) return failure("This view cannot approve this request; approve it in the conversation instead.");
  const button = el("button", { type: "button", class: "approve", text: bulk ? "Approve and apply" : "Approve and delete" });
  button.dataset.busy = bulk ? "Applying\u2026" : "Deleting\u2026";
  button.addEventListener("click", () => approve(tool, args, data.confirmation_token, button));
  const expiry = data.expires_at ? "This approval expires at " + moment(data.expires_at) + "." : "This approval expires within minutes.";
  return el("div", { class: "approval" }, button, el("p", { class: "expiry", text: expiry }));
}

const PENDING_WORDS = {
  delete: "Nothing is deleted until you approve. Check what is lost below: approving deletes exactly this, as it is now.",
  bulk: "Nothing is changed until you approve. Check each case below: approving applies exactly this change to them, as they are now.",
};

// A confirmed delete's or a bulk change's answer: what happened, and what was at stake.
function showPreview(result, args) {
  args = { ...(args || {}) };
  delete args.confirmation_token;
  const data = result.structuredContent;
  if (result.isError || !data || typeof data !== "object") {
    view.replaceChildren(failure(resultText(result) || "Nothing could be read about this request; nothing was changed."));
    return;
  }
  const bulk = "applied" in data;
  const done = bulk ? data.applied === true : data.deleted === true;
  const pending = !done && typeof data.confirmation_token === "string" && data.confirmation_token !== "";
  const state = done ? "done" : pending ? "pending" : "kept";
  const headline = bulk
    ? { done: "Changed", pending: "Will be changed once you approve", kept: "Not changed" }[state]
    : { done: "Deleted", pending: "Will be deleted once you approve", kept: "Not deleted" }[state];
  const parts = [
    el("h1", { class: "headline", "data-state": state, tabindex: "-1", text: headline }),
    // A pending answer's message instructs the model; the person reads what it means for them.
    el("p", { class: "message", text: pending ? PENDING_WORDS[bulk ? "bulk" : "delete"] : str(data.message || "") }),
    stakes(data.preview, bulk, done),
  ];
  if (pending) parts.push(approval(data, args, bulk));
  view.replaceChildren(...parts.filter(Boolean));
}

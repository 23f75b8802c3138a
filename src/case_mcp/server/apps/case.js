// The case view: a case at a glance, its timeline below.
function pairs(title, entries) {
  if (!entries.length) return null;
  const list = el("dl");
  for (const [name, value] of entries) {
    list.append(el("dt", { text: name }), el("dd", { text: value }));
  }
  return el("details", { open: "" }, el("summary", {}, el("h2", { text: title })), list);
}

function entryItem(entry) {
  const item = el("li");
  const who = entry.author ? " by " + entry.author : "";
  item.append(el("div", { class: "what", text: str(entry.type).replaceAll("_", " ").toLowerCase() + who }));
  if (entry.created_at) item.append(el("div", { class: "when", text: moment(entry.created_at) }));
  if (entry.message) item.append(el("div", { class: "text", text: entry.message }));
  if (entry.change && typeof entry.change === "object") item.append(el("div", { class: "text", text: changeText(entry.change) }));
  return item;
}

// A change reads "status: IN_PROGRESS → CLOSED"; one of another shape, its fields.
function changeText(change) {
  const shown = (value) => value === null || value === undefined || value === "" ? "none" : Array.isArray(value) ? value.map(str).join(", ") : str(value);
  if ("field" in change && ("from" in change || "to" in change)) {
    return str(change.field).replace(/^custom_attributes\./, "") + ": " + shown(change.from) + " \u2192 " + shown(change.to);
  }
  return Object.entries(change).map(([name, value]) => name + ": " + shown(value)).join("; ");
}

function renderCase(data) {
  // The answer leaves the project out when the key's prefix names it (SEC-1: SEC).
  const prefix = typeof data.key === "string" && data.key.includes("-") ? data.key.slice(0, data.key.lastIndexOf("-")) : null;
  const project = data.project ? (data.project.key || data.project.name || data.project.id) : prefix;
  const heading = el("header", {},
    el("div", { class: "key", text: data.key || data.id || "" }),
    el("h1", { text: data.title || "(untitled)" }));
  const chips = el("div", { class: "chips" });
  if (data.status) chips.append(el("span", { class: "chip", text: data.status }));
  if (data.priority) chips.append(el("span", { class: "chip", "data-priority": data.priority, text: data.priority }));
  if (data.archived_at) chips.append(el("span", { class: "chip", text: "archived" }));
  const facts = [
    ["Assignee", data.assignee || "unassigned"],
    ["Project", project],
    ["Due", data.due_date],
    ["Type", data.type],
    ["Created", data.created_at && moment(data.created_at)],
    ["Created by", data.created_by],
    ["Closed", data.closed_at && moment(data.closed_at)],
    ["Resolved as", data.resolved_reason],
    ["Comments", data.comment_count],
  ].filter(([, value]) => value !== null && value !== undefined && value !== "");
  const parts = [heading, chips, pairs("Details", facts.map(([n, v]) => [n, str(v)]))];
  if (data.description) {
    parts.push(el("details", {}, el("summary", {}, el("h2", { text: "Description" })),
      el("p", { class: "description", text: data.description })));
  }
  const attributes = Object.entries(data.attributes || {}).map(([n, v]) => [n, [].concat(v).join(", ")]);
  parts.push(pairs("Attributes", attributes));
  const custom = Object.entries(data.custom_attributes || {}).map(([n, v]) => [n, Array.isArray(v) ? v.map(str).join(", ") : str(v)]);
  parts.push(pairs("Custom attributes", custom));
  const timeline = Array.isArray(data.timeline) ? data.timeline : [];
  if (timeline.length) {
    const list = el("ol", { "aria-label": "Timeline, newest first" });
    for (const entry of timeline) list.append(entryItem(entry));
    parts.push(el("details", { open: "" }, el("summary", {}, el("h2", { text: "Timeline (" + timeline.length + " latest)" })), list));
  }
  view.replaceChildren(...parts.filter(Boolean));
}

// get_case's answer: the case, or what went wrong in words.
function showCase(result) {
  const data = result.structuredContent;
  if (result.isError || !data || typeof data !== "object") {
    view.replaceChildren(failure(resultText(result) || "The case could not be read."));
    return;
  }
  renderCase(data);
}

// The case view's actions: a person changes the case with the server's own tools, called
// through the host, so read-only mode, toolsets, project scope and the audit log hold
// exactly as for a model's call; and pages back through older timeline entries.
const STATUS_GROUPS = [["open", "OPEN", "Open"], ["in_progress", "IN_PROGRESS", "In progress"], ["closed", "CLOSED", "Closed"]];
const DEFAULT_STATUS_NAMES = { open: "open", "in progress": "in_progress", closed: "closed" };
const typeStatuses = new Map(); // case type -> its statuses by group (list_case_statuses)
let acting = null; // what is shown: { data, shown (entry keys), pageSize, nextPage, notice }

// The case view's answer: the case, its actions and its timeline with a way further back.
function showCaseToActOn(result, args) {
  const data = result.structuredContent;
  if (result.isError || !data || typeof data !== "object") {
    showCase(result);
    return;
  }
  showActable(data, paging(data, Number(args && args.timeline) || 0));
}

// A full first page of `size` may have older entries after it, on page 2 of that size.
function paging(data, size) {
  const timeline = Array.isArray(data.timeline) ? data.timeline : [];
  return { pageSize: size, nextPage: size && timeline.length >= size ? 2 : null };
}

function showActable(data, pages, notice) {
  renderCase(data);
  acting = { data, shown: [], ...pages, notice };
  view.querySelector(".chips").after(actionPanel(data, notice));
  timelinePaging(Array.isArray(data.timeline) ? data.timeline : []);
  return loadStatuses(data);
}

// Runs one action: its controls wait while the call runs, then the outcome is said in words
// and the case read again, so what is shown is what the server now holds.
async function act(control, tool, args, said) {
  const panel = view.querySelector(".actions");
  const rows = () => [...view.querySelectorAll(".actions .row")];
  const row = rows().findIndex((each) => each.contains(document.activeElement));
  // What the person typed is kept, unless this action just used it.
  const drafts = ["assignee", "comment"].map((id) => [id, view.querySelector("#" + id).value]);
  panel.querySelector("fieldset").disabled = true;
  panel.setAttribute("aria-busy", "true");
  const result = await callTool(tool, { case_id: caseId(), ...args });
  const notice = result.isError
    ? { error: resultText(result) || "The server did not say why the change failed." }
    : { text: said(result.structuredContent || {}) };
  const shown = Math.min(100, Math.max(acting.pageSize, acting.shown.length));
  const fresh = await callTool("get_case", { case_id: caseId(), timeline: shown });
  if (fresh.isError || !fresh.structuredContent) {
    // The case could not be read back (gone, or out of reach): keep it as it was shown.
    await showActable(acting.data, paging(acting.data, acting.pageSize), notice);
  } else {
    await showActable(fresh.structuredContent, paging(fresh.structuredContent, shown), notice);
  }
  for (const [id, value] of drafts) {
    const used = { assign: "assignee", "add-comment": "comment" }[control] === id;
    if (result.isError || !used) view.querySelector("#" + id).value = value;
  }
  // Focus stays where the person was: the same control, or the first of its row
  // (Close case becomes Reopen case).
  const again = view.querySelector(`[data-control="${control}"]`) || (rows()[row] && rows()[row].querySelector("button, select, input, textarea"));
  if (again) again.focus();
}

const caseId = () => acting.data.key || acting.data.id;

function actionPanel(data, notice) {
  const controls = el("fieldset", {},
    el("legend", { text: "Act on this case" }),
    el("div", { class: "row status-row" }, el("span", { class: "label", text: "Status" })),
    priorityRow(data), assignRow(data), commentRow());
  const parts = [controls];
  if (notice && notice.error) parts.push(failure(notice.error));
  else if (notice) parts.push(el("p", { class: "outcome", role: "status", text: notice.text }));
  return el("section", { class: "actions", "aria-label": "Actions" }, ...parts);
}

function actionButton(text, control, onclick) {
  return el("button", { type: "button", "data-control": control, text, onclick });
}

function priorityRow(data) {
  const select = el("select", { id: "priority", "data-control": "priority" });
  for (const value of ["P1", "P2", "P3", "P4", "P5"]) {
    const option = el("option", { value, text: value });
    if (value === data.priority) option.selected = true;
    select.append(option);
  }
  if (!["P1", "P2", "P3", "P4", "P5"].includes(data.priority)) {
    select.prepend(el("option", { value: "", text: "Not set", disabled: "" }));
    select.value = "";
  }
  return el("div", { class: "row" }, el("label", { for: "priority", class: "label", text: "Priority" }), select,
    actionButton("Set priority", "set-priority", () => select.value && act("set-priority",
      "update_case_priority", { priority: select.value }, (c) => "Priority is now " + (c.priority || select.value) + ".")));
}

function assignRow(data) {
  const input = el("input", { id: "assignee", type: "email", autocomplete: "off", placeholder: "name@example.com", "data-control": "assignee" });
  const assign = () => {
    const who = input.value.trim();
    if (!who) { input.focus(); return; }
    act("assign", "assign_case", { assignee: who }, (c) => "Assigned to " + (c.assignee || who) + ".");
  };
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") assign(); });
  const row = el("div", { class: "row" }, el("label", { for: "assignee", class: "label", text: "Assign to" }), input,
    actionButton("Assign", "assign", assign));
  if (data.assignee) {
    row.append(actionButton("Unassign", "unassign", () => act("unassign", "unassign_case", {}, () => "The case is unassigned.")));
  }
  return row;
}

function commentRow() {
  const text = el("textarea", { id: "comment", rows: "2", "data-control": "comment" });
  return el("div", { class: "row" }, el("label", { for: "comment", class: "label", text: "Comment" }), text,
    actionButton("Add comment", "add-comment", () => {
      if (!text.value.trim()) { text.focus(); return; }
      act("add-comment", "add_case_comment", { comment: text.value }, () => "Comment added.");
    }));
}

// The statuses the case's type offers, asked once per type; none known: the three groups.
async function loadStatuses(data) {
  const type = data.type || "";
  if (!typeStatuses.has(type)) {
    const result = await callTool("list_case_statuses", { case_id: data.key || data.id });
    const statuses = !result.isError && result.structuredContent && result.structuredContent.statuses;
    typeStatuses.set(type, statuses && typeof statuses === "object" ? statuses : {});
  }
  if (acting && acting.data === data) statusControl(data, typeStatuses.get(type));
}

function statusControl(data, statuses) {
  const row = view.querySelector(".status-row");
  const wanted = str(data.status || "").toLowerCase();
  let group = DEFAULT_STATUS_NAMES[wanted] || null;
  const names = [];
  for (const [key] of STATUS_GROUPS) {
    for (const name of [].concat(statuses[key] || [])) {
      names.push([key, str(name)]);
      if (str(name).toLowerCase() === wanted) group = key;
    }
  }
  const own = names.length > 3 || names.some(([, name]) => !(name.toLowerCase() in DEFAULT_STATUS_NAMES));
  if (own) {
    const select = el("select", { id: "status", "aria-label": "Status name", "data-control": "status" });
    for (const [key, , label] of STATUS_GROUPS) {
      const options = names.filter(([k]) => k === key);
      if (!options.length) continue;
      const optgroup = el("optgroup", { label });
      for (const [, name] of options) {
        const option = el("option", { value: name, text: name });
        if (name.toLowerCase() === wanted) option.selected = true;
        optgroup.append(option);
      }
      select.append(optgroup);
    }
    row.append(select, actionButton("Set status", "set-status", () => act("set-status", "update_case_status",
      { status_name: select.value }, (c) => "Status is now " + (c.status || select.value) + ".")));
  }
  for (const [key, value] of STATUS_GROUPS) {
    // A closed case is reopened first; work starts again from there.
    if (key === group || (group === "closed" && key === "in_progress")) continue;
    const text = key === "closed" ? "Close case" : key === "open" ? (group === "closed" ? "Reopen case" : "Move to open") : "Start work";
    row.append(actionButton(text, "status-" + key, () => act("status-" + key, "update_case_status",
      { status: value }, (c) => "Status is now " + (c.status || value) + ".")));
  }
}

// Under the timeline: older entries, a page at a time, appended in order, each once.
function timelinePaging(timeline) {
  const key = (entry) => entry.id || JSON.stringify([entry.type, entry.created_at, entry.author, entry.message, entry.change]);
  acting.shown = timeline.map(key);
  if (!acting.nextPage) return;
  const list = view.querySelector('ol[aria-label^="Timeline"]');
  const more = el("button", { type: "button", "data-control": "older", text: "Older entries" });
  more.addEventListener("click", async () => {
    const asked = acting;
    more.disabled = true;
    const result = await callTool("get_case_timeline", { case_id: caseId(), page: asked.nextPage, page_size: asked.pageSize });
    // An action meanwhile read the case again and drew a new list: this page is stale.
    if (acting !== asked) return;
    const page = result.structuredContent;
    more.disabled = false;
    const said = more.nextElementSibling && more.nextElementSibling.matches(".error") ? more.nextElementSibling : null;
    if (said) said.remove();
    if (result.isError || !page || !Array.isArray(page.entries)) {
      more.after(failure(resultText(result) || "The older entries could not be read."));
      return;
    }
    for (const entry of page.entries) {
      if (acting.shown.includes(key(entry))) continue;
      acting.shown.push(key(entry));
      list.append(entryItem(entry));
    }
    list.closest("details").querySelector("h2").textContent = "Timeline (" + list.children.length + " latest)";
    acting.nextPage = page.has_more ? page.next_page : null;
    if (!acting.nextPage) {
      // Said where the button was, which takes the focus so a keyboard user is not lost.
      const none = el("p", { class: "empty", tabindex: "-1", text: "No older entries." });
      more.replaceWith(none);
      none.focus();
    }
  });
  list.after(more);
}

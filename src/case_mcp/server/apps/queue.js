// The queue view: a page of search_cases' or list_cases_in_view's cases as a table the person
// sorts, groups and pages through; a case's key opens it in the case view, where the person
// can act on it (showCaseToActOn).

// A sort is the tool's own sort and ascending arguments, so the server orders the whole
// result. Status ascends: descending, the server puts closed cases first.
const SORTS = [
  { value: "newest", label: "Newest first", sort: "created_at", ascending: false },
  { value: "urgent", label: "Most urgent first", sort: "priority", ascending: false },
  { value: "status", label: "Status, open first", sort: "status", ascending: true },
];
const GROUPS = { none: "No grouping", status: "Status", priority: "Priority", project: "Project", assignee: "Assignee" };
const undefinedPriority = (p) => !p || p === "NOT_DEFINED";
const groupLabel = {
  status: (c) => c.status || "No status",
  priority: (c) => undefinedPriority(c.priority) ? "No priority" : c.priority,
  project: (c) => c.project || "No project",
  assignee: (c) => c.assignee || "Unassigned",
};
const rank = (priority) => ({ P1: 1, P2: 2, P3: 3, P4: 4, P5: 5 })[priority] || 6;
const statusRank = (status) => ({ open: 1, closed: 3 })[str(status).toLowerCase()] || 2;

// What the person sees: the tool and its arguments, their choices, the answer, and which
// answer of the host's this is (`generation`).
const queue = { tool: "search_cases", args: {}, sorts: SORTS, sort: "newest", group: "none", data: null, parts: null, busy: false, generation: 0, opened: null };
const back = el("button", { type: "button", class: "back", hidden: "", text: "Back to the queue" });
// Outside the view, so the case view may re-render the case without losing the way back.
document.body.prepend(el("nav", { "aria-label": "Queue" }, back));

// list_cases_in_view has no sort argument: its answer (it names the search) is sorted here,
// as the server would, which orders the whole result only when it fits on one page.
const sortsOnServer = () => queue.tool === "search_cases";
const measure = { created_at: () => 0, priority: (c) => -rank(c.priority), status: (c) => statusRank(c.status) };
const time = (c) => Date.parse(c.created_at) || 0;
function ordered(cases) {
  const choice = queue.sorts.find((s) => s.value === queue.sort);
  if (sortsOnServer() || !choice) return cases;
  const by = measure[choice.sort], way = choice.ascending ? 1 : -1;
  return [...cases].sort((a, b) => way * ((by(a) - by(b)) || (time(a) - time(b))));
}

// Groups come in the order of their first case, so they follow the sort; priorities always
// read most urgent first.
function grouped(cases) {
  if (queue.group === "none") return [[null, cases]];
  const groups = new Map();
  for (const c of cases) {
    const label = groupLabel[queue.group](c);
    groups.set(label, [...(groups.get(label) || []), c]);
  }
  const list = [...groups];
  if (queue.group === "priority") list.sort(([a], [b]) => rank(a) - rank(b));
  return list;
}

// How long the case has been waiting; the moment it was created as a tooltip.
function age(value) {
  const then = Date.parse(value);
  if (isNaN(then)) return value ? str(value) : "";
  const days = Math.floor((Date.now() - then) / 86400000);
  return el("time", { datetime: value, title: moment(value), text: days < 1 ? "today" : days === 1 ? "1 day" : days + " days" });
}

const chip = (text, props) => el("span", { class: "chip", ...props, text });
// A person's name ("Name <email>") or the email's name part, to read at a glance; the whole
// as a tooltip.
const person = (who) => who ? el("span", { title: who, text: (/^(.+?)\s*<[^>]*>$/.exec(who) || /^([^@]+)@/.exec(who) || [who, who])[1] }) : "unassigned";

function caseRow(c) {
  const id = c.key || c.id || "";
  return el("tr", {},
    el("th", { scope: "row" }, el("button", { type: "button", class: "open", "data-case": id, onclick: () => openCase(id), text: id })),
    el("td", { class: "title", text: c.title || "(untitled)" }),
    el("td", {}, c.status ? chip(c.status) : null),
    el("td", {}, undefinedPriority(c.priority) ? el("span", { class: "none", text: "none" }) : chip(c.priority, { "data-priority": c.priority })),
    el("td", { class: "who" }, person(c.assignee)),
    el("td", { text: c.project || "" }),
    el("td", {}, age(c.created_at)));
}

function table(cases) {
  const head = el("tr", {}, ...["Key", "Title", "Status", "Priority", "Assignee", "Project", "Age"].map((name) => el("th", { scope: "col", text: name })));
  const parts = [el("thead", {}, head)];
  for (const [label, members] of grouped(ordered(cases))) {
    const body = el("tbody");
    if (label !== null) body.append(el("tr", { class: "group" }, el("th", { scope: "rowgroup", colspan: "7", text: label + " (" + members.length + ")" })));
    for (const c of members) body.append(caseRow(c));
    parts.push(body);
  }
  return el("div", { class: "scroll" }, el("table", { "aria-label": "Cases" }, ...parts));
}

function summary(data, shown) {
  if (!shown) return data.page > 1 ? "No cases on this page." : data.search !== undefined ? "No case in this view matches now." : "No cases match this search.";
  const first = (data.page - 1) * data.page_size + 1;
  const words = ["Showing " + first + "\u2013" + (first + shown - 1) + " of " + data.total + (data.total === 1 ? " case." : " cases.")];
  if (data.has_more) words.push("More on the next page.");
  if (data.has_more && queue.group !== "none") words.push("Groups count this page only.");
  if (data.has_more && !sortsOnServer() && queue.sort !== "newest") words.push("Sorted within this page.");
  return words.join(" ");
}

function select(id, label, options, value, onchange) {
  const control = el("select", { id }, ...options.map(([v, text]) => el("option", { value: v, text })));
  control.value = value;
  control.addEventListener("change", () => onchange(control));
  return el("span", {}, el("label", { for: id, text: label }), control);
}

// The parts that stay while the person sorts and pages, so focus stays where it was.
function frame() {
  const p = {};
  p.title = el("h1");
  p.searched = el("p", { class: "key" });
  p.sort = select("sort-by", "Sort by", queue.sorts.map((s) => [s.value, s.label]), queue.sort, (control) => {
    const choice = queue.sorts.find((s) => s.value === control.value);
    if (queue.busy || !choice) { control.value = queue.sort; return; }
    if (!sortsOnServer()) { queue.sort = choice.value; draw(); return; }
    reload({ sort: choice.sort, ascending: choice.ascending, page: 1 }).then((done) => {
      if (done) queue.sort = choice.value; else control.value = queue.sort;
    });
  });
  p.group = select("group-by", "Group by", Object.entries(GROUPS), queue.group, (control) => { queue.group = control.value; draw(); });
  p.status = el("p", { role: "status" });
  p.alert = el("div");
  p.body = el("div");
  p.prev = el("button", { type: "button", text: "Previous page", onclick: () => turn(-1) });
  p.next = el("button", { type: "button", text: "Next page", onclick: () => turn(1) });
  p.root = el("div", { class: "queue" }, p.title, p.searched, el("div", { class: "controls" }, p.sort, p.group), p.status, p.alert, p.body, el("div", { class: "pager" }, p.prev, p.next));
  return p;
}

function draw() {
  const data = queue.data, p = queue.parts;
  p.title.textContent = data.view ? "View: " + data.view : "Cases";
  const asked = ["query", "status", "priority", "project", "assignee"].filter((n) => queue.args[n]).map((n) => n === "query" ? queue.args[n] : n + ":" + queue.args[n]);
  p.searched.textContent = data.search || asked.join(" ");
  p.status.textContent = summary(data, data.cases.length);
  p.body.replaceChildren(data.cases.length ? table(data.cases) : "");
  p.prev.hidden = !(data.page > 1);
  p.next.hidden = !data.has_more;
}

const readable = (result) => !result.isError && result.structuredContent && Array.isArray(result.structuredContent.cases);

// Calls the tool again with the person's change; the queue changes only once the answer is
// in, and resolves to whether it did.
function reload(change) {
  const p = queue.parts, generation = queue.generation;
  const args = { ...queue.args, ...change };
  queue.busy = true;
  p.root.setAttribute("aria-busy", "true");
  return callTool(queue.tool, args).then((result) => {
    if (generation !== queue.generation) return false;
    queue.busy = false;
    p.root.removeAttribute("aria-busy");
    if (!readable(result)) {
      p.alert.replaceChildren(failure(resultText(result) || "The cases could not be read."));
      return false;
    }
    p.alert.replaceChildren();
    queue.args = args;
    queue.data = result.structuredContent;
    draw();
    return true;
  });
}

function turn(step) {
  if (queue.busy) return;
  reload({ page: queue.data.page + step }).then(() => {
    const { prev, next } = queue.parts;
    // On the first or last page the button pressed is gone: the other one takes focus.
    if (prev.hidden && !next.hidden) next.focus();
    else if (next.hidden && !prev.hidden) prev.focus();
  });
}

function openCase(id) {
  if (queue.busy || !id) return;
  const generation = queue.generation;
  queue.busy = true;
  queue.opened = { id, scroll: window.scrollY };
  callTool("get_case", { case_id: id, timeline: 10 }).then((result) => {
    if (generation !== queue.generation) return;
    queue.busy = false;
    // The case view's own rendering, actions included: a person acts where they opened it.
    showCaseToActOn(result, { timeline: 10 });
    back.hidden = false;
    back.focus();
  });
}

// Back to the queue as it was (sort, group, page, scroll, focus on the case opened), read
// again: an action on the opened case may have changed its row.
back.addEventListener("click", () => {
  back.hidden = true;
  view.replaceChildren(queue.parts.root);
  window.scrollTo(0, queue.opened.scroll);
  const focusOpened = () => {
    const button = [...queue.parts.body.querySelectorAll("button.open")].find((b) => b.dataset.case === queue.opened.id);
    if (button) button.focus();
  };
  focusOpened();
  reload({}).then((done) => done && focusOpened());
});

// Each answer the host sends starts a new queue; answers to older calls are then dropped.
function showQueue(result, args) {
  queue.generation++;
  queue.busy = false;
  back.hidden = true;
  if (!readable(result)) {
    view.replaceChildren(failure(resultText(result) || "The cases could not be read."));
    return;
  }
  const data = result.structuredContent;
  queue.tool = typeof data.search === "string" ? "list_cases_in_view" : "search_cases";
  queue.args = args || {};
  // The order the call asked for, offered as such when it is none of ours (oldest first...).
  const sort = queue.args.sort || "created_at", ascending = Boolean(queue.args.ascending);
  const asked = SORTS.find((s) => s.sort === sort && s.ascending === ascending);
  queue.sorts = asked ? SORTS : [{ value: "asked", label: "As asked", sort, ascending }, ...SORTS];
  queue.sort = asked ? asked.value : "asked";
  queue.group = "none";
  queue.data = data;
  queue.parts = frame();
  draw();
  view.replaceChildren(queue.parts.root);
}

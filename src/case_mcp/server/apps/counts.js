// The counts view: count_cases' answer as horizontal bar charts, one per field, drawn with
// elements rather than a canvas so every value is text a screen reader reads; "Group by"
// counts the same query again by another field.
const GROUPINGS = ["status", "priority", "project", "assignee"];
// Datadog answers most first; people look for the workflow's and the urgency's order.
const FIXED_ORDER = {
  status: ["OPEN", "IN_PROGRESS", "CLOSED"],
  priority: ["P1", "P2", "P3", "P4", "P5", "NOT_DEFINED"],
};
const PRIORITIES = new Set(FIXED_ORDER.priority);
let counting = 0;

// "IN_PROGRESS" reads "In progress"; emails, project keys and attribute values stay as they are.
function valueLabel(field, value) {
  if (field === "assignee" && value === "none") return "Unassigned";
  if ((field === "status" || field === "priority") && /^[A-Z][A-Z_]+$/.test(value)) {
    const words = value.replaceAll("_", " ").toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return value;
}

// A combined field ("status,priority") counts combinations, its values joined the same way.
function barLabel(fields, value) {
  const parts = fields.length > 1 ? value.split(",") : [value];
  if (parts.length !== fields.length) return value;
  return parts.map((part, i) => valueLabel(fields[i], part)).join(", ");
}

function ordered(field, counts) {
  const entries = Object.entries(counts);
  const fixed = FIXED_ORDER[field];
  if (!fixed) return entries;
  const rank = (value) => (fixed.includes(value) ? fixed.indexOf(value) : fixed.length);
  // Sort is stable: values outside the fixed order keep Datadog's most-first order after it.
  return entries.sort(([a], [b]) => rank(a) - rank(b));
}

function chart(name, counts) {
  const fields = name.split(",").map((field) => field.trim().toLowerCase());
  const heading = "By " + fields.join(" and ");
  const entries = ordered(fields.length === 1 ? fields[0] : name, counts);
  const largest = Math.max(1, ...entries.map(([, count]) => count));
  const bars = el("ol", { class: "bars", "aria-label": "Cases " + heading.toLowerCase() });
  for (const [value, count] of entries) {
    const bar = el("span", { class: "bar" });
    bar.style.width = (100 * count / largest) + "%";
    if (fields.length === 1 && fields[0] === "priority" && PRIORITIES.has(value)) bar.dataset.priority = value;
    // Spaces between the parts, so the row's text reads "Open 10" (the track is only a picture).
    bars.append(el("li", {},
      el("span", { class: "label", text: barLabel(fields, value) }), " ",
      el("span", { class: "track", "aria-hidden": "true" }, bar), " ",
      el("span", { class: "count", text: count.toLocaleString() })));
  }
  if (!entries.length) bars.append(el("li", { class: "empty", text: "No case has a value here." }));
  return el("section", {}, el("h2", { text: heading }), bars);
}

function groupBy(args, onChoose) {
  const current = Array.isArray(args.group_by) && args.group_by.length ? args.group_by : ["status"];
  const select = el("select", { id: "group-by" });
  const single = current.length === 1 && !args.combined && GROUPINGS.includes(current[0]);
  if (!single) select.append(el("option", { value: "", text: current.join(args.combined ? " and " : ", ") }));
  for (const field of GROUPINGS) select.append(el("option", { value: field, text: field }));
  select.value = single ? current[0] : "";
  select.addEventListener("change", () => { if (select.value) onChoose(select.value, select); });
  return el("div", { class: "controls" }, el("label", { for: "group-by", text: "Group by" }), select);
}

// Counts the same query by another field, through the host; only the latest choice is shown.
async function regroup(args, field, select) {
  const again = { ...args, group_by: [field] };
  delete again.combined;
  const mine = ++counting;
  select.disabled = true;
  const status = document.getElementById("counting");
  if (status) status.textContent = "Counting by " + field + "\u2026";
  const answer = await callTool("count_cases", again);
  if (mine !== counting) return;
  showCounts(answer, again);
  const chosen = document.getElementById("group-by");
  if (chosen) chosen.focus();
}

// count_cases' answer (or the answer to a regrouping): the total and a chart per field.
function showCounts(result, args) {
  args = args || {};
  const data = result.structuredContent;
  if (result.isError || !data || typeof data !== "object" || typeof data.total !== "number") {
    view.replaceChildren(failure(resultText(result) || "The cases could not be counted."),
      groupBy(args, (field, select) => regroup(args, field, select)));
    return;
  }
  const header = el("header", {},
    el("h1", { text: data.total.toLocaleString() + (data.total === 1 ? " case" : " cases") }),
    args.query ? el("div", { class: "key", text: "Matching " + args.query }) : el("div", { class: "key", text: "Every case" }),
    groupBy(args, (field, select) => regroup(args, field, select)),
    el("p", { id: "counting", class: "empty", role: "status" }));
  const charts = Object.entries(data.counts || {}).map(([name, counts]) => chart(name, counts));
  view.replaceChildren(header, ...charts);
}

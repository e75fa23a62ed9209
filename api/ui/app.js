// Veil's web page: sign in with a key, ask (streamed), open citations; upload (admins); audit
// (auditors). Everything it loads is served by Veil; the key lives in this tab's sessionStorage.
"use strict";

const $ = (id) => document.getElementById(id);
const PAGES = ["chat", "admin", "audit"];
let me = null;

function key() { return sessionStorage.getItem("veil-key"); }

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: `Bearer ${key()}` }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (!response.ok && !options.raw) {
    let message = `HTTP ${response.status}`;
    try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return options.raw ? response : response.json();
}

function text(tag, value, className) {
  const node = document.createElement(tag);
  node.textContent = value == null ? "" : String(value);
  if (className) node.className = className;
  return node;
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem("veil-key", $("key").value.trim());
  try {
    me = await api("/v1/me");
  } catch (error) {
    sessionStorage.removeItem("veil-key");
    $("signin-error").textContent = error.status === 401 ? "That key is unknown or revoked." : error.message;
    return;
  }
  $("key").value = "";
  $("signin-error").textContent = "";
  show();
}

function signOut() {
  sessionStorage.removeItem("veil-key");
  me = null;
  show();
}

function allowed(page) {
  const roles = me ? me.roles : [];
  if (page === "admin") return roles.includes("admin");
  if (page === "audit") return roles.includes("admin") || roles.includes("auditor");
  return roles.includes("admin") || roles.includes("user");
}

function show() {
  const signedIn = Boolean(me);
  $("signin").hidden = signedIn;
  $("nav").hidden = !signedIn;
  PAGES.forEach((page) => { $(page).hidden = true; });
  if (!signedIn) { $("key").focus(); return; }
  $("who").textContent = `${me.name} (${me.roles.join(", ")})`;
  $("nav-admin").hidden = !allowed("admin");
  $("nav-audit").hidden = !allowed("audit");
  $("nav-chat").hidden = !allowed("chat");
  $("escalate-option").hidden = !me.escalation;  // offered only where escalation is configured
  if (!me.escalation) $("escalate").checked = false;
  const wanted = (location.hash || "#chat").slice(1);
  const page = PAGES.includes(wanted) ? wanted : "chat";
  PAGES.forEach((p) => $(`nav-${p}`).removeAttribute("aria-current"));
  $(`nav-${page}`).setAttribute("aria-current", "page");
  $(page).hidden = false;
  if (page === "audit") {
    const denied = !allowed("audit");
    $("audit-denied").hidden = !denied;
    $("audit-denied").textContent = denied ? "Your key's role cannot open the audit page: it needs the auditor role." : "";
    $("audit-tools").hidden = denied;
    $("subject-forget-tools").hidden = !me.roles.includes("admin");  // erasure: admins only
  }
  if (page === "admin" && !allowed("admin")) {
    $("admin-error").textContent = "Your key's role cannot upload documents: it needs the admin role.";
  }
}

// --- asking ---------------------------------------------------------------------------------

async function ask(event) {
  event.preventDefault();
  $("chat-error").textContent = "";
  $("answer").hidden = false;
  $("answer-text").textContent = "";
  $("citations").replaceChildren();
  $("outbound").hidden = true;
  $("stayed-local").hidden = true;
  setRoute("none", "answering…");
  const body = { question: $("question").value, stream: true, escalate: Boolean(me.escalation) && $("escalate").checked };
  if ($("collection").value.trim()) body.collection = $("collection").value.trim();
  try {
    const response = await api("/v1/query", {
      method: "POST", raw: true, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error((await response.json()).error || `HTTP ${response.status}`);
    await readEvents(response);
  } catch (error) {
    $("chat-error").textContent = error.message;
  }
}

async function readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      handleEvent(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
    }
  }
}

function handleEvent(raw) {
  const kind = (raw.match(/^event: (.*)$/m) || [])[1];
  const data = (raw.match(/^data: (.*)$/m) || [])[1];
  if (!data) return;
  const payload = JSON.parse(data);
  if (kind === "token") $("answer-text").textContent += payload.text;
  if (kind === "answer") renderAnswer(payload);
  if (kind === "error") $("chat-error").textContent = payload.error;
}

function setRoute(route, reason) {
  $("route").textContent = route;
  $("route").className = `badge ${route}`;
  $("reason").textContent = reason || "";
}

function renderAnswer(answer) {
  $("answer-text").textContent = answer.answer;
  setRoute(answer.route, answer.reason);
  showStayedLocal(answer.reason || "");
  answer.citations.forEach((citation, index) => {
    const item = document.createElement("li");
    const page = citation.page ? `, page ${citation.page}` : "";
    item.append(text("span", `${citation.source || citation.document}${page} (score ${citation.score.toFixed(2)}) `));
    const open = text("button", "Show passage");
    open.type = "button";
    open.setAttribute("aria-expanded", "false");
    const chunk = text("div", citation.text, "chunk");
    chunk.hidden = true;
    chunk.id = `chunk-${index + 1}`;
    open.setAttribute("aria-controls", chunk.id);
    open.addEventListener("click", () => {
      chunk.hidden = !chunk.hidden;
      open.setAttribute("aria-expanded", String(!chunk.hidden));
      open.textContent = chunk.hidden ? "Show passage" : "Hide passage";
    });
    item.append(open, chunk);
    $("citations").append(item);
  });
  if (answer.outbound) {
    $("outbound").hidden = false;
    $("outbound-text").textContent = JSON.stringify(JSON.parse(answer.outbound), null, 2);
  }
}

// An escalation that fell back says why ("stayed local: WHY; how the local answer was made"):
// shown on its own line, e.g. which kinds of personal data the egress guard found, and how many.
function showStayedLocal(reason) {
  const prefix = "stayed local: ";
  if (!reason.startsWith(prefix)) return;
  const why = reason.slice(prefix.length);
  const cut = why.lastIndexOf("; ");
  $("stayed-local").textContent = `Not sent to the closed model: ${cut >= 0 ? why.slice(0, cut) : why}.`;
  $("stayed-local").hidden = false;
}

// --- documents ------------------------------------------------------------------------------

async function upload(event) {
  event.preventDefault();
  $("admin-error").textContent = "";
  const form = new FormData();
  for (const file of $("files").files) form.append("files", file);
  if ($("upload-collection").value.trim()) form.append("collection", $("upload-collection").value.trim());
  $("upload-groups").value.split(",").map((g) => g.trim()).filter(Boolean).forEach((g) => form.append("groups", g));
  try {
    const report = await api("/v1/documents", { method: "POST", body: form });
    const rows = report.files.map((f) => {
      const row = document.createElement("tr");
      const redactions = Object.entries(f.redactions || {}).map(([k, n]) => `${k} ${n}`).join(", ");
      row.append(text("td", f.path), text("td", f.status), text("td", f.chunks), text("td", redactions), text("td", f.error || ""));
      return row;
    });
    $("upload-results").querySelector("tbody").replaceChildren(...rows);
    $("upload-results").hidden = false;
  } catch (error) {
    $("admin-error").textContent = error.message;
  }
}

// --- audit ----------------------------------------------------------------------------------

async function verify() {
  try {
    const result = await api("/v1/audit/verify");
    $("verify-result").textContent = result.ok
      ? `The audit log verifies: ${result.events} events, unbroken.`
      : `The audit log is BROKEN at event ${result.first_bad_seq}: ${result.problem}`;
  } catch (error) { $("verify-result").textContent = error.message; }
}

async function search(event) {
  event.preventDefault();
  try {
    const result = await api("/v1/audit/search", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ value: $("search-value").value }),
    });
    $("search-value").value = "";
    $("search-result").textContent = result.found
      ? `Redacted ${result.matches.length} time(s): ` + result.matches.map((m) => `${m.entity_type} in ${m.source}`).join("; ")
      : "Never redacted.";
  } catch (error) { $("search-result").textContent = error.message; }
}

async function browse(event) {
  event.preventDefault();
  const params = new URLSearchParams({ limit: "25" });
  [["kind", "events-kind"], ["document", "events-document"], ["entity_type", "events-type"],
   ["since", "events-since"], ["until", "events-until"]].forEach(([name, id]) => {
    if ($(id).value.trim()) params.set(name, $(id).value.trim());
  });
  try {
    const page = await api(`/v1/audit/events?${params}`);
    const rows = page.events.map((e) => {
      const row = document.createElement("tr");
      row.append(text("td", e.seq), text("td", e.ts), text("td", e.kind), text("td", JSON.stringify(e.payload)));
      return row;
    });
    $("events").querySelector("tbody").replaceChildren(...rows);
    $("events").hidden = false;
  } catch (error) { $("verify-result").textContent = error.message; }
}

// Requests about one person: the values go in a POST body only and are cleared from the page once sent.
function subjectValues() {
  return $("subject-values").value.split("\n").map((v) => v.trim()).filter(Boolean);
}

function showSubjectDocuments(documents) {
  const rows = documents.map((d) => {
    const row = document.createElement("tr");
    row.append(text("td", `${d.source} (${d.doc_id})`), text("td", d.collection),
               text("td", d.chunks.length), text("td", d.labels.join(", ")));
    return row;
  });
  $("subject-documents").querySelector("tbody").replaceChildren(...rows);
  $("subject-documents").hidden = rows.length === 0;
}

async function findSubject(event) {
  event.preventDefault();
  try {
    const result = await api("/v1/subjects/find", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ values: subjectValues() }),
    });
    $("subject-result").textContent = result.documents.length
      ? `${result.documents.length} document(s) mention this person.`
      : "No document held mentions this person.";
    showSubjectDocuments(result.documents);
  } catch (error) { $("subject-result").textContent = error.message; }
}

async function forgetSubject() {
  const values = subjectValues();
  if (!values.length) { $("subject-result").textContent = "Name the person first."; return; }
  if (!window.confirm("Remove every document that mentions this person, and keep them out of every later ingest?")) return;
  try {
    const result = await api("/v1/subjects/forget", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ values, reason: $("subject-reason").value }),
    });
    $("subject-values").value = "";
    $("subject-reason").value = "";
    $("subject-result").textContent =
      `Erasure request ${result.request}: ${result.documents.length} document(s) removed.`;
    showSubjectDocuments([]);
  } catch (error) { $("subject-result").textContent = error.message; }
}

async function showPolicies() {
  try {
    const list = await api("/v1/audit/policies");
    const rows = list.collections.map((c) => {
      const row = document.createElement("tr");
      row.append(text("td", c.collection), text("td", c.label), text("td", c.source), text("td", c.masked.join(", ")),
                 text("td", c.allow.join(", ") || "—"), text("td", c.deny_terms ? `${c.deny_terms} term(s)` : "—"));
      return row;
    });
    $("policies").querySelector("tbody").replaceChildren(...rows);
    $("policies").hidden = false;
    $("policies-note").textContent = "Text sent to an external model is always checked under the default policy: "
      + list.default_masked.join(", ") + ".";
  } catch (error) { $("policies-note").textContent = error.message; }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("ask-form").addEventListener("submit", ask);
  $("upload-form").addEventListener("submit", upload);
  $("verify").addEventListener("click", verify);
  $("search-form").addEventListener("submit", search);
  $("events-form").addEventListener("submit", browse);
  $("subject-form").addEventListener("submit", findSubject);
  $("subject-forget").addEventListener("click", forgetSubject);
  $("show-policies").addEventListener("click", showPolicies);
  window.addEventListener("hashchange", show);
  if (key()) {
    try { me = await api("/v1/me"); } catch (_) { sessionStorage.removeItem("veil-key"); }
  }
  show();
});

// kg annotate: the browser coder. Reads documents from /api, writes through /api (the server
// edits the YAML round-trip and validates with the build's own code). Every text from the debate
// is put into the page with textContent (never innerHTML), so a quote holding <script> is text.
"use strict";

const state = { doc: null, sel: null, form: null, focus: -1, listing: [] };
const $ = (id) => document.getElementById(id);

// --- small DOM helpers ----------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
function options(list, chosen, blank) {
  const out = blank !== undefined ? [el("option", { value: "", text: blank })] : [];
  for (const item of list) {
    const [value, label] = Array.isArray(item) ? item : [item, item];
    out.push(el("option", { value, text: label, selected: value === chosen }));
  }
  return out;
}
function field(label, input) { return [el("label", { text: label }), input]; }

// --- the API -----------------------------------------------------------------------------
async function api(method, url, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const answer = await fetch(url, init);
  let data = {};
  try { data = await answer.json(); } catch (e) { data = { error: answer.statusText }; }
  if (!answer.ok) { const error = new Error(data.error || answer.statusText); error.data = data; error.status = answer.status; throw error; }
  return data;
}
const docUrl = (doc) => `/api/debates/${encodeURIComponent(doc.debate)}/docs/${encodeURIComponent(doc.stem)}`;

// --- offsets: the server counts code points, the DOM counts UTF-16 units --------------------
function cpLength(s) { let n = 0; for (const _ of s) n++; return n; }
function cpIndex(text) { // code point offset -> UTF-16 index
  const map = []; let u = 0;
  for (const ch of text) { map.push(u); u += ch.length; }
  map.push(u);
  return map;
}

// --- the document list ------------------------------------------------------------------
async function loadListing() {
  state.listing = await api("GET", "/api/debates");
  const nav = $("docs");
  nav.replaceChildren();
  for (const debate of state.listing) {
    nav.append(el("h2", { text: debate.title }));
    for (const d of debate.docs) {
      const c = d.counts;
      const counts = `${c.statements} statements · ${c.evidence} evidence · ${c.links} links · ${c.quantities} numbers`
        + (c.drafts ? ` · ${c.drafts} drafts` : "");
      const a = el("a", { href: `#${debate.id}/${d.stem}`, "data-stem": d.stem,
                          class: state.doc && state.doc.stem === d.stem ? "current" : null },
                   d.title, el("span", { class: "counts", text: counts }));
      nav.append(a);
    }
  }
}

async function openFromHash() {
  const [debate, stem] = decodeURIComponent(location.hash.slice(1)).split("/");
  if (!debate || !stem) return;
  await openDoc(debate, stem);
}

async function openDoc(debate, stem, keepForm) {
  const doc = await api("GET", `/api/debates/${encodeURIComponent(debate)}/docs/${encodeURIComponent(stem)}`);
  state.doc = doc;
  state.cp = cpIndex(doc.text);
  if (!keepForm) { closeForm(); setSelection(null); }
  $("title").textContent = doc.title;
  $("where").textContent = `${doc.debate} / ${doc.file}`;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("current", a.dataset.stem === stem);
  renderText();
  renderProblems();
  renderDrafts();
  renderIds();
}

// --- the text with its highlights -----------------------------------------------------------
function marks() {
  const out = [];
  const doc = state.doc;
  doc.items.forEach((item, i) => {
    if (item.error) return;
    const cls = item.path ? "qt" : item.section === "statements" ? `st st-${item.stance || "agree"}`
      : item.section === "links" ? "ln" : "ev";
    out.push({ start: item.start, end: item.end, cls, ref: { type: "item", i }, label: item.label });
  });
  if (doc.drafts) {
    doc.drafts.statements.forEach((d, i) => out.push({ start: d.start, end: d.end, cls: "dr",
      ref: { type: "draft", kind: "statements", i }, label: `draft: ${d.speaker || "?"} (${d.mode || ""})` }));
    doc.drafts.quantities.forEach((d, i) => out.push({ start: d.start, end: d.end, cls: "dr",
      ref: { type: "draft", kind: "quantities", i }, label: `draft number: ${d.text}` }));
  }
  if (state.sel) out.push({ start: state.sel.start, end: state.sel.end, cls: "picked", ref: { type: "sel" }, label: "selected" });
  return out;
}

function renderText() {
  const doc = state.doc, text = doc.text, cp = state.cp;
  const all = marks();
  const cuts = new Set([0, cp.length - 1]);
  for (const m of all) { cuts.add(m.start); cuts.add(m.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const box = $("text");
  box.replaceChildren();
  for (let k = 0; k + 1 < points.length; k++) {
    const s = points[k], e = points[k + 1];
    const over = all.filter((m) => m.start <= s && m.end >= e);
    const span = el("span", { class: "seg", "data-start": s, "data-end": e });
    span.textContent = text.slice(cp[s], cp[e]);
    if (over.length) {
      const classes = new Set();
      for (const m of over) for (const c of m.cls.split(" ")) classes.add(c);
      // the innermost statement decides the stance colour
      const stance = over.filter((m) => m.cls.startsWith("st")).sort((a, b) => (a.end - a.start) - (b.end - b.start))[0];
      for (const c of [...classes]) if (c.startsWith("st-") && (!stance || !stance.cls.includes(c))) classes.delete(c);
      span.className = "seg " + [...classes].join(" ");
      span.title = over.filter((m) => m.cls !== "picked").map((m) => m.label).join("\n");
    }
    box.append(span);
  }
}

function renderProblems() {
  const bad = state.doc.items.filter((i) => i.error);
  const box = $("problems");
  box.replaceChildren();
  if (!bad.length) return;
  box.className = "box";
  box.append(el("h3", { text: `${bad.length} quote(s) not found in the text` }));
  for (const item of bad) box.append(el("div", { class: "error", text: `line ${item.line}: ${item.label}: ${item.error}` }));
}

// --- selecting words ---------------------------------------------------------------------------
function pointOffset(node, offset) {
  // the code point offset of a DOM (node, offset) inside #text, or null
  const box = $("text");
  if (!box.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = node.parentElement.closest(".seg");
    if (!seg) return null;
    return Number(seg.dataset.start) + cpLength(node.data.slice(0, offset));
  }
  const segs = node === box ? [...box.children] : [...node.querySelectorAll(".seg")];
  if (node.classList && node.classList.contains("seg")) return Number(node.dataset[offset ? "end" : "start"]);
  if (!segs.length) return null;
  if (offset >= node.childNodes.length) return Number(segs[segs.length - 1].dataset.end);
  const child = node.childNodes[offset];
  return child && child.dataset ? Number(child.dataset.start) : null;
}

function readSelection() {
  const sel = window.getSelection();
  if (!state.doc || !sel || sel.isCollapsed || !sel.rangeCount) return null;
  const range = sel.getRangeAt(0);
  let start = pointOffset(range.startContainer, range.startOffset);
  let end = pointOffset(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  const cp = state.cp, text = state.doc.text;
  while (start < end && /\s/.test(text.slice(cp[start], cp[start + 1]))) start++;
  while (end > start && /\s/.test(text.slice(cp[end - 1], cp[end]))) end--;
  if (end <= start) return null;
  return { start, end, words: text.slice(cp[start], cp[end]) };
}

function setSelection(sel) {
  state.sel = sel;
  const box = $("selection");
  box.replaceChildren();
  if (state.doc) renderText(); // the words stay marked once the focus moves to the form
  if (!sel) {
    box.append(el("p", { class: "muted", text: "Select words in the text to code them." }));
    return;
  }
  box.append(el("h3", { text: `Selected (${sel.start}–${sel.end})` }), el("div", { class: "quote", text: sel.words }),
    el("div", { class: "actions" },
      el("button", { type: "button", id: "new-statement", onclick: () => openForm("statement") }, "Statement (s)"),
      el("button", { type: "button", id: "new-evidence", onclick: () => openForm("evidence") }, "Evidence (e)"),
      el("button", { type: "button", id: "new-link", onclick: () => openForm("link") }, "Link (l)")));
}

function onTextMouseUp() {
  const sel = readSelection();
  if (sel) { setSelection(sel); return; }
  // a click without a selection: what is coded here
  const s = window.getSelection();
  if (s && s.anchorNode) {
    const at = pointOffset(s.anchorNode, s.anchorOffset);
    if (at !== null) showHere(at);
  }
}

function showHere(at) {
  const box = $("here");
  const doc = state.doc;
  const items = doc.items.map((item, i) => [item, i]).filter(([item]) => !item.error && item.start <= at && at < item.end);
  box.replaceChildren();
  if (!items.length) { box.hidden = true; return; }
  box.hidden = false;
  box.append(el("h3", { text: "Coded here" }));
  for (const [item, i] of items) {
    const kind = item.path ? "number" : { statements: "statement", evidence: "evidence", links: "link", reports: "report" }[item.section];
    // a number is edited or removed in its evidence item's form
    const owner = item.path ? doc.items.findIndex((x) => !x.path && x.section === item.section && x.index === item.index) : i;
    const editable = owner >= 0 && ["statements", "evidence", "links"].includes(item.section);
    box.append(el("div", { class: "item" },
      el("div", {}, el("strong", { text: kind }), ` · line ${item.line} · `, item.label),
      el("div", { class: "quote", text: doc.text.slice(state.cp[item.start], state.cp[item.end]) }),
      el("div", { class: "actions" },
        editable ? el("button", { type: "button", onclick: () => editItem(owner) }, item.path ? "Edit its evidence item" : "Edit") : null,
        item.path ? null : el("button", { type: "button", class: "danger", onclick: () => deleteItem(i) }, "Delete"))));
  }
}

// --- forms ---------------------------------------------------------------------------------
function actorOptions(chosen, blank) {
  const list = state.doc.actors.map((a) => [a.id, `${a.name} (${a.id})`]);
  list.push(["__new__", "New actor…"]);
  return options(list, chosen, blank);
}
function claimOptions(chosen, filter, extra) {
  const terms = (filter || "").toLowerCase().split(/\s+/).filter(Boolean); // every word, in any order
  const hay = (c) => `${c.id.replace(/-/g, " ")} ${c.label} ${c.text}`.toLowerCase();
  const list = state.doc.claims.filter((c) => terms.every((t) => hay(c).includes(t)))
    .map((c) => [c.id, `${c.label} (${c.id})`]);
  if (chosen && !list.some(([v]) => v === chosen)) {
    const c = state.doc.claims.find((x) => x.id === chosen);
    if (c) list.unshift([c.id, `${c.label} (${c.id})`]);
  }
  return options([...(extra || []), ...list, ["__new__", "New neutral claim…"]], chosen, "— pick a claim —");
}
function newActorBox(prefix, name) {
  return el("div", { id: `${prefix}-new-actor`, class: "qrow", hidden: true },
    field("New actor's name", el("input", { id: `${prefix}-actor-name`, value: name || "" })),
    field("Kind", el("select", { id: `${prefix}-actor-kind` }, options(state.doc.keywords.actor, "person"))));
}
function newClaimBox(prefix) {
  return el("div", { id: `${prefix}-new-claim`, class: "qrow", hidden: true },
    field("Label (short)", el("input", { id: `${prefix}-claim-label` })),
    field("Neutral text: a proposition anyone can agree or disagree with", el("textarea", { id: `${prefix}-claim-text`, rows: 2 })),
    field("Kind", el("select", { id: `${prefix}-claim-kind` }, options(state.doc.keywords.claim, "factual"))));
}
function toggleNew(select, box) { const sync = () => { box.hidden = select.value !== "__new__"; }; select.addEventListener("change", sync); sync(); }

function closeForm() {
  state.form = null;
  $("selection").hidden = false;
  $("form").hidden = true;
  $("form").replaceChildren();
  $("errnote").hidden = true;
  for (const seg of document.querySelectorAll(".seg.bad")) seg.classList.remove("bad");
}

function openForm(kind, existing) {
  // existing: {index, entry} to edit, or {draft: {kind, index, item}} to accept a draft after editing
  if (!state.doc) return;
  if (!existing && !state.sel) return;
  const box = $("form");
  const entry = (existing && existing.entry) || {};
  state.form = { kind, existing, start: state.sel ? state.sel.start : null, end: state.sel ? state.sel.end : null };
  box.hidden = false;
  $("selection").hidden = true; // the form shows the words itself
  box.replaceChildren();
  const title = existing && existing.index !== undefined ? `Edit ${kind}` : existing && existing.draft ? "Accept drafted statement" : `New ${kind}`;
  box.append(el("h3", { text: title }));
  if (state.sel) box.append(el("div", { class: "quote", text: state.sel.words }));
  const kw = state.doc.keywords;
  if (kind === "statement") {
    const speaker = el("select", { id: "f-speaker" }, actorOptions(entry.speaker, "— speaker —"));
    const claimSearch = el("input", { id: "f-claim-search", placeholder: "search claims…" });
    const claim = el("select", { id: "f-claim" }, claimOptions(entry.claim));
    claimSearch.addEventListener("input", () => { const v = claim.value; claim.replaceChildren(...claimOptions(v, claimSearch.value)); });
    box.append(...field("Speaker", speaker), newActorBox("f", existing && existing.speakerName),
      ...field("Speaks for (organisation; blank: from the speaker's post)", el("select", { id: "f-for" }, options(state.doc.actors.map((a) => [a.id, `${a.name} (${a.id})`]), entry.for, "—"))),
      ...field("Claim", claimSearch), claim, newClaimBox("f"),
      el("div", { class: "row" },
        el("div", {}, ...field("Stance", el("select", { id: "f-stance" }, options(kw.stance, entry.stance || "agree")))),
        el("div", {}, ...field("Mode", el("select", { id: "f-mode" }, options(kw.mode, entry.mode, "(writer's own voice)"))))),
      ...field("Note", el("textarea", { id: "f-note", rows: 2 }, entry.note || "")));
    toggleNew(speaker, $("f-new-actor"));
    toggleNew(claim, $("f-new-claim"));
  } else if (kind === "evidence") {
    const by = el("select", { id: "f-by" }, actorOptions(entry.by, "— producer —"));
    const period = entry.period || {};
    box.append(
      ...field("Label", el("input", { id: "f-label", value: entry.label || "" })),
      el("div", { class: "row" },
        el("div", {}, ...field("Kind", el("select", { id: "f-kind" }, options(kw.evidence, entry.kind || "study")))),
        el("div", {}, ...field("Design", el("select", { id: "f-design" }, options(kw.design, entry.design, "—"))))),
      ...field("Produced by", by), newActorBox("f"),
      el("div", { class: "row" },
        el("div", {}, ...field("Sample size", el("input", { id: "f-sample_size", value: entry.sample_size ?? "" }))),
        el("div", {}, ...field("Population", el("input", { id: "f-population", value: entry.population || "" })))),
      ...field("Place", el("input", { id: "f-place", value: entry.place || "" })),
      el("div", { class: "row" },
        el("div", {}, ...field("Period (as written)", el("input", { id: "f-period-label", value: period.label || "" }))),
        el("div", {}, ...field("From", el("input", { id: "f-period-start", value: period.start || "", placeholder: "YYYY-MM-DD" }))),
        el("div", {}, ...field("To", el("input", { id: "f-period-end", value: period.end || "", placeholder: "YYYY-MM-DD" })))),
      ...field("Note", el("textarea", { id: "f-note", rows: 2 }, entry.note || "")),
      el("label", { text: "Numbers" }), el("div", { id: "f-quantities" }),
      el("button", { type: "button", onclick: () => addQuantityRow({}) }, "+ number"));
    toggleNew(by, $("f-new-actor"));
    for (const q of entry.quantities || []) addQuantityRow(q);
  } else {
    const premises = [...state.doc.claims.map((c) => [c.id, `claim: ${c.label}`]), ...state.doc.evidence.map((e) => [e.id, `evidence: ${e.label}`])];
    const by = el("select", { id: "f-by" }, actorOptions(entry.by, "— who makes the link —"));
    const conclusion = el("select", { id: "f-conclusion" }, claimOptions(entry.conclusion));
    box.append(...field("Premise (claim or evidence)", el("select", { id: "f-premise" }, options(premises, entry.premise, "—"))),
      el("div", { class: "row" },
        el("div", {}, ...field("Polarity", el("select", { id: "f-polarity" }, options(kw.polarity, entry.polarity || "support")))),
        el("div", {}, ...field("Basis", el("select", { id: "f-basis" }, options(kw.basis, entry.basis || "stated"))))),
      ...field("Conclusion (a claim)", conclusion), newClaimBox("f"),
      ...field("Asserted by", by), newActorBox("f"),
      ...field("Note", el("textarea", { id: "f-note", rows: 2 }, entry.note || "")));
    toggleNew(by, $("f-new-actor"));
    toggleNew(conclusion, $("f-new-claim"));
  }
  box.append(el("div", { id: "f-error", class: "error" }),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "primary", id: "f-save", onclick: saveForm }, "Save (Ctrl+Enter)"),
      el("button", { type: "button", onclick: closeForm }, "Cancel (Esc)")));
  const first = box.querySelector("select, input, textarea");
  if (first) first.focus();
}

function addQuantityRow(q) {
  const kw = state.doc.keywords;
  const row = el("div", { class: "qrow" },
    el("input", { class: "q-id", type: "hidden", value: q.id || "" }),
    el("div", { class: "row" },
      el("input", { class: "q-measure", placeholder: "measure", value: q.measure || "" }),
      el("input", { class: "q-value", placeholder: "value", value: q.value ?? "" }),
      el("select", { class: "q-unit" }, options(kw.unit, q.unit || "count"))),
    el("div", { class: "row" },
      el("select", { class: "q-comparator" }, options(kw.comparator, q.comparator, "exactly")),
      el("input", { class: "q-numerator", placeholder: "numerator", value: q.numerator ?? "" }),
      el("input", { class: "q-denominator", placeholder: "denominator", value: q.denominator ?? "" })),
    el("input", { class: "q-variable", placeholder: "variable (shared key for number checks)", value: q.variable || "" }),
    el("input", { class: "q-quote", placeholder: "exact words of the number", value: typeof q.quote === "string" ? q.quote : (q.quote && q.quote.exact) || "" }),
    el("button", { type: "button", class: "danger", onclick: (ev) => ev.target.closest(".qrow").remove() }, "remove"));
  $("f-quantities").append(row);
}

const val = (id) => { const node = $(id); return node ? node.value.trim() : ""; };

function formBody() {
  const f = state.form;
  const body = { kind: f.kind, fields: {}, start: f.start, end: f.end };
  if (f.kind === "statement") {
    body.fields = { speaker: val("f-speaker"), for: val("f-for"), claim: val("f-claim"), stance: val("f-stance"),
                    mode: val("f-mode"), note: val("f-note") };
  } else if (f.kind === "evidence") {
    body.fields = { kind: val("f-kind"), label: val("f-label"), by: val("f-by"), design: val("f-design"),
                    sample_size: val("f-sample_size"), population: val("f-population"), place: val("f-place"),
                    period: { label: val("f-period-label"), start: val("f-period-start"), end: val("f-period-end") },
                    note: val("f-note") };
    if (f.existing && f.existing.entry) body.fields.id = f.existing.entry.id;
    body.quantities = [...document.querySelectorAll("#f-quantities .qrow")].map((row) => {
      const get = (c) => row.querySelector(c).value.trim();
      return { id: get(".q-id"), measure: get(".q-measure"), value: get(".q-value"), unit: get(".q-unit"),
               comparator: get(".q-comparator"), numerator: get(".q-numerator"), denominator: get(".q-denominator"),
               variable: get(".q-variable"), quote: get(".q-quote") };
    });
  } else {
    body.fields = { premise: val("f-premise"), conclusion: val("f-conclusion"), polarity: val("f-polarity"),
                    by: val("f-by"), basis: val("f-basis"), note: val("f-note") };
  }
  if ($("f-new-actor") && !$("f-new-actor").hidden) body.new_actor = { name: val("f-actor-name"), kind: val("f-actor-kind") };
  if ($("f-new-claim") && !$("f-new-claim").hidden) body.new_claim = { label: val("f-claim-label"), text: val("f-claim-text"), kind: val("f-claim-kind") };
  return body;
}

async function saveForm() {
  const f = state.form;
  if (!f) return;
  const body = formBody();
  body.version = state.doc.version;
  try {
    if (f.existing && f.existing.draft) {
      const d = f.existing.draft;
      await api("POST", `${docUrl(state.doc)}/draft`, { version: state.doc.version, action: "accept",
        items: [{ kind: "statements", index: d.index, start: f.start, end: f.end, fields: body.fields, new_actor: body.new_actor, new_claim: body.new_claim }] });
    } else {
      body.index = f.existing && f.existing.index !== undefined ? f.existing.index : null;
      await api("POST", `${docUrl(state.doc)}/save`, body);
    }
  } catch (error) {
    showError(error);
    return;
  }
  closeForm();
  await refresh();
  flash(`saved to ${state.doc.file}`);
}

function showError(error) {
  const where = $("f-error");
  const message = error.message || String(error);
  if (where) where.textContent = message;
  // beside the span: the words the form is about, outlined, with the error under them
  const f = state.form;
  const note = $("errnote");
  if (!f || f.start === null) { note.hidden = true; if (!where) flash(message, true); return; }
  let last = null;
  for (const seg of document.querySelectorAll(".seg")) {
    if (Number(seg.dataset.start) >= f.start && Number(seg.dataset.end) <= f.end) { seg.classList.add("bad"); last = seg; }
  }
  if (last) {
    const rect = last.getBoundingClientRect();
    note.textContent = message;
    note.style.left = `${rect.left + window.scrollX}px`;
    note.style.top = `${rect.bottom + window.scrollY + 4}px`;
    note.hidden = false;
  }
}

function flash(message, bad) {
  const box = $("build-result");
  box.textContent = message;
  box.className = bad ? "error" : "muted";
}

async function refresh() {
  const { debate, stem } = state.doc;
  await loadListing();
  await openDoc(debate, stem);
}

function editItem(i) {
  const item = state.doc.items[i];
  const kind = { statements: "statement", evidence: "evidence", links: "link" }[item.section];
  setSelection({ start: item.start, end: item.end, words: state.doc.text.slice(state.cp[item.start], state.cp[item.end]) });
  openForm(kind, { index: item.index, entry: item.entry });
  state.form.start = null; state.form.end = null; // keep the quote as written unless re-selected
}

async function deleteItem(i) {
  const item = state.doc.items[i];
  if (!confirm(`Delete this ${item.section === "evidence" ? "evidence item (with its numbers)" : item.section.replace(/s$/, "")}: ${item.label}?`)) return;
  try {
    await api("POST", `${docUrl(state.doc)}/delete`, { version: state.doc.version, section: item.section, index: item.index });
  } catch (error) { flash(error.message, true); return; }
  $("here").hidden = true;
  await refresh();
  flash("deleted");
}

// --- drafts ----------------------------------------------------------------------------------
function renderDrafts() {
  const box = $("drafts");
  const drafts = state.doc.drafts;
  box.replaceChildren();
  state.focus = -1;
  if (!drafts) { box.hidden = true; return; }
  const total = drafts.statements.length + drafts.quantities.length + drafts.actors.length;
  box.hidden = false;
  box.append(el("h3", { text: `Drafts from kg extract: ${total} waiting` }));
  if (drafts.stale) box.append(el("p", { class: "muted", text: `${drafts.stale} drafted item(s) no longer match the text and are not shown.` }));
  if (!total) return;
  box.append(el("div", { class: "actions" },
    el("button", { type: "button", id: "accept-all", onclick: acceptAll }, "Accept all ready"),
    el("button", { type: "button", class: "danger", id: "reject-all", onclick: rejectAll }, "Reject all")));
  const kw = state.doc.keywords;
  drafts.statements.forEach((d) => {
    const known = state.doc.actors.some((a) => a.id === d.actor);
    const card = el("div", { class: "card draft", "data-kind": "statements", "data-index": d.index },
      el("div", { class: "quote", text: d.quote }),
      el("div", { class: "meta", text: `${d.mode || ""} speech, “${d.cue || ""}”, speaker as written: ${d.speaker || "?"}` }),
      el("select", { class: "d-speaker" }, actorOptions(known ? d.actor : "", "— speaker —")),
      el("select", { class: "d-claim" }, claimOptions("")),
      el("select", { class: "d-stance" }, options(kw.stance, "agree")),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary d-accept", onclick: () => acceptDraft(card) }, "Accept"),
        el("button", { type: "button", onclick: () => editDraft(d) }, "Edit"),
        el("button", { type: "button", class: "danger d-reject", onclick: () => rejectDraft(card) }, "Reject")));
    box.append(card);
  });
  drafts.quantities.forEach((d) => {
    const here = state.doc.evidence.filter((e) => e.here).map((e) => [e.id, e.label]);
    const card = el("div", { class: "card draft", "data-kind": "quantities", "data-index": d.index },
      el("div", { class: "quote", text: d.text }),
      el("div", { class: "meta", text: `${d.comparator || ""} ${d.value ?? ""} ${d.unit || ""}` }),
      el("select", { class: "d-evidence" }, options(here, "", "— into evidence item —")),
      el("input", { class: "d-measure", placeholder: "measure (what is counted)" }),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary d-accept", onclick: () => acceptDraft(card) }, "Accept"),
        el("button", { type: "button", class: "danger d-reject", onclick: () => rejectDraft(card) }, "Reject")));
    box.append(card);
  });
  drafts.actors.forEach((d) => {
    const known = state.doc.actors.some((a) => a.id === d.id);
    const card = el("div", { class: "card draft", "data-kind": "actors", "data-index": d.index },
      el("div", {}, el("strong", { text: d.name }), ` (${d.kind || "?"}) `, known ? el("span", { class: "muted", text: `already ${d.id}` }) : ""),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary d-accept", onclick: () => acceptDraft(card) }, known ? "Known" : "Add actor"),
        el("button", { type: "button", class: "danger d-reject", onclick: () => rejectDraft(card) }, "Reject")));
    box.append(card);
  });
}

function draftPick(card) {
  const kind = card.dataset.kind, index = Number(card.dataset.index);
  const get = (c) => { const node = card.querySelector(c); return node ? node.value.trim() : ""; };
  if (kind === "statements") return { kind, index, fields: { speaker: get(".d-speaker"), claim: get(".d-claim"), stance: get(".d-stance") } };
  if (kind === "quantities") return { kind, index, fields: { evidence: get(".d-evidence"), measure: get(".d-measure") } };
  return { kind, index, fields: {} };
}
function ready(pick) {
  const f = pick.fields;
  if (pick.kind === "statements") return f.speaker && f.speaker !== "__new__" && f.claim && f.claim !== "__new__" && f.stance;
  if (pick.kind === "quantities") return !!f.evidence;
  return true;
}

async function draftAction(action, picks) {
  try {
    await api("POST", `${docUrl(state.doc)}/draft`, { version: state.doc.version, action, items: picks });
  } catch (error) { flash(error.message, true); return false; }
  await refresh();
  flash(`${action === "accept" ? "accepted" : "rejected"} ${picks.length}`);
  return true;
}
async function acceptDraft(card) {
  const pick = draftPick(card);
  if (!ready(pick)) { flash("pick a speaker, a claim and a stance (or use Edit for a new one)", true); return; }
  await draftAction("accept", [pick]);
}
async function rejectDraft(card) { await draftAction("reject", [draftPick(card)]); }
async function acceptAll() {
  const picks = [...document.querySelectorAll("#drafts .card")].map(draftPick).filter(ready);
  if (!picks.length) { flash("no draft is ready: pick a claim (and a speaker) on each", true); return; }
  await draftAction("accept", picks);
}
async function rejectAll() {
  const picks = [...document.querySelectorAll("#drafts .card")].map(draftPick);
  if (!confirm(`Reject all ${picks.length} drafted items?`)) return;
  await draftAction("reject", picks);
}
function editDraft(d) {
  setSelection({ start: d.start, end: d.end, words: d.quote });
  const known = state.doc.actors.some((a) => a.id === d.actor);
  openForm("statement", { draft: d, entry: { speaker: known ? d.actor : "__new__", mode: d.mode }, speakerName: d.speaker });
  $("f-new-actor").hidden = $("f-speaker").value !== "__new__";
}
function focusDraft(step) {
  const cards = [...document.querySelectorAll("#drafts .card")];
  if (!cards.length) return;
  state.focus = (state.focus + step + cards.length) % cards.length;
  cards.forEach((c, i) => c.classList.toggle("focus", i === state.focus));
  cards[state.focus].scrollIntoView({ block: "nearest" });
}

// --- actors and claims: merge duplicates ---------------------------------------------------------
function renderIds() {
  const box = $("ids");
  const doc = state.doc;
  box.hidden = false;
  box.replaceChildren(el("h3", { text: "Actors and claims" }));
  for (const kind of ["actor", "claim"]) {
    const list = kind === "actor" ? doc.actors.map((a) => [a.id, `${a.name} (${a.id})`]) : doc.claims.map((c) => [c.id, `${c.label} (${c.id})`]);
    const refs = doc.references[kind] || {};
    const drop = el("select", { class: `merge-drop-${kind}` }, options(list, "", `— duplicate ${kind} —`));
    const keep = el("select", { class: `merge-keep-${kind}` }, options(list, "", `— ${kind} to keep —`));
    box.append(el("label", { text: `Merge a duplicate ${kind} (its references are rewritten, its entry deleted)` }), drop, keep,
      el("div", { class: "actions" }, el("button", { type: "button", class: `merge-${kind}`, onclick: () => merge(kind, keep.value, drop.value) }, `Merge ${kind}s`)));
    const table = el("table", { class: "ids" });
    for (const [id, label] of list) table.append(el("tr", {}, el("td", { text: label }), el("td", { text: String(refs[id] || 0) })));
    box.append(el("details", {}, el("summary", { text: `${list.length} ${kind}s, with how often each is referred to` }), table));
  }
}
async function merge(kind, keep, drop) {
  if (!keep || !drop) { flash("pick both", true); return; }
  try {
    const answer = await api("POST", `/api/debates/${encodeURIComponent(state.doc.debate)}/merge`, { kind, keep, drop });
    await refresh();
    flash(`merged ${drop} into ${keep}: ${answer.rewritten} reference(s) rewritten`);
  } catch (error) { flash(error.message, true); }
}

// --- build ---------------------------------------------------------------------------------------
async function build() {
  flash("building…");
  try {
    const answer = await api("POST", "/api/build", {});
    const c = answer.counts;
    flash(`built: ${c.statements} statements · ${c.evidence} evidence · ${c.links} links · ${c.quotes} quotes · ${c.triples} triples`);
  } catch (error) { flash(error.message, true); }
}

// --- keys ----------------------------------------------------------------------------------------
function onKey(event) {
  const typing = event.target.closest && event.target.closest("input, select, textarea");
  if (event.key === "Escape") { closeForm(); return; }
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && state.form) { event.preventDefault(); saveForm(); return; }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const sel = readSelection();
  if (sel) setSelection(sel);
  const forms = { s: "statement", e: "evidence", l: "link" };
  if (forms[event.key] && state.sel) { event.preventDefault(); openForm(forms[event.key]); return; }
  if (event.key === "j") focusDraft(1);
  else if (event.key === "k") focusDraft(-1);
  else if (event.key === "a" || event.key === "r") {
    const card = document.querySelectorAll("#drafts .card")[state.focus];
    if (card) (event.key === "a" ? acceptDraft : rejectDraft)(card);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("text").addEventListener("mouseup", onTextMouseUp);
  document.addEventListener("keydown", onKey);
  $("build").addEventListener("click", build);
  window.addEventListener("hashchange", openFromHash);
  setSelection(null);
  try {
    await loadListing();
    if (!location.hash && state.listing.length && state.listing[0].docs.length) {
      location.hash = `#${state.listing[0].id}/${state.listing[0].docs[0].stem}`;
    } else {
      await openFromHash();
    }
  } catch (error) { flash(error.message, true); }
});

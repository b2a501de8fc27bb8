"""The HTML page of ``kg viz``: layout, legend, search box, tooltips and the settle-then-stop script.

Kept apart from :mod:`kg.render.view_html` (which fills it in) so the page reads as one piece. What makes
it safe and offline:

* the view arrives as JSON in a ``<script type="application/json">`` block, with ``<``, ``>``
  and ``&`` written as ``\\u003c``/``\\u003e``/``\\u0026``, so no text from a source can close the
  block or open a tag; the script reads it with ``JSON.parse``;
* every tooltip, legend entry and detail line is built with ``document.createElement`` and
  ``textContent``: no ``innerHTML`` anywhere, so ``<script>`` in a quote shows as text;
* vis-network (from pyvis's bundled copy) and its stylesheet are inlined: no ``src=`` or
  ``href=`` reaches the network, and the Content-Security-Policy forbids any connection.
"""

from __future__ import annotations

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{vis_css}</style>
<style>
  html, body {{ margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px;
                color: #222; background: #fafafa; }}
  body {{ display: flex; flex-direction: column; }}
  header {{ display: flex; align-items: center; gap: 16px; padding: 8px 14px; background: #263238;
            color: #eceff1; flex-wrap: wrap; }}
  header h1 {{ font-size: 16px; margin: 0; font-weight: 600; }}
  header .counts {{ color: #b0bec5; }}
  header input {{ margin-left: auto; width: 280px; padding: 5px 8px; border-radius: 4px; border: 0;
                  font-size: 13px; }}
  header .matches {{ color: #b0bec5; min-width: 80px; }}
  main {{ flex: 1; display: flex; min-height: 0; }}
  #kg-network {{ flex: 1; min-width: 0; background: #fff; border-right: 1px solid #cfd8dc; }}
  aside {{ width: 300px; overflow-y: auto; padding: 10px 12px; box-sizing: border-box; }}
  aside h2 {{ font-size: 13px; margin: 12px 0 6px; text-transform: uppercase; letter-spacing: .04em;
              color: #546e7a; }}
  aside p.about {{ margin: 0 0 8px; color: #455a64; line-height: 1.35; }}
  .legend-item {{ display: flex; align-items: center; gap: 6px; padding: 2px 4px; cursor: pointer;
                  border-radius: 3px; user-select: none; }}
  .legend-item:hover {{ background: #eceff1; }}
  .legend-item.off {{ opacity: .35; text-decoration: line-through; }}
  .legend-item .swatch {{ width: 18px; text-align: center; font-size: 16px; line-height: 16px; }}
  .legend-item .line {{ width: 22px; height: 0; border-top-width: 3px; }}
  .legend-item .count {{ margin-left: auto; color: #78909c; }}
  .legend-item .members {{ display: block; color: #607d8b; font-size: 11px; }}
  #kg-groups label {{ display: flex; align-items: center; gap: 6px; padding: 2px 4px; cursor: pointer; }}
  #kg-groups label .count {{ margin-left: auto; color: #78909c; }}
  .hint {{ color: #78909c; font-size: 11px; margin: 4px 0; }}
  #kg-details {{ max-height: 38vh; overflow-y: auto; }}
  #kg-details .row, .kg-tip .row {{ margin: 2px 0; line-height: 1.35; }}
  #kg-details .key, .kg-tip .key {{ color: #607d8b; margin-right: 4px; }}
  #kg-details .title, .kg-tip .title {{ font-weight: 600; margin-bottom: 4px; }}
  div.vis-tooltip {{ white-space: normal !important; max-width: 440px; font-family: inherit !important;
                     font-size: 12px !important; background: #fffdf5 !important; }}
  #kg-status {{ position: absolute; left: 12px; bottom: 10px; color: #78909c; font-size: 11px; }}
</style>
</head>
<body>
<header>
  <h1 id="kg-title"></h1>
  <span class="counts" id="kg-counts"></span>
  <input id="kg-search" type="search" placeholder="Search names, ids, quotes…" list="kg-names"
         autocomplete="off" aria-label="Search the graph">
  <datalist id="kg-names"></datalist>
  <span class="matches" id="kg-matches"></span>
</header>
<main>
  <div id="kg-network"></div>
  <aside>
    <p class="about" id="kg-about"></p>
    <h2>Details</h2>
    <div id="kg-details"><div class="hint">Hover for a tooltip; click a node or link for details.</div></div>
    <h2 id="kg-groups-heading">Show</h2>
    <div id="kg-groups"></div>
    <h2>Nodes</h2>
    <div id="kg-legend-nodes"></div>
    <div class="hint">Shape: what it is; colour: its kind; size: how much rests on it.
      Click an entry to hide or show it.</div>
    <h2>Links</h2>
    <div id="kg-legend-edges"></div>
  </aside>
</main>
<div id="kg-status"></div>
<script type="application/json" id="kg-view">{data}</script>
<script>{vis_js}</script>
<script>
(function () {{
  "use strict";
  const view = JSON.parse(document.getElementById("kg-view").textContent);
  const SYMBOLS = {{dot: "\\u25cf", square: "\\u25a0", diamond: "\\u25c6", star: "\\u2605",
                   triangle: "\\u25b2", triangleDown: "\\u25bc", hexagon: "\\u2b22", box: "\\u25ad"}};

  function el(tag, cls, text) {{
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }}
  function facts(title, info) {{
    const box = el("div", "kg-tip");
    box.appendChild(el("div", "title", title));
    for (const [key, value] of info) {{
      const row = el("div", "row");
      row.appendChild(el("span", "key", key + ":"));
      row.appendChild(el("span", "value", value));
      box.appendChild(row);
    }}
    return box;
  }}

  document.title = view.title;
  document.getElementById("kg-title").textContent = view.title;
  document.getElementById("kg-about").textContent = view.description;
  document.getElementById("kg-counts").textContent =
      view.nodes.length + " nodes \\u00b7 " + view.edges.length + " links";

  const withTip = (item, heading) => Object.assign({{}}, item, {{title: facts(heading, item.info)}});
  const nodes = new vis.DataSet(view.nodes.map(n => withTip(n, n.full)));
  const edges = new vis.DataSet(view.edges.map(e => withTip(e, e.label_text)));
  const container = document.getElementById("kg-network");
  const network = new vis.Network(container, {{nodes: nodes, edges: edges}}, view.options);
  const state = {{settled: false, stabilizationIterations: 0}};
  window.kgViz = {{network: network, nodes: nodes, edges: edges, view: view, state: state}};

  const status = document.getElementById("kg-status");
  // Placed views open at the fitted zoom, but never so far out that a label drops below
  // view.min_scale x its font size: then they open at the top left, or, where the view names
  // a focus that the top left would not show, on the focus: an argument view's main conclusion
  // at the top, in the middle; the actors view's most active actor of the largest side in the
  // middle of the screen.
  function defaultZoom() {{
    network.fit({{animation: false}});
    if (!view.min_scale || network.getScale() >= view.min_scale) return;
    const xs = view.nodes.map(n => n.x).concat(view.headings.map(h => h.x));
    const ys = view.nodes.map(n => n.y).concat(view.headings.map(h => h.y));
    const scale = view.min_scale, margin = 30, half = view.slot / 2;
    const left = Math.min(...xs) - half + (container.clientWidth / 2 - margin) / scale;
    const right = left + (container.clientWidth / 2 - margin) / scale;
    const bottom = Math.min(...ys) - 40 + (container.clientHeight - margin) / scale;
    const away = view.focus && (view.focus[0] + half > right || view.focus[1] > bottom);
    const top = (away ? view.focus[1] : Math.min(...ys)) - 40 + (container.clientHeight / 2 - margin) / scale;
    network.moveTo({{scale: scale, animation: false, position: away && view.focus_middle
      ? {{x: view.focus[0], y: view.focus[1]}} : {{x: away ? view.focus[0] : left, y: top}}}});
  }}
  function settle() {{
    if (state.settled) return;
    network.setOptions({{physics: {{enabled: false}}}});
    state.settled = true;
    document.body.dataset.settled = "true";
    status.textContent = "layout settled";
  }}
  // Force-laid views: once settled and fitted, labels grow so they read at >= 12 px on screen.
  function readableLabels() {{
    const size = Math.max(view.options.nodes.font.size, Math.ceil(12.5 / network.getScale()));
    nodes.update(view.nodes.map(n => ({{id: n.id, font: {{size: size}}}})));
  }}
  if (view.options.physics && view.options.physics.enabled) {{
    status.textContent = "laying out\u2026";
    network.on("stabilizationProgress", p => {{ state.stabilizationIterations = p.iterations; }});
    network.once("stabilizationIterationsDone", () => {{ settle(); network.fit(); readableLabels(); }});
  }} else {{
    network.once("afterDrawing", () => {{ defaultZoom(); settle(); }});
  }}
  // Headings on the canvas (the sides of the actors view, the block of unlinked claims).
  network.on("afterDrawing", ctx => {{
    ctx.save();
    ctx.font = "bold 17px DejaVu Sans, Arial, sans-serif";
    ctx.fillStyle = "#455a64";
    ctx.textAlign = "center";
    for (const h of view.headings) ctx.fillText(h.text, h.x, h.y);
    ctx.restore();
  }});
  // Big force-laid views label their heaviest nodes; the others show a label under the mouse.
  let hovered = null;
  function hideHoverLabel() {{
    if (hovered !== null) nodes.update({{id: hovered, label: ""}});
    hovered = null;
  }}
  network.on("hoverNode", params => {{
    const n = nodes.get(params.node);
    if (!n || !n.hover_label) return;
    hideHoverLabel();
    hovered = n.id;
    nodes.update({{id: n.id, label: n.hover_label}});
  }});
  network.on("blurNode", hideHoverLabel);
  container.addEventListener("mouseleave", hideHoverLabel);

  // Details panel: the same facts as the tooltip, kept while you read.
  const details = document.getElementById("kg-details");
  function show(title, info) {{
    details.replaceChildren(facts(title, info));
  }}
  network.on("click", params => {{
    if (params.nodes.length) {{ const n = nodes.get(params.nodes[0]); show(n.full, n.info); }}
    else if (params.edges.length) {{ const e = edges.get(params.edges[0]); show(e.label_text, e.info); }}
  }});

  // Legend: one entry per node kind (or side) and per link relation; clicking hides or shows
  // them. "Show" hides or shows whole groups; a big full view opens with statements and sources
  // hidden (tick them to see them).
  const hiddenKinds = new Set(), hiddenRelations = new Set(), hiddenGroups = new Set(view.hidden_groups);
  function applyFilters() {{
    nodes.update(view.nodes.map(n => ({{id: n.id,
        hidden: hiddenKinds.has(n.kind) || hiddenGroups.has(n.group_name)}})));
    edges.update(view.edges.map(e => ({{id: e.id, hidden: hiddenRelations.has(e.relation)}})));
  }}
  const groupBox = document.getElementById("kg-groups");
  const GROUP_WORDS = {{person: "People", organisation: "Organisations", claim: "Claims",
                       statement: "Statements", evidence: "Evidence", source: "Sources"}};
  for (const entry of view.legend.groups) {{
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = !hiddenGroups.has(entry.group);
    box.dataset.group = entry.group;
    box.addEventListener("change", () => {{
      if (box.checked) hiddenGroups.delete(entry.group); else hiddenGroups.add(entry.group);
      applyFilters();
    }});
    label.append(box, el("span", "name", GROUP_WORDS[entry.group] || entry.group),
                 el("span", "count", String(entry.count)));
    groupBox.appendChild(label);
  }}
  if (view.legend.groups.length < 2) {{
    groupBox.style.display = "none";
    document.getElementById("kg-groups-heading").style.display = "none";
  }}
  if (hiddenGroups.size) applyFilters();
  const nodeLegend = document.getElementById("kg-legend-nodes");
  for (const entry of view.legend.nodes) {{
    const item = el("div", "legend-item");
    const swatch = el("span", "swatch", SYMBOLS[entry.shape] || "\u25cf");
    swatch.style.color = entry.color;
    const name = el("span", "name", entry.kind);
    if (entry.title) name.appendChild(el("span", "members", entry.title));
    item.append(swatch, name, el("span", "count", String(entry.count)));
    item.dataset.kind = entry.kind;
    item.addEventListener("click", () => {{
      if (hiddenKinds.has(entry.kind)) hiddenKinds.delete(entry.kind); else hiddenKinds.add(entry.kind);
      item.classList.toggle("off");
      applyFilters();
    }});
    nodeLegend.appendChild(item);
  }}
  const edgeLegend = document.getElementById("kg-legend-edges");
  for (const entry of view.legend.edges) {{
    const item = el("div", "legend-item");
    const line = el("span", "line");
    line.style.borderTopColor = entry.color;
    line.style.borderTopStyle = entry.dashes ? "dashed" : "solid";
    item.append(line, el("span", "name", entry.label), el("span", "count", String(entry.count)));
    item.dataset.relation = entry.relation;
    item.addEventListener("click", () => {{
      if (hiddenRelations.has(entry.relation)) hiddenRelations.delete(entry.relation);
      else hiddenRelations.add(entry.relation);
      item.classList.toggle("off");
      applyFilters();
    }});
    edgeLegend.appendChild(item);
  }}

  // Search: matching nodes keep their colour, the rest fade; Enter zooms to the matches.
  const names = document.getElementById("kg-names");
  for (const n of view.nodes.slice(0, 5000)) {{ const o = document.createElement("option"); o.value = n.full;
    names.appendChild(o); }}
  const haystack = new Map(view.nodes.map(n => [n.id,
      (n.full + " " + n.info.map(kv => kv[1]).join(" ")).toLowerCase()]));
  const FADED = {{background: "#eceff1", border: "#cfd8dc"}};
  const search = document.getElementById("kg-search");
  const matchesLabel = document.getElementById("kg-matches");
  let matches = [];
  search.addEventListener("input", () => {{
    const q = search.value.trim().toLowerCase();
    matches = q ? view.nodes.filter(n => haystack.get(n.id).includes(q)).map(n => n.id) : [];
    const hit = new Set(matches);
    nodes.update(view.nodes.map(n => ({{id: n.id,
        color: (!q || hit.has(n.id)) ? n.color : FADED,
        font: {{color: (!q || hit.has(n.id)) ? "#263238" : "#cfd8dc"}}}})));
    matchesLabel.textContent = q ? matches.length + " match" + (matches.length === 1 ? "" : "es") : "";
  }});
  search.addEventListener("keydown", ev => {{
    if (ev.key !== "Enter" || !matches.length) return;
    network.selectNodes(matches);
    network.fit({{nodes: matches, animation: false}});
    const n = nodes.get(matches[0]);
    show(n.full, n.info);
  }});
}})();
</script>
</body>
</html>
"""

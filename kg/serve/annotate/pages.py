"""The coder's one HTML page: a shell the script (``static/annotate.js``) fills from the API.

Nothing is fetched from elsewhere (the Content-Security-Policy allows only this server's own
script, style and API), and the page itself holds no data: every text from the debate reaches
the browser as JSON and is put into the page with ``textContent``, so a quote holding
``<script>`` shows as text.
"""

from __future__ import annotations

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
          "form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
PAGE_HEADERS = {"Content-Security-Policy": POLICY, "Referrer-Policy": "same-origin"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg annotate</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/annotate.css"></head>
<body>
<header>
  <strong>kg annotate</strong>
  <span id="where" class="muted"></span>
  <span class="spacer"></span>
  <span id="build-result" class="muted"></span>
  <button id="build" type="button" title="Rebuild the store from every debate (kg build)">Build</button>
</header>
<div id="layout">
  <nav id="docs" aria-label="Documents"><p class="muted">Loading…</p></nav>
  <main>
    <div id="legend" class="legend">
      <span class="st st-agree">agree</span> <span class="st st-disagree">disagree</span>
      <span class="st st-hedged">hedged</span> <span class="st st-declined">declined</span>
      <span class="ev">evidence</span> <span class="ln">link</span> <span class="qt">number</span>
      <span class="dr">draft</span>
      <span class="muted keys">Select words, then <kbd>s</kbd> statement · <kbd>e</kbd> evidence ·
      <kbd>l</kbd> link · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> save · <kbd>Esc</kbd> close ·
      <kbd>j</kbd>/<kbd>k</kbd> next/previous draft · <kbd>a</kbd> accept · <kbd>r</kbd> reject</span>
    </div>
    <h1 id="title"></h1>
    <div id="problems"></div>
    <div id="text" class="text" tabindex="0"><p class="muted">Pick a document on the left.</p></div>
  </main>
  <aside id="side">
    <div id="selection" class="box"></div>
    <div id="form" class="box" hidden></div>
    <div id="here" class="box" hidden></div>
    <div id="drafts" class="box" hidden></div>
    <div id="ids" class="box" hidden></div>
  </aside>
</div>
<div id="errnote" class="errnote" hidden></div>
<script src="/static/annotate.js"></script>
</body></html>
"""


def page() -> str:
    """The coder's page (static: the same for every debate)."""
    return _PAGE

"""The endpoint's own HTML: the index page (a query form) and a query's answer as a table.

No script at all, nothing fetched from elsewhere: the pages work offline and are sent with a
Content-Security-Policy that allows no script. The select of example queries is a small form
of its own ("Load" puts the chosen query in the text area); "Run" posts the query to ``/query``,
which answers a browser (``Accept: text/html`` first) with this page and the answer as a table.
Every value is escaped: a literal holding ``<script>`` shows as text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import pyoxigraph

from kg.queries.catalogue import NamedQuery

MAX_ROWS = 1000
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; "
          "frame-ancestors 'none'")

_STYLE = """body{font-family:system-ui,sans-serif;margin:1.5em;max-width:110em}
textarea{width:100%;font-family:monospace;font-size:0.9em}
table{border-collapse:collapse;font-size:0.9em;margin-top:0.5em}
th,td{border:1px solid #ccc;padding:0.2em 0.5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}.note{color:#555}.error{color:#a00;font-weight:bold}
.tag{color:#777;font-size:0.85em}"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _views(view_names: Sequence[str]) -> str:
    links = "".join(f'<li><a href="/view/{_e(name)}">{_e(name)}</a></li>' for name in view_names)
    return (f"<h2>Views</h2><ul>{links}</ul><form action=\"/view/claim\" method=\"get\">"
            "One claim's evidence tree, by id: <input name=\"id\" size=\"40\"> "
            "<button type=\"submit\">Draw</button></form>")


def page(store_name: str, examples: Sequence[NamedQuery], query: str, chosen: str = "",
         answer: str = "", view_names: Sequence[str] = ()) -> str:
    """The index page: the query form (``query`` in the text area), the examples, ``answer``
    (HTML, already escaped) under the form, and the views."""
    options = "".join(
        f'<option value="{_e(q.name)}"{" selected" if q.name == chosen else ""}>'
        f"{_e(q.name)}: {_e(q.title)}</option>" for q in examples)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<style>{_STYLE}</style></head>
<body>
<h1>kg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 Protocol endpoint over <code>{_e(store_name)}</code>:
<code>/query</code> (GET or POST). Updates are refused; queries have a time limit and answers a
size limit; <code>SERVICE</code> (querying other servers) is refused.</p>
<form action="/" method="get">Example queries:
<select name="example">{options}</select> <button type="submit">Load</button></form>
<form action="/query" method="post">
<textarea name="query" rows="14" cols="100">{_e(query)}</textarea><br>
<button type="submit">Run</button> <span class="note">(the answer shows below as a table; SPARQL
clients get JSON, XML, CSV, TSV or RDF from the same address)</span>
</form>
{answer}
{_views(view_names)}
</body></html>
"""


def error_block(status: int, message: str) -> str:
    """An error under the form."""
    return f'<p class="error">{status}: {_e(message)}</p>'


def _term(term: dict[str, Any]) -> str:
    """One SPARQL JSON result term as escaped HTML."""
    value = _e(term.get("value", ""))
    if term.get("type") == "bnode":
        return f"_:{value}"
    if term.get("type") in ("literal", "typed-literal"):
        if "xml:lang" in term:
            return f'{value} <span class="tag">@{_e(term["xml:lang"])}</span>'
        return value
    return value  # an IRI (or a triple term): as text, never a link


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], total: int) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    shown = f"first {len(rows)} of {total} rows" if total > len(rows) else f"{total} rows"
    return f'<p class="note">{shown}</p><table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def results_table(content_type: str, data: bytes) -> str:
    """An answer of the engine (SPARQL JSON results, or N-Triples for CONSTRUCT and DESCRIBE)
    as an escaped HTML table of at most :data:`MAX_ROWS` rows."""
    if content_type.startswith("application/n-triples"):
        triples = list(pyoxigraph.parse(data, pyoxigraph.RdfFormat.N_TRIPLES))
        rows = [[_e(t.subject), _e(t.predicate), _e(t.object)] for t in triples[:MAX_ROWS]]
        return _table(("subject", "predicate", "object"), rows, len(triples))
    answer = json.loads(data)
    if "boolean" in answer:
        return f'<p>Answer: <b>{"true" if answer["boolean"] else "false"}</b></p>'
    head = answer.get("head", {}).get("vars", [])
    bindings = answer.get("results", {}).get("bindings", [])
    rows = [[_term(b[v]) if v in b else "" for v in head] for b in bindings[:MAX_ROWS]]
    return _table(head, rows, len(bindings))

"""Render query results for people (tables) and for other programs (CSV, JSON, RDF).

JSON is the W3C SPARQL 1.1 Query Results JSON format, so any SPARQL tooling reads it; CSV
carries full IRIs and plain literal values, for R and spreadsheets (a value a spreadsheet would
run as a formula gets a leading apostrophe); the table shortens IRIs with the known prefixes.
"""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from kg.model.escape import csv_cell
from kg.model.namespaces import compact
from kg.stores.base import Result, Term


def term_json(term: Term) -> dict[str, str]:
    """One term in the SPARQL JSON results encoding."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON for SELECT and ASK."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2)
    bindings = [
        {var: term_json(val) for var, val in zip(result.vars, row, strict=True) if val is not None}
        for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.vars}, "results": {"bindings": bindings}},
                      indent=2, ensure_ascii=False)


def to_csv(result: Result) -> str:
    """CSV with a header row; IRIs in full, literals as their lexical form."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow([str(result.boolean).lower()])
        return buffer.getvalue()
    writer.writerow(result.vars)
    for row in result.rows:
        writer.writerow(["" if v is None else csv_cell(str(v)) for v in row])
    return buffer.getvalue()


def cell(term: Term | None, width: int = 120) -> str:
    """A term as a short table cell."""
    if term is None:
        return ""
    text = compact(str(term)) if isinstance(term, URIRef) else " ".join(str(term).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def print_table(result: Result, console: Console, title: str | None = None) -> None:
    """A readable table, with its title above it on a line of its own (a title set on the table
    would be wrapped to the width of its columns: a word a line over a one-column count) and the
    row count underneath."""
    if result.kind == "ask":
        console.print("yes" if result.boolean else "no")
        return
    if title:
        console.print(Text(title, style="italic"))
    table = Table(show_lines=False, header_style="bold")
    for var in result.vars:
        table.add_column(var, overflow="fold")
    for row in result.rows:
        table.add_row(*(escape(cell(v)) for v in row))  # source text such as '[red]' stays text
    console.print(table)
    console.print(f"{len(result.rows)} row(s)", style="dim")

"""Untrusted text is escaped in every output format: Markdown, CSV, GraphML/GEXF (HTML: test_viz)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from kg.analysis.network_export import csv_bytes, graph_files
from kg.model.escape import csv_cell, md_code, md_text, xml_text
from kg.render import results
from kg.stores import Result


@pytest.mark.parametrize(("text", "span"), [
    ("plain-id", "`plain-id`"),
    ("a`b", "``a`b``"),
    ("`start", "`` `start ``"),
    ("x``y", "```x``y```"),
])
def test_a_code_span_holds_any_text(text: str, span: str) -> None:
    assert md_code(text) == span


def test_markdown_text_cannot_become_html_or_a_link() -> None:
    assert md_text("<script>alert(1)</script> [x](http://e)") == \
        r"\<script\>alert\(1\)\</script\> \[x\]\(http://e\)"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://e\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell


def test_ordinary_cells_pass(tmp_path: Path) -> None:
    assert [csv_cell(v) for v in ("Taser", 3, 0.5, None, "a=b")] == ["Taser", 3, 0.5, None, "a=b"]
    data = csv_bytes(["label", "n"], [["=1+1", -4], ["ok", 2]]).decode()
    assert list(csv.reader(io.StringIO(data))) == [["label", "n"], ["'=1+1", "-4"], ["ok", "2"]]


def test_query_results_csv_is_safe_for_spreadsheets() -> None:
    from rdflib import Literal

    out = results.to_csv(Result("select", ["label"], [(Literal("=cmd|' /C calc'!A0"),), (Literal("fine"),)]))
    assert out.splitlines() == ["label", "'=cmd|' /C calc'!A0", "fine"]


def test_graph_files_stay_well_formed_xml_for_any_text(tmp_path: Path) -> None:
    graph = nx.Graph()
    nasty = "a\x00b\x07c <&> \"quotes\" \x1b[31m"
    graph.add_node("n\x01", label=nasty)
    graph.add_node("m", label="ok")
    graph.add_edge("n\x01", "m", weight=1.0, note=nasty)
    for path in graph_files(graph, tmp_path, "g"):
        root = ET.parse(path).getroot()  # parses: well-formed
        texts = " ".join(root.itertext()) + " ".join(str(e.attrib) for e in root.iter())
        assert "abc <&> \"quotes\" [31m" in texts
    assert xml_text(nasty) == "abc <&> \"quotes\" [31m"


def test_an_id_with_a_backtick_stays_inside_its_code_span_in_a_markdown_trace() -> None:
    from kg.render.trace import markdown

    claim = {"label": "<b>L</b>", "kind": "factual", "id": "x`y <img src=x>", "text": "t",
             "links": [], "statements": [], "number_checks": []}
    out = markdown({"claim": claim, "depth": 1})
    assert "``x`y <img src=x>``" in out and "\\<b\\>L\\</b\\>" in out

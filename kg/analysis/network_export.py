"""Write an analysis for other tools: GraphML and GEXF (Gephi, visone, igraph), CSV edge lists
and CSV matrices (R: ``read.csv(file, row.names = 1, check.names = FALSE)``).

Files written into the export folder (each written to a temporary name, then renamed, so a
failed export never leaves a half-written file):

==============================  =============================================================
``actors.graphml``/``.gexf``    one-mode actor network (weight, congruence, conflict on edges;
                                label, statements, coalition and centralities on nodes)
``actor-claim.graphml``/``.gexf`` two-mode network (``bipartite`` 0 actors, 1 claims)
``arguments.graphml``/``.gexf`` support/attack graph: grounded status, strength, base score
``actors-edges.csv``            source, target, weight, congruence, conflict
``actors-nodes.csv``            id, label, statements, coalition, degree, strength, betweenness, eigenvector
``actors-matrix.csv``           the actor x actor weight matrix (row and column names = ids)
``claims-matrix.csv``           the claim x claim weight matrix
``actor-claim-matrix.csv``      the two-mode matrix (rows actors, columns claims)
``actor-claim-edges.csv``       actor, claim, value, agree, disagree
``arguments-edges.csv``         premise, conclusion, polarity, asserted_by, sources, links
``actors-signed.graphml``/``.gexf`` argument-aware (signed) actor network: signed weight,
                                congruence, conflict on edges; label, statements, coalition on nodes
``actors-signed-edges.csv``     source, target, weight (signed), congruence, conflict, via
``actors-signed-matrix.csv``    the signed actor x actor weight matrix
``windows-edges.csv``           window start, end, source, target, weight... (with --window)
==============================  =============================================================
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.analysis import arguments
from kg.analysis.network import Analysis
from kg.model.errors import KgError
from kg.model.escape import csv_cell, xml_text
from kg.model.files import write_atomic

# the columns of actors-nodes.csv read from each actor's Centrality
CENTRALITIES: tuple[Literal["degree", "strength", "betweenness", "eigenvector"], ...] = (
    "degree", "strength", "betweenness", "eigenvector")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV with a header row; ``None`` becomes an empty cell (R reads it as NA); a text a
    spreadsheet would run as a formula gets a leading apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def matrix_bytes(matrix: sp.spmatrix, rows: Sequence[str], cols: Sequence[str]) -> bytes:
    """A dense CSV matrix with row and column names (first header cell empty, as R writes it)."""
    dense = np.asarray(sp.csr_matrix(matrix).todense())
    return csv_bytes(["", *cols], ([r, *(_number(v) for v in dense[i])] for i, r in enumerate(rows)))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 10)


def _clean(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF can hold: lists joined with '|', no ``None``, and
    no character XML 1.0 forbids in any text (node ids included), so the files stay well-formed."""
    out = graph.__class__()

    def value(v: object) -> object:
        if isinstance(v, list | tuple | set):
            v = "|".join(map(str, v))
        if isinstance(v, np.generic):
            v = v.item()
        return xml_text(v) if isinstance(v, str) else v

    def fix(attrs: dict) -> dict:
        return {k: value(v) for k, v in attrs.items() if v is not None}

    def node(n: object) -> object:
        return xml_text(n) if isinstance(n, str) else n

    out.add_nodes_from((node(n), fix(d)) for n, d in graph.nodes(data=True))
    if graph.is_multigraph():
        out.add_edges_from((node(u), node(v), k, fix(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    else:
        out.add_edges_from((node(u), node(v), fix(d)) for u, v, d in graph.edges(data=True))
    return out


def graph_files(graph: nx.Graph, folder: Path, stem: str) -> list[Path]:
    """``stem.graphml`` and ``stem.gexf`` of ``graph``."""
    clean = _clean(graph)
    written = []
    for ext, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
        buffer = io.BytesIO()
        writer(clean, buffer)
        path = folder / f"{stem}.{ext}"
        write_atomic(path, buffer.getvalue())
        written.append(path)
    return written


def actor_graph(analysis: Analysis) -> nx.Graph:
    """The actor network with labels, coalition and centralities on the nodes."""
    s = analysis.structure
    graph = s.graph.copy()
    for i, group in enumerate(s.coalitions):
        for a in group:
            graph.nodes[a]["coalition"] = i + 1
    for node, values in s.centrality.items():
        graph.nodes[node].update(values)
    return graph


def two_mode_graph(analysis: Analysis) -> nx.Graph:
    """The actor x claim network; edges carry the two-mode value and the stance counts."""
    t = analysis.table
    P, D = t.stance_counts()
    M = sp.coo_matrix(analysis.two_mode)
    graph = nx.Graph()
    active_actors = np.flatnonzero(np.asarray((P + D).sum(axis=1)).ravel())
    active_claims = np.flatnonzero(np.asarray((P + D).sum(axis=0)).ravel())
    graph.add_nodes_from((t.actor_ids[i], {"label": t.actor_labels[i], "bipartite": 0})
                         for i in active_actors)
    graph.add_nodes_from((t.claim_ids[k], {"label": t.claim_labels[k], "bipartite": 1})
                         for k in active_claims)
    P, D = P.tocsr(), D.tocsr()
    for i, k, value in zip(M.row, M.col, M.data, strict=True):
        graph.add_edge(t.actor_ids[i], t.claim_ids[k], weight=float(value),
                       agree=int(P[i, k]), disagree=int(D[i, k]))
    return graph


def argument_graph(analysis: Analysis) -> nx.MultiDiGraph:
    """The support/attack graph with each node's grounded status, strength and base score."""
    graph = analysis.argument_graph.copy()
    for node, status in arguments.grounded(graph).items():
        graph.nodes[node]["status"] = status
    if analysis.strength is not None:
        for node, found in analysis.strength.arguments.items():
            graph.nodes[node]["strength"] = round(found.strength, 6)
            graph.nodes[node]["base_score"] = round(found.base, 6)
    return graph


def signed_actor_graph(analysis: Analysis) -> nx.Graph:
    """The argument-aware actor network with labels and signed coalitions on the nodes."""
    n = analysis.argument_network
    if n is None:
        return nx.Graph()
    graph = n.graph.copy()
    for i, group in enumerate(n.coalitions):
        for a in group:
            if a in graph:
                graph.nodes[a]["coalition"] = i + 1
    return graph


def _via_text(entries: list[dict] | None) -> str:
    """A tie's 'via' list as one cell: ``claim`` or ``premise>conclusion:polarity``, '|'-joined."""
    return "|".join(e["claim"] if "claim" in e else f"{e['premise']}>{e['conclusion']}:{e['polarity']}"
                    for e in entries or [])


def export(analysis: Analysis, folder: Path) -> list[Path]:
    """Write every export file into ``folder`` (created if missing); return the paths."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KgError(f"cannot create the export folder: {exc.strerror or exc}", folder) from exc
    s, t = analysis.structure, analysis.table
    written: list[Path] = []
    written += graph_files(actor_graph(analysis), folder, "actors")
    written += graph_files(two_mode_graph(analysis), folder, "actor-claim")
    written += graph_files(argument_graph(analysis), folder, "arguments")

    def put(name: str, data: bytes) -> None:
        write_atomic(folder / name, data)
        written.append(folder / name)

    put("actors-edges.csv", csv_bytes(
        ["source", "target", "weight", "congruence", "conflict"],
        ([u, v, d["weight"], d["congruence"], d["conflict"]]
         for u, v, d in sorted(s.graph.edges(data=True)))))
    group_of = {a: i + 1 for i, g in enumerate(s.coalitions) for a in g}
    put("actors-nodes.csv", csv_bytes(
        ["id", "label", "statements", "coalition", *CENTRALITIES],
        ([n, d["label"], d["statements"], group_of.get(n), *(s.centrality[n][k] for k in CENTRALITIES)]
         for n, d in sorted(s.graph.nodes(data=True)))))
    put("actors-matrix.csv", matrix_bytes(analysis.actors.weight, analysis.actors.ids, analysis.actors.ids))
    put("claims-matrix.csv", matrix_bytes(analysis.claims.weight, analysis.claims.ids, analysis.claims.ids))
    put("actor-claim-matrix.csv", matrix_bytes(analysis.two_mode, t.actor_ids, t.claim_ids))
    two = two_mode_graph(analysis)
    put("actor-claim-edges.csv", csv_bytes(
        ["actor", "claim", "value", "agree", "disagree"],
        ([u, v, d["weight"], d["agree"], d["disagree"]] if two.nodes[u]["bipartite"] == 0 else
         [v, u, d["weight"], d["agree"], d["disagree"]] for u, v, d in sorted(two.edges(data=True)))))
    put("arguments-edges.csv", csv_bytes(
        ["premise", "conclusion", "polarity", "asserted_by", "sources", "links"],
        ([u, v, k, "|".join(d["asserted_by"]), "|".join(d["sources"]), d["links"]]
         for u, v, k, d in sorted(analysis.argument_graph.edges(keys=True, data=True)))))
    signed = analysis.argument_network
    if signed is not None:
        written += graph_files(signed_actor_graph(analysis), folder, "actors-signed")
        via = signed.via or {}
        put("actors-signed-edges.csv", csv_bytes(
            ["source", "target", "weight", "congruence", "conflict", "via"],
            ([u, v, d["weight"], d["congruence"], d["conflict"], _via_text(via.get((min(u, v), max(u, v))))]
             for u, v, d in sorted(signed.graph.edges(data=True)))))
        put("actors-signed-matrix.csv", matrix_bytes(signed.network.net.weight, signed.network.net.ids,
                                                     signed.network.net.ids))
    if analysis.windows:
        put("windows-edges.csv", csv_bytes(
            ["start", "end", "source", "target", "weight", "congruence", "conflict"],
            ([w["start"], w["end"], e["source"], e["target"], e["weight"], e["congruence"], e["conflict"]]
             for w in analysis.windows for e in w["edge_list"])))
    return written

"""Benchmark: actor congruence and coalitions at scale, sparse products against networkx.

The same synthetic statements (``actors`` actors, ``statements`` statements, one claim per
100 statements, two camps that mostly agree with their side's claims) go through

* the pipeline ``kg analyze`` uses: congruence as a sparse product ``X X^T``
  (:func:`kg.analysis.discourse.one_mode`), thresholded to the strongest :data:`MAX_EDGES` ties
  (:func:`kg.analysis.discourse.to_graph`), then Louvain coalitions
  (:func:`kg.analysis.discourse.coalitions`);
* the baseline: a networkx bipartite graph of actors and (claim, stance) nodes projected with
  ``networkx.bipartite.weighted_projected_graph`` (shared neighbours = congruence when each
  actor says a thing once, which the generator guarantees), then the same thresholding and
  coalition step.

Both are timed in the same run; the result reports seconds and ratios (baseline / ours), and
checks that the two projections agree on a sample of ties. Run it with
``python -m kg.bench.discourse [actors] [statements]`` (prints JSON).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.analysis import discourse
from kg.analysis.discourse import StatementTable
from kg.analysis.network import MAX_EDGES  # the cap 'kg analyze' uses


def synthetic(actors: int, statements: int, seed: int = 0) -> StatementTable:
    """Distinct (actor, claim) statements: two camps, each agreeing with its own side's claims
    80% of the time and disagreeing otherwise; claims drawn with a skewed popularity."""
    rng = np.random.default_rng(seed)
    claims = max(2, statements // 100)
    popularity = 1.0 / np.arange(1, claims + 1) ** 0.5
    popularity /= popularity.sum()
    actor = rng.integers(0, actors, size=statements * 2)
    claim = rng.choice(claims, size=statements * 2, p=popularity)
    pairs = np.unique(actor.astype(np.int64) * claims + claim)  # one statement per actor and claim
    pairs = rng.permutation(pairs)[:statements]
    actor, claim = pairs // claims, pairs % claims
    camp = np.arange(actors) % 2
    side = np.arange(claims) % 2
    agree = (camp[actor] == side[claim]) ^ (rng.random(len(actor)) < 0.2)
    return StatementTable(
        actor_ids=tuple(f"a{i}" for i in range(actors)),
        actor_labels=tuple(f"actor {i}" for i in range(actors)),
        claim_ids=tuple(f"c{k}" for k in range(claims)),
        claim_labels=tuple(f"claim {k}" for k in range(claims)),
        actor=actor, claim=claim, agree=agree, day=np.full(len(actor), discourse.NO_DATE),
    )


def networkx_projection(table: StatementTable) -> nx.Graph:
    """The baseline: bipartite actors x (claim, stance) graph, projected onto the actors."""
    bipartite = nx.Graph()
    actor_nodes = [table.actor_ids[i] for i in np.unique(table.actor)]
    bipartite.add_nodes_from(actor_nodes, bipartite=0)
    bipartite.add_edges_from(
        (table.actor_ids[a], ("claim", int(c), bool(s)))
        for a, c, s in zip(table.actor, table.claim, table.agree, strict=True)
    )
    return nx.bipartite.weighted_projected_graph(bipartite, actor_nodes)


def _graph_from_networkx(projected: nx.Graph) -> nx.Graph:
    """Threshold a networkx projection the way :func:`kg.analysis.discourse.to_graph` thresholds a matrix."""
    edges = list(projected.edges(data="weight"))
    weights = np.fromiter((w for _, _, w in edges), dtype=float, count=len(edges))
    keep: Iterable[int] = range(len(edges))
    if len(edges) > MAX_EDGES:
        keep = np.argpartition(-weights, MAX_EDGES - 1)[:MAX_EDGES]
    graph = nx.Graph()
    graph.add_nodes_from(projected.nodes)
    graph.add_edges_from((edges[i][0], edges[i][1], {"weight": edges[i][2]}) for i in keep)
    return graph


def run(actors: int = 10_000, statements: int = 100_000, seed: int = 0) -> dict:
    """Time both pipelines on the same synthetic statements; return seconds and ratios."""
    table = synthetic(actors, statements, seed)

    t0 = time.perf_counter()
    net = discourse.one_mode(table, "actor", "congruence")
    t1 = time.perf_counter()
    graph = discourse.to_graph(net, max_edges=MAX_EDGES)
    t2 = time.perf_counter()
    groups = discourse.coalitions(graph, seed)
    t3 = time.perf_counter()

    projected = networkx_projection(table)
    t4 = time.perf_counter()
    baseline_graph = _graph_from_networkx(projected)
    t5 = time.perf_counter()
    baseline_groups = discourse.coalitions(baseline_graph, seed)
    t6 = time.perf_counter()

    sample = list(projected.edges(data=True))[:: max(1, projected.number_of_edges() // 1000)]
    index = {a: i for i, a in enumerate(table.actor_ids)}
    C = sp.csr_matrix(net.congruence)
    agree = all(C[index[u], index[v]] == d["weight"] for u, v, d in sample)

    ours = {"projection_s": t1 - t0, "graph_s": t2 - t1, "coalitions_s": t3 - t2, "total_s": t3 - t0}
    base = {"projection_s": t4 - t3, "graph_s": t5 - t4, "coalitions_s": t6 - t5, "total_s": t6 - t3}
    return {
        "actors": actors, "statements": len(table), "claims": len(table.claim_ids), "seed": seed,
        "congruence_ties": int(sp.triu(C, k=1).nnz), "ties_kept": graph.number_of_edges(),
        "coalitions": len([g for g in groups if len(g) > 1]),
        "baseline_coalitions": len([g for g in baseline_groups if len(g) > 1]),
        "projections_agree": bool(agree),
        "sparse": {k: round(v, 3) for k, v in ours.items()},
        "networkx": {k: round(v, 3) for k, v in base.items()},
        "ratio_projection": round(base["projection_s"] / ours["projection_s"], 1),
        "ratio_total": round(base["total_s"] / ours["total_s"], 2),
    }


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(*args), indent=2))

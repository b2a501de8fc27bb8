"""kg.analysis.louvain gives networkx's Louvain communities, partition for partition."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from kg.analysis import louvain


def random_graph(trial: int) -> nx.Graph:
    """A weighted graph with string nodes, some isolated, some self-loops (every third)."""
    r = random.Random(trial)
    n = r.choice([6, 25, 80, 160])
    graph = nx.Graph()
    nodes = [f"actor-{r.randrange(10**6)}" for _ in range(n)]
    graph.add_nodes_from(nodes)
    for _ in range(r.randrange(n, n * 6)):
        u, v = r.choice(nodes), r.choice(nodes)
        if u != v or trial % 3 == 0:
            graph.add_edge(u, v, weight=r.choice([1.0, 2.0, 0.5, r.random() * 3]))
    return graph


@pytest.mark.parametrize("trial", range(24))
def test_same_communities_as_networkx(trial: int) -> None:
    graph = random_graph(trial)
    for seed in (0, 7):
        ours = sorted(sorted(c) for c in louvain.communities(graph, seed=seed))
        theirs = sorted(sorted(c) for c in nx.community.louvain_communities(graph, seed=seed))
        assert ours == theirs


@pytest.mark.parametrize("trial", range(12))
def test_same_communities_as_networkx_with_many_lone_nodes(trial: int) -> None:
    """Sparse graphs where many nodes have no neighbour, or only a self-loop: those never move,
    and leaving them out of the moves changes no community."""
    r = random.Random(1000 + trial)
    graph = nx.Graph()
    nodes = [f"n{i}" for i in range(r.choice([30, 90, 200]))]
    graph.add_nodes_from(nodes)
    for _ in range(len(nodes) // 3):
        u, v = r.choice(nodes), r.choice(nodes)
        graph.add_edge(u, v, weight=r.choice([1.0, 0.5, r.random() * 2]))
    for u in r.sample(nodes, 5):  # some with a self-loop alone, some beside other edges
        graph.add_edge(u, u, weight=1.5)
    assert any(graph.degree(u) == 0 for u in nodes)
    for seed in (0, 11):
        theirs = sorted(sorted(c) for c in nx.community.louvain_communities(graph, seed=seed))
        assert sorted(sorted(c) for c in louvain.communities(graph, seed=seed)) == theirs


def test_positive_only_is_louvain_on_the_positive_edges() -> None:
    for trial in range(6):
        graph = random_graph(trial)
        for n, (u, v) in enumerate(list(graph.edges)):
            if n % 3 == 0:
                graph[u][v]["weight"] = -1.0 if n % 2 else 0.0
        positive = nx.Graph()
        positive.add_nodes_from(graph.nodes)
        positive.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if d["weight"] > 0)
        theirs = sorted(sorted(c) for c in nx.community.louvain_communities(positive, seed=3))
        assert sorted(sorted(c) for c in louvain.communities(graph, seed=3, positive_only=True)) == theirs


def test_two_cliques_and_no_edges() -> None:
    graph = nx.Graph()
    graph.add_edges_from((a, b, {"weight": 1.0}) for group in ("abcd", "wxyz")
                         for i, a in enumerate(group) for b in group[i + 1:])
    graph.add_edge("d", "w", weight=0.1)
    graph.add_node("alone")
    assert sorted(sorted(c) for c in louvain.communities(graph, seed=0)) == [
        ["a", "b", "c", "d"], ["alone"], ["w", "x", "y", "z"]]
    empty = nx.Graph()
    empty.add_nodes_from(["p", "q"])
    assert louvain.communities(empty) == [{"p"}, {"q"}]
    with pytest.raises(ValueError, match="undirected simple graph"):
        louvain.communities(nx.DiGraph([("a", "b")]))

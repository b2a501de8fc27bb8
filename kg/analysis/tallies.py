"""Tallies of busy claims, derived once by the build so a trace never counts thousands of rows.

Counting is cheap in a triple store only along one index: the statements *on* a claim are one
range of the claim index, but their stances and speakers are one lookup each. At 1M triples the
most discussed claim has 4,331 statements and 407 links, and counting them by stance and speaker
took a trace about 0.3 s of its time. So the build records, for every claim with more than
:data:`BUSY` statements or links: per stance, the number of statements, the number of speakers
and the :data:`TOP_SPEAKERS` most active speakers with their counts (``dkg:StanceTally``,
``dkg:SpeakerTally``); per link kind, the number of links concluding in it (``dkg:LinkTally``).
A trace reads these for busy claims and counts the others directly (:mod:`kg.analysis.trace`).

Like the number checks, this is a post-build step (:data:`kg.build.pipeline.POST_BUILD_STEPS`):
it reads the new store with named queries (``queries/internal/tally-*.rq``) and inserts the
tallies there, so they are part of the graph every command reads.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, XSD, Graph, Literal, URIRef

from kg.model.namespaces import DKG
from kg.queries import runner
from kg.stores import Store

BUSY = 50  # a claim with more statements or links than this is tallied
TOP_SPEAKERS = 5  # speakers kept per claim and stance, most statements first


def _iri(claim: str, *parts: str) -> URIRef:
    """A tally's IRI: the claim's, with a fragment naming what is counted."""
    return URIRef(f"{claim}#tally-" + "-".join(parts))


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def _key(term: str) -> str:
    return term.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def busy_claims(graph_store: Store, busy: int = BUSY) -> list[URIRef]:
    """Claims with more than ``busy`` statements or links, in IRI order."""
    rows = runner.run(graph_store, "tally-claims").values()
    return sorted(URIRef(str(r["claim"])) for r in rows
                  if runner.count(r["statements"]) > busy or runner.count(r["links"]) > busy)


def tally(graph_store: Store, claims: list[URIRef], top: int = TOP_SPEAKERS) -> Graph:
    """The tally triples of ``claims`` (see the module docstring)."""
    out = Graph()
    if not claims:
        return out
    per: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for row in runner.run(graph_store, "tally-stances", {"claim": claims}).values():
        per[str(row["claim"]), str(row["stance"])].append((runner.count(row["n"]), str(row["speaker"])))
    for (claim, stance), speakers in sorted(per.items()):
        node = _iri(claim, _key(stance))
        out.add((URIRef(claim), DKG.stanceTally, node))
        out.add((node, RDF.type, DKG.StanceTally))
        out.add((node, DKG.tallyStance, URIRef(stance)))
        out.add((node, DKG.statementCount, _count(sum(n for n, _ in speakers))))
        out.add((node, DKG.speakerCount, _count(len(speakers))))
        for rank, (n, speaker) in enumerate(sorted(speakers, key=lambda ns: (-ns[0], ns[1]))[:top], start=1):
            entry = _iri(claim, _key(stance), str(rank))
            out.add((node, DKG.topSpeaker, entry))
            out.add((entry, RDF.type, DKG.SpeakerTally))
            out.add((entry, DKG.tallySpeaker, URIRef(speaker)))
            out.add((entry, DKG.statementCount, _count(n)))
            out.add((entry, DKG.rank, Literal(rank, datatype=XSD.positiveInteger)))
    for row in runner.run(graph_store, "tally-links", {"claim": claims}).values():
        claim, kind = str(row["claim"]), str(row["kind"])
        node = _iri(claim, "links", _key(kind))
        out.add((URIRef(claim), DKG.linkTally, node))
        out.add((node, RDF.type, DKG.LinkTally))
        out.add((node, DKG.tallyLinkKind, URIRef(kind)))
        out.add((node, DKG.linkCount, _count(runner.count(row["n"]))))
    return out


def record(graph_store: Store, busy: int | None = None) -> None:
    """Tally the busy claims of a store being built (a post-build step); ``busy`` defaults to
    :data:`BUSY`, read when called."""
    graph = tally(graph_store, busy_claims(graph_store, BUSY if busy is None else busy))
    if len(graph):
        graph_store.insert(graph)

"""Write a debate as AIF JSON, the Argument Interchange Format as AIFdb and OVA read it.

The top level has AIFdb's ``nodes``, ``edges``, ``locutions`` and ``participants``, and ``text``:

* every claim and evidence item -> an ``I`` node (its text: a claim's wording, an evidence
  item's label);
* every support link -> an ``RA`` node ("Default Inference"), every attack -> a ``CA`` node
  ("Default Conflict"), with edges premise -> RA/CA -> conclusion;
* every statement -> an ``L`` node ("Speaker Name : quoted words"), a locution naming the
  speaker's participant, and a ``YA`` node to the claim it takes a side on ("Asserting" when it
  agrees, "Disagreeing", "Hedging" or "Declining" otherwise); a link's own words -> an ``L``
  node by whoever asserts the link, with a ``YA`` "Arguing" to its RA/CA node;
* consecutive locutions of one source -> a ``TA`` node ("Default Transition") between them;
* every actor who speaks, is spoken for or asserts a link -> a participant (first name and
  surname split at the last space; an organisation's whole name is its first name);
* ``text``: the sources' texts one after another, each followed by a blank line.

**Extension field.** AIF has no place for the graph's offsets and ids, so every element carries
them under the key ``"kg"``, which AIF readers ignore: on an ``L`` node ``{"source", "start",
"end"}`` (code points into that source's own text, end exclusive) and the statement or link id;
on ``I``, ``RA``/``CA`` and ``YA`` nodes and participants the graph's id, kind and stance; and at
the top level ``kg.sources``: each source's id, title, date, URL and ``offset``, where its text
begins in ``text``. ``kg import aif`` reads them back, so a round trip keeps every id, quote and
offset; any other AIF map is imported from the standard fields alone.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from kg.ingest.aif import SEPARATOR
from kg.model.escape import json_text
from kg.render.exchange.debate import Debate, Row

ILLOCUTIONS = {"agree": "Asserting", "disagree": "Disagreeing", "hedged": "Hedging", "declined": "Declining"}
SCHEMES = {"support": ("RA", "Default Inference"), "attack": ("CA", "Default Conflict")}


class _Map:
    """An AIF map being written: numbered nodes, edges and locutions."""

    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.locutions: list[dict[str, Any]] = []

    def node(self, kind: str, text: str, kg: dict[str, Any]) -> str:
        ident = str(len(self.nodes) + 1)
        self.nodes.append({"nodeID": ident, "text": text, "type": kind, "kg": kg})
        return ident

    def edge(self, source: str, target: str) -> None:
        self.edges.append({"edgeID": str(len(self.edges) + 1), "fromID": source, "toID": target,
                           "formEdgeID": None})


def _participant(number: int, row: Row) -> dict[str, Any]:
    name = str(row["name"])
    first, _, last = name.rpartition(" ") if row.get("kind") == "person" and " " in name else (name, "", "")
    return {"participantID": str(number), "firstname": first, "surname": last,
            "kg": {"id": row["id"], "kind": row.get("kind"), "name": name}}


def aif_map(debate: Debate) -> dict[str, Any]:
    """The AIF map of ``debate`` as JSON-ready data."""
    out = _Map()
    involved = sorted({s["speaker"] for s in debate.statements} | {s["org"] for s in debate.statements}
                      | {link["by"] for link in debate.links}
                      | {str(c["by"]) for c in debate.claims.values() if c.get("by") in debate.actors})
    participants = [_participant(n, debate.actors[a]) for n, a in enumerate(involved, 1)]
    person = {p["kg"]["id"]: p["participantID"] for p in participants}
    inodes = {}
    for ident, row in sorted(debate.claims.items()):
        inodes[ident] = out.node("I", str(row.get("text") or row["label"]),
                                 {"id": ident, "role": row["role"], "kind": row.get("kind"),
                                  "label": row["label"], "by": row.get("by")})
    said: list[tuple[str, int, str]] = []  # (source, start, L node): for the transitions

    def locution(row: Row, speaker: str, kg: dict[str, Any]) -> str:
        name = str(debate.actors[speaker]["name"])
        lnode = out.node("L", f"{name} : {row['exact']}",
                         {**kg, "source": row["source"], "start": int(row["start"]), "end": int(row["end"])})
        out.locutions.append({"nodeID": lnode, "personID": person[speaker]})
        said.append((str(row["source"]), int(row["start"]), lnode))
        return lnode

    for st in debate.statements:
        lnode = locution(st, st["speaker"], {"statement": st["id"], "for": st["org"], "mode": st.get("mode")})
        ya = out.node("YA", ILLOCUTIONS[str(st["stance"])], {"stance": st["stance"]})
        out.edge(lnode, ya)
        out.edge(ya, inodes[st["claim"]])
    for link in debate.links:
        kind, scheme = SCHEMES[str(link["polarity"])]
        snode = out.node(kind, scheme, {"id": link["id"], "by": link["by"], "basis": link.get("basis")})
        out.edge(inodes[link["premise"]], snode)
        out.edge(snode, inodes[link["conclusion"]])
        lnode = locution(link, link["by"], {"link": link["id"]})
        ya = out.node("YA", "Arguing", {})
        out.edge(lnode, ya)
        out.edge(ya, snode)
    said.sort()
    for (source, _, before), (next_source, _, after) in pairwise(said):
        if source == next_source:
            ta = out.node("TA", "Default Transition", {})
            out.edge(before, ta)
            out.edge(ta, after)

    sources, texts, offset = [], [], 0
    for ident in debate.source_ids():
        src = debate.sources[ident]
        sources.append({"id": ident, "title": src["title"], "kind": src.get("kind"),
                        "issued": src.get("issued"), "url": src.get("url"), "publisher": src.get("publisher"),
                        "offset": offset})
        texts.append(str(src["text"]))
        offset += len(texts[-1]) + len(SEPARATOR)
    return {
        "nodes": out.nodes, "edges": out.edges, "locutions": out.locutions, "participants": participants,
        "text": SEPARATOR.join(texts),
        "kg": {"debate": {"id": debate.id, "title": debate.title}, "sources": sources,
               "offsets": "code points into each source's own text, end exclusive"},
    }


def aif_bytes(debate: Debate) -> bytes:
    """The AIF JSON of ``debate``."""
    return (json_text(aif_map(debate)) + "\n").encode("utf-8")

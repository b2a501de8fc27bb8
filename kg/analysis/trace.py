"""Trace the evidence behind a claim: who says it, what backs or contests it, where exactly.

:func:`trace` walks from one claim, level by level, through the support/attack links to
evidence and to other claims, down to ``depth`` levels, expanding each claim once (a repeat
is a reference marked ``"seen": true``).
:func:`trace_all` gives one row per claim with flags. Both return plain JSON-able data;
``kg.cli.trace`` renders them. All SPARQL is in ``queries/internal/trace-*.rq``.

JSON shape of :func:`trace` (``kg trace CLAIM --format json``)::

    {
      "claim": CLAIM,                  # the root
      "depth": 3
    }
    CLAIM = {
      "iri", "id", "label", "text", "kind",
      "quantity": QUANTITY | null,
      "number_checks": [{"evidence", "quantity", "verdict", "arithmetic", "observed", "stated"}],
      "statements": [{"id", "stance", "speaker": {"id", "label"}, "for": {"id", "label"},
                      "date", "earliest_date", "mode", "quote": QUOTE}],
      "links": [LINK],                 # empty when the depth is exhausted
      "seen": false                    # true: already shown elsewhere in this tree; not expanded
    }
    LINK = {"id", "polarity": "support"|"attack", "basis": "stated"|"implied",
            "asserted_by": {"id", "label"}, "quote": QUOTE,
            "premise": EVIDENCE | CLAIM}
    EVIDENCE = {"type": "evidence", "iri", "id", "label", "kind", "produced_by", "commissioned_by",
                "design", "site", "sample_size", "sample_unit", "population", "place",
                "period": {"start", "end", "label"}, "quote": QUOTE | null,
                "quantities": [QUANTITY]}
    QUANTITY = {"id", "measure", "comparator", "value", "unit", "numerator", "denominator",
                "baseline", "place", "period": {"start", "end"}, "quote": QUOTE | null}
    QUOTE = {"exact", "start", "end", "source", "file", ...}   # offsets: code points, end exclusive

Claims in the tree carry ``"type": "claim"``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import partial
from typing import Any, overload

from rdflib import Literal, URIRef

from kg.analysis import arguments
from kg.analysis.strength import load_table
from kg.model.errors import KgError
from kg.model.namespaces import DKG
from kg.queries import runner
from kg.stores import Store

DEFAULT_DEPTH = 3
FLAGS = ("unsupported", "single_source", "contested", "number_mismatch")
_STOP = {"the", "and", "for", "that", "with", "should", "would", "are", "is", "be", "of", "to", "a", "an"}


class _Subtree:
    """The part of the graph a trace shows, fetched level by level.

    Each level binds all its claims at once (``VALUES ?node``) in ``queries/internal/trace-*.rq``: the
    links of level *n* give the claims of level *n + 1*, down to ``depth``; then statements,
    number checks, quantities and evidence are fetched once for everything found. So a trace
    costs two queries per level plus four, however wide the tree, and never reads deeper than
    asked. A claim is expanded under the link through which the walk (breadth first) first
    reached it — its shortest path from the root — and shown as a reference elsewhere.
    """

    def __init__(self, graph_store: Store, root: URIRef, depth: int, limit: int = 0):
        self.store = graph_store
        self.limit = limit
        self.links_total: dict[str, int] = {}  # claim -> its links, when more than ``limit``
        self.claims: dict[str, dict[str, Any]] = {}
        self.links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.expand_under: dict[str, str] = {}  # claim -> the link under which it is expanded
        self.below: dict[str, int] = {}  # claim at the depth cut -> links under it not followed
        evidence: list[URIRef] = []
        frontier = [URIRef(root)]
        for level in range(depth + 1):
            self.claims.update({r["node"]: r for r in self.fetch("trace-claims", frontier)})
            if level == depth:
                for node, by_kind in self.link_counts(frontier).items():
                    self.below[node] = sum(by_kind.values())
            if level == depth or not frontier:
                break
            following: list[URIRef] = []
            level_rows = self.level_links(frontier)
            premises = sorted({URIRef(link["premise"]) for link in level_rows})
            is_evidence = {r["node"] for r in self.fetch("trace-evidence-of", premises)}
            for link in level_rows:
                link["isEvidence"] = link["premise"] in is_evidence
            for node, links in _group(level_rows, "node").items():
                self.links[node] = links
            for link in (link for node in map(str, frontier) for link in self.links.get(node, [])):
                premise = link["premise"]
                if link["isEvidence"]:
                    evidence.append(URIRef(premise))
                elif premise not in self.claims and premise not in self.expand_under:
                    self.expand_under[premise] = link["link"]
                    following.append(URIRef(premise))
            frontier = following
        claims = [URIRef(c) for c in self.claims]
        evidence = list(dict.fromkeys(evidence))
        self.statement_counts: dict[str, dict[str, int]] = defaultdict(dict)  # node -> stance -> n
        terms: dict[str, dict[str, int]] = defaultdict(dict)  # node -> stance term -> n
        self.tallies = _group(self.fetch("trace-tallies", claims), "node")  # busy claims only
        for node, rows in self.tallies.items():
            for row in rows:
                self.statement_counts[node][row["stance"]] = runner.count(row["statements"])
                terms[node][row["stanceTerm"]] = runner.count(row["statements"])
        counted = [c for c in claims if str(c) not in self.tallies]
        for row in self.fetch("trace-statement-counts", counted):
            self.statement_counts[row["node"]][row["stance"]] = runner.count(row["n"])
            terms[row["node"]][row["stanceTerm"]] = runner.count(row["n"])
        busy = {node: ts for node, ts in terms.items() if limit and sum(ts.values()) > limit}
        # claims with few statements in one query; a busy claim's stances apart, each LIMITed
        # to its share of the limit (so both sides show)
        rows = self.fetch("trace-statements", [c for c in claims if str(c) not in busy])
        for node, ts in busy.items():
            for stance, share in shares(ts, limit).items():
                rows += runner.rows(self.store, "trace-statements-sample", limit=share,
                                    values={"node": [URIRef(node)], "stanceTerm": [URIRef(stance)]})
        self.statements = _group(rows, "node")
        self.stances = (_stances_from_tallies(self.tallies[str(root)]) if str(root) in self.tallies
                        else _stances_from_speakers(self.fetch("trace-stance-speakers", [URIRef(root)])))
        self.checks = _group(self.fetch("trace-number-checks", claims), "node")
        self.quantities = _group(self.fetch("trace-quantities", claims + evidence), "node")
        self.evidence = _group(self.fetch("trace-evidence", evidence), "node")
        quotes = {row["quote"] for rows in (self.statements, self.quantities, self.evidence)
                  for group in rows.values() for row in group if row["quote"]}
        quotes.update(link["quote"] for group in self.links.values() for link in group)
        self.quotes = {r["node"]: r for r in self.fetch("trace-quotes", [URIRef(q) for q in sorted(quotes)])}
        sources = sorted({q["src"] for q in self.quotes.values()})
        self.sources = self.fetch("trace-sources", [URIRef(s) for s in sources])
        self.source_of = {s["node"]: s for s in self.sources}
        named = {row[key] for key in ("producedBy", "commissionedBy", "design", "site")
                 for group in self.evidence.values() for row in group if row[key]}
        named.update(st[key] for group in self.statements.values() for st in group
                     for key in ("mode", "stanceTerm", "speaker", "org") if st[key])
        labelled = self.fetch("trace-labels", [URIRef(n) for n in sorted(named)])
        self.labels = {r["node"]: r["label"] for r in labelled}
        self.ids = {r["node"]: r["id"] for r in labelled}

    def link_counts(self, nodes: list[URIRef]) -> dict[str, dict[str, int]]:
        """Links concluding in each of ``nodes``, by kind (IRI): tallied for busy claims, else
        counted."""
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for row in self.fetch("trace-link-tallies", nodes):
            counts[row["node"]][row["kind"]] = runner.count(row["n"])
        rest = [n for n in nodes if str(n) not in counts]
        for row in self.fetch("trace-link-counts", rest):
            counts[row["node"]][row["kind"]] = runner.count(row["n"])
        return counts

    def level_links(self, frontier: list[URIRef]) -> list[dict[str, Any]]:
        """The links of a level's claims: all of them, or with a limit, at most ``limit`` of each
        polarity per claim (a sample in the store's order, read without touching the rest).
        Records ``links_total`` for each claim that has more than it shows."""
        if not self.limit:
            return self.fetch("trace-links", frontier)
        counts = self.link_counts(frontier)
        whole = [n for n in frontier if sum(counts.get(str(n), {}).values()) <= self.limit]
        rows = self.fetch("trace-links", whole)
        chosen: list[URIRef] = []
        kept = set(whole)
        for node in (n for n in frontier if n not in kept):
            self.links_total[str(node)] = sum(counts[str(node)].values())
            for kind, share in shares(counts[str(node)], self.limit).items():
                sample = runner.rows(self.store, "trace-link-sample", limit=share,
                                     values={"node": [node], "kind": [URIRef(kind)]})
                chosen += [URIRef(r["l"]) for r in sample]
        return rows + runner.rows(self.store, "trace-links", values={"l": chosen})

    def fetch(self, name: str, nodes: list[URIRef]) -> list[dict[str, Any]]:
        """Rows of a trace query for a set of nodes, bound together with VALUES."""
        return runner.rows(self.store, name, values={"node": nodes})

    @overload
    def label(self, iri: str) -> str: ...
    @overload
    def label(self, iri: None) -> None: ...
    def label(self, iri: str | None) -> str | None:
        """The label of a resource another query returned as an IRI."""
        return None if iri is None else self.labels.get(iri, iri)

    def quote(self, iri: str | None) -> dict[str, Any] | None:
        """A quote's words, offsets (code points, end exclusive), context and source."""
        if iri is None or iri not in self.quotes:
            return None
        q = self.quotes[iri]
        source = self.source_of.get(q["src"], {})
        return {"exact": q["exact"], "start": q["start"], "end": q["end"], "prefix": q["prefix"],
                "suffix": q["suffix"], "source": source.get("id"), "source_title": source.get("title"),
                "file": source.get("file")}

    def quantity_list(self, owner: str) -> list[dict[str, Any]]:
        return [
            {
                "id": r["id"], "measure": r["measure"], "comparator": r["comparator"], "value": r["value"],
                "unit": r["unit"], "numerator": r["numerator"], "denominator": r["denominator"],
                "baseline": r["baseline"], "place": r["place"],
                "period": {"start": r["periodStart"], "end": r["periodEnd"]},
                "quote": self.quote(r["quote"]),
            }
            for r in self.quantities.get(owner, [])
        ]

    def evidence_node(self, iri: str) -> dict[str, Any]:
        rows = self.evidence[iri]
        r = rows[0]
        producers = sorted({self.label(row["producedBy"]) for row in rows if row["producedBy"]})
        return {
            "type": "evidence", "iri": iri, "id": r["id"], "label": r["label"], "kind": r["kind"],
            "produced_by": "; ".join(producers) or None, "commissioned_by": self.label(r["commissionedBy"]),
            "design": self.label(r["design"]), "site": self.label(r["site"]), "sample_size": r["sampleSize"],
            "sample_unit": r["sampleUnit"], "population": r["population"], "place": r["place"],
            "period": {"start": r["periodStart"], "end": r["periodEnd"], "label": r["periodLabel"]},
            "quote": self.quote(r["quote"]),
            "quantities": self.quantity_list(iri),
        }

    def claim_node(self, iri: str, under: str | None = None) -> dict[str, Any]:
        """A claim and what lies under it; ``under`` is the link id it is reached through."""
        r = self.claims[iri]
        node: dict[str, Any] = {
            "type": "claim", "iri": iri, "id": r["id"], "label": r["label"], "text": r["text"],
            "kind": r["kind"], "seen": under is not None and self.expand_under.get(iri) != under,
        }
        if node["seen"]:
            return node
        if iri in self.below:
            node["more_below"] = self.below[iri]  # links under it the depth cut left out
        node["statement_counts"] = dict(self.statement_counts.get(iri, {}))  # all, by stance
        if iri in self.links_total:
            node["links_total"] = self.links_total[iri]  # more links than the limit kept
        quantities = self.quantity_list(iri)
        node["quantity"] = quantities[0] if quantities else None
        node["number_checks"] = [
            {k: c[k] for k in ("evidence", "quantity", "verdict", "arithmetic", "observed", "stated")}
            for c in self.checks.get(iri, [])
        ]
        node["statements"] = [
            {
                "id": st["statement"], "stance": self.label(st["stanceTerm"]),
                "speaker": {"id": self.ids.get(st["speaker"]), "label": self.label(st["speaker"])},
                "for": {"id": self.ids.get(st["org"]), "label": self.label(st["org"])},
                "date": st["date"], "earliest_date": st["earliest"], "mode": self.label(st["mode"]),
                "quote": self.quote(st["quote"]),
            }
            for st in self.statements.get(iri, [])
        ]
        node["links"] = [
            {
                "id": link["link"], "polarity": link["polarity"], "basis": link["basis"],
                "asserted_by": {"id": link["assertedBy"], "label": link["assertedByLabel"]},
                "quote": self.quote(link["quote"]),
                "premise": (self.evidence_node(link["premise"]) if link["isEvidence"]
                            else self.claim_node(link["premise"], link["link"])),
            }
            for link in self.links.get(iri, [])
        ]
        return node


def shares(counts: dict[str, int], limit: int) -> dict[str, int]:
    """How many of each kind a branch of at most ``limit`` shows: in proportion to ``counts``
    (largest remainders), every kind present at least once while the limit allows, so a claim
    with 1,733 statements for and 2,598 against shows 4 for and 6 against at ``limit=10``."""
    present = {k: n for k, n in sorted(counts.items()) if n > 0}
    if sum(present.values()) <= limit:
        return present
    floor = 1 if limit >= len(present) else 0
    share = {k: floor for k in present}
    left = limit - floor * len(present)
    total = sum(present.values())
    exact = {k: left * n / total for k, n in present.items()}
    for k in share:
        share[k] += min(int(exact[k]), present[k] - share[k])
    spare = limit - sum(share.values())
    for k in sorted(present, key=lambda k: (-(exact[k] - int(exact[k])), -present[k], k)):
        if spare <= 0:
            break
        if share[k] < present[k]:
            share[k] += 1
            spare -= 1
    return {k: v for k, v in share.items() if v > 0}


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def trace(graph_store: Store, claim_iri: URIRef, depth: int = DEFAULT_DEPTH,
          limit: int = 0) -> dict[str, Any]:
    """The evidence tree of one claim (see the module docstring for its shape); with ``limit``,
    at most that many statements per claim and stance and links per claim are read, and each
    node says how many there are (``statement_counts``, ``links_total``)."""
    if depth < 0:
        raise KgError("--depth must be 0 or more")
    subtree = _Subtree(graph_store, URIRef(claim_iri), depth, limit)
    if str(claim_iri) not in subtree.claims:
        raise KgError(f"no claim {claim_iri}")
    root = subtree.claim_node(str(claim_iri))
    sources = [{"id": s["id"], "title": s["title"], "publisher": s["publisher"], "issued": s["issued"],
                "earliest": s["earliest"], "latest": s["latest"], "url": s["url"]} for s in subtree.sources]
    scores = _kind_scores(graph_store)
    return {"claim": root, "depth": depth, "limit": limit, "sources": sources,
            "summary": summarise(root, scores, subtree.stances)}


def _kind_scores(graph_store: Store) -> dict[str, float]:
    """Base scores of evidence kinds and study designs by label (lower case), from the ontology's
    score table, to name the strongest evidence in a trace's summary."""
    table = load_table(graph_store)
    return {t.label.lower(): t.score for t in table.terms.values()}


def evidence_beneath(node: dict[str, Any], sign: int, found: dict[str, dict[str, Any]]) -> None:
    """Evidence beneath ``node`` with the sign of its path from the root: support keeps the side,
    attack turns it (evidence for a claim that attacks the root is evidence against the root)."""
    for link in node.get("links", []):
        side = sign if link["polarity"] == "support" else -sign
        premise = link["premise"]
        if premise["type"] == "evidence":
            found.setdefault(f"{premise['iri']}|{side}", {**premise, "side": side})
        elif not premise.get("seen"):
            evidence_beneath(premise, side, found)


def _stances_from_speakers(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Who takes each stance on a claim, most statements first, from ``trace-stance-speakers``
    rows (every speaker, counted in the store)."""
    by_stance: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_stance[row["stance"]][row["speakerLabel"]] += runner.count(row["n"])
    return {stance: {"statements": sum(who.values()), "actor_count": len(who),
                     "actors": [a for a, _ in sorted(who.items(), key=lambda kv: (-kv[1], kv[0]))]}
            for stance, who in by_stance.items()}


def _stances_from_tallies(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same from a busy claim's tallies (``trace-tallies``): exact counts, and the most
    active speakers only (``actors`` is cut to them; ``actor_count`` says how many there are)."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = out.setdefault(row["stance"], {"statements": runner.count(row["statements"]),
                                               "actor_count": runner.count(row["speakers"]), "actors": []})
        if row["speakerLabel"] is not None:
            entry["actors"].append(row["speakerLabel"])
    return out


def summarise(root: dict[str, Any], scores: dict[str, float],
              stances: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the first screen of a trace says: who is for and against (by stance, most active
    first, with the number of actors and statements), the evidence on each side by kind with the
    strongest item (by the ontology's base scores), the claims on each side, and the number
    checks by verdict. ``stances`` comes from the store; without it, from the tree's statements."""
    if stances is None:
        stances = _stances_from_speakers([
            {"stance": st["stance"], "speakerLabel": st["speaker"]["label"], "n": 1}
            for st in root.get("statements", [])])
    found: dict[str, dict[str, Any]] = {}
    evidence_beneath(root, 1, found)

    def side(sign: int) -> dict[str, Any]:
        items = [e for e in found.values() if e["side"] == sign]
        kinds: dict[str, int] = defaultdict(int)
        for e in items:
            kinds[e["kind"]] += 1

        def score(e: dict[str, Any]) -> float:
            return scores.get(str(e.get("design") or "").lower(), scores.get(str(e["kind"]).lower(), 0.0))

        strongest = max(items, key=lambda e: (score(e), e.get("sample_size") or 0, e["label"]), default=None)
        return {"count": len(items), "kinds": dict(sorted(kinds.items())),
                "strongest": {"id": strongest["id"], "label": strongest["label"], "kind": strongest["kind"],
                              "design": strongest.get("design")} if strongest else None}

    links = root.get("links", [])
    checks: dict[str, int] = defaultdict(int)
    for c in root.get("number_checks", []):
        checks[c["verdict"]] += 1
    return {
        "stances": stances,
        "evidence_for": side(1), "evidence_against": side(-1),
        "claims_for": [link["premise"]["label"] for link in links
                       if link["polarity"] == "support" and link["premise"]["type"] == "claim"],
        "claims_against": [link["premise"]["label"] for link in links
                           if link["polarity"] == "attack" and link["premise"]["type"] == "claim"],
        "number_checks": dict(checks),
    }


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in _STOP}


def find_claims(graph_store: Store, spec: str) -> list[dict[str, Any]]:
    """Claims matching ``spec``: an id or IRI exactly, else the best word matches of labels and texts.

    Words match when one starts with the other ("officer" finds "officers"), so a user can type
    the claim as they remember it.
    """
    if re.fullmatch(r"(https?|urn):\S+", spec):
        exact = runner.rows(graph_store, "claims", values={"claim": [URIRef(spec)]})
    else:
        exact = runner.rows(graph_store, "claims", values={"id": [Literal(spec)]})
    if exact:  # an id or IRI: one bound query, not every claim's text
        return exact
    claims = runner.rows(graph_store, "claims")
    wanted = _words(spec)
    if not wanted:
        return []

    def matches(word: str, have: set[str]) -> bool:
        return any(h == word or (min(len(h), len(word)) > 3 and (h.startswith(word) or word.startswith(h)))
                   for h in have)

    vocab = [_words(f"{c['id'].replace('-', ' ')} {c['label']} {c['text']}") for c in claims]
    # rarer words weigh more (inverse document frequency over the claims)
    weight = {w: math.log(1 + len(claims) / (1 + sum(matches(w, v) for v in vocab))) for w in wanted}
    scored = []
    for claim, have in zip(claims, vocab, strict=True):
        hits = [w for w in wanted if matches(w, have)]
        if len(hits) * 2 >= len(wanted):  # at least half the words must match
            scored.append((round(sum(weight[w] for w in hits), 9), claim))
    best = max((sc for sc, _ in scored), default=None)
    return [c for sc, c in scored if sc == best]


def resolve_claim(graph_store: Store, spec: str) -> URIRef:
    """The one claim ``spec`` names; none or several is an error listing the candidates."""
    found = find_claims(graph_store, spec)
    if not found and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec):  # an id, not words
        known = runner.run(graph_store, "resolve-id", id=Literal(spec)).rows
        if known:
            raise KgError(f"'{spec}' is not a claim (try 'kg query claims' for the list)")
        raise KgError(f"unknown id '{spec}', and no claim matches its words (try 'kg query claims')")
    if not found:
        raise KgError(f"no claim matches {spec!r} (try 'kg query claims' for the list)")
    if len(found) > 1:
        listing = "; ".join(f"{c['id']} ({c['label']})" for c in found[:10])
        more = f" (and {len(found) - 10} more)" if len(found) > 10 else ""
        raise KgError(f"{len(found)} claims match {spec!r}: {listing}{more}. Give one id.")
    return URIRef(found[0]["claim"])


# The all-claims table's queries (queries/internal/trace-all-*.rq and three more), the slowest
# first: where the store takes queries on several threads they are read side by side in this
# order (runner.side_by_side). At 1M triples, one after the other, the four parts take 0.22,
# 0.12, 0.09 and 0.05 s, the other three 0.06 s together.
ALL_CLAIMS_QUERIES = ("trace-all-stances", "trace-all-sources", "trace-all-claims", "trace-all-links",
                      "evidence-producers", "support-edges", "number-mismatches")
_STANCE_COUNTS = {str(DKG.Agree): ("agree", "actorsFor"), str(DKG.Disagree): ("disagree", "actorsAgainst")}
_LINK_COUNTS = {(str(DKG.supports), str(DKG.Evidence)): "supportingEvidence",
                (str(DKG.contests), str(DKG.Evidence)): "contestingEvidence",
                (str(DKG.supports), str(DKG.Claim)): "supportingClaims",
                (str(DKG.contests), str(DKG.Claim)): "attackingClaims"}


def trace_all(graph_store: Store) -> list[dict[str, Any]]:
    """One row per claim, sorted by id: evidence and claims for and against, documents, actors,
    and flags.

    Flags: ``unsupported`` — no evidence item lies beneath it (directly, or through a chain of
    supporting claims); ``single_source`` — all the evidence beneath it comes from one producer
    (the same definitions as ``kg analyze``, from :func:`kg.analysis.arguments.beneath`);
    ``contested`` — something attacks it or someone disagrees; ``number_mismatch`` — a
    number check of the claim came out inconsistent. ``sources`` counts the distinct source
    documents its statements and links are quoted from.

    The table comes in four parts (``trace-all-claims``, ``-stances``, ``-links``, ``-sources``)
    put together here by claim; where the store takes queries on several threads they are read
    side by side with the rest (two at a time on two cores). At 1M triples, best of five:
    0.35 s, where one query for the whole table beside the other three took 0.42 s (two
    queries at once each run slower here, so the parts' 0.54 s one after the other only come
    down to 0.35 s).
    """
    answers = runner.side_by_side(graph_store, [partial(runner.rows, graph_store, name)
                                                 for name in ALL_CLAIMS_QUERIES])
    read = dict(zip(ALL_CLAIMS_QUERIES, answers, strict=True))
    count: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in read["trace-all-stances"]:
        statements, actors = _STANCE_COUNTS[r["stance"]]
        count[r["claim"]][statements] = runner.count(r["statements"])
        count[r["claim"]][actors] = runner.count(r["actors"])
    for r in read["trace-all-links"]:
        count[r["claim"]][_LINK_COUNTS[r["relation"], r["category"]]] = runner.count(r["n"])
    for r in read["trace-all-sources"]:
        count[r["claim"]]["sources"] = runner.count(r["sources"])
    producers: dict[str, set[str]] = defaultdict(set)
    for row in read["evidence-producers"]:
        producers[row["evidence"]].add(row["producer"])
    edges = [(r["premise"], r["conclusion"]) for r in read["support-edges"]]
    evidence_under, producers_under = arguments.beneath(edges, producers)
    mismatched = {row["claim"] for row in read["number-mismatches"]}
    rows = []
    for r in sorted(read["trace-all-claims"], key=lambda r: (str(r["id"]), r["claim"], str(r["label"]))):
        claim, n = r["claim"], count[r["claim"]]
        rows.append({
            "id": r["id"], "label": r["label"], "kind": r["kind"],
            "supporting_evidence": n["supportingEvidence"],
            "contesting_evidence": n["contestingEvidence"],
            "supporting_claims": n["supportingClaims"],
            "attacking_claims": n["attackingClaims"],
            "evidence_beneath": len(evidence_under.get(claim, ())),
            "producers": len(producers_under.get(claim, ())),
            "sources": n["sources"],
            "actors_for": n["actorsFor"], "actors_against": n["actorsAgainst"],
            "agree": n["agree"], "disagree": n["disagree"],
            "unsupported": not evidence_under.get(claim),
            "single_source": len(producers_under.get(claim, ())) == 1,
            "contested": n["contestingEvidence"] + n["attackingClaims"] + n["disagree"] > 0,
            "number_mismatch": claim in mismatched,
        })
    return rows

"""Turn one debate folder (texts + YAML annotations) into RDF triples.

A curator writes ``debate.yaml`` (the debate, shared actors and claims) and one YAML file per
source text (statements, evidence, links, with quotes as exact words). This module checks
every id and keyword, finds every quote in its text, and emits the triples described in
``ontology/debate.ttl``. It reads keywords (kinds, roles, units ...) from the ontology rather
than keeping its own list, so the ontology stays the one schema.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from kg.ingest import annotations
from kg.ingest.anchor import AnchorError, anchor
from kg.ingest.annotations import Node
from kg.ingest.vocabulary import Vocabulary
from kg.model.namespaces import DKG, ID_BASE, OA, ORG, QUDT, SCHEMA

DEBATE_FILE = "debate.yaml"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Keys each kind of entry may have: a misspelt key is an error, not silently ignored.
KEYS = {
    "debate": {"id", "title", "description", "base"},
    "debate-file": {"debate", "actors", "claims"},
    "source-file": {"source", "actors", "claims", "statements", "evidence", "links"},
    "source": {"id", "file", "title", "type", "publisher", "issued", "inferences", "note", "url"},
    "inference": {"property", "value", "earliest", "latest", "reason", "quote"},
    "actor": {"id", "name", "kind", "part_of", "honorific", "note", "posts"},
    "post": {"role", "of", "title", "source", "start", "end"},
    "claim": {"id", "kind", "label", "text", "quantity", "note"},
    "statement": {"id", "speaker", "for", "claim", "stance", "mode", "quote", "date", "note"},
    "evidence": {
        "id", "kind", "label", "by", "commissioned_by", "sample_size", "sample_unit",
        "population", "design", "site", "place", "period", "quote", "quantities", "note",
    },
    "quantity": {
        "id", "measure", "variable", "value", "unit", "comparator", "numerator", "denominator",
        "baseline", "place", "period", "quote", "note",
    },
    "link": {"id", "premise", "conclusion", "polarity", "by", "basis", "quote", "note"},
    "period": {"start", "end", "label"},
    "quote": {"exact", "occurrence"},
}
@dataclass
class Source:
    """A source text and what the build knows of it."""

    id: str
    iri: URIRef
    file: Path
    text: str
    node: Node
    date: date | None = None
    earliest: date | None = None
    latest: date | None = None


@dataclass
class Entity:
    """An annotated thing with an id: where it was written and its IRI."""

    kind: str
    iri: URIRef
    node: Node
    source: Source | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class DebateResult:
    """What compiling one debate produced, for the build's report."""

    id: str
    iri: URIRef
    files: list[Path]
    sources: list[Source]


class DebateCompiler:
    """Compiles the annotation files of one debate folder into ``graph``."""

    def __init__(self, folder: Path, vocab: Vocabulary, graph: Graph):
        self.folder = folder
        self.vocab = vocab
        self.g = graph
        self.entities: dict[str, Entity] = {}
        self.sources: dict[str, Source] = {}
        self.files: list[Path] = []

    # -- entry point --------------------------------------------------------------------

    def run(self) -> DebateResult:
        """Read every annotation file, register ids, then emit all triples."""
        debate_path = self.folder / DEBATE_FILE
        doc = annotations.load(debate_path)
        self.files.append(debate_path)
        self._check_keys(doc, "debate-file")
        meta = doc.get("debate")
        if not isinstance(meta, Node):
            raise doc.error("missing 'debate:' mapping with at least an id")
        self._check_keys(meta, "debate")
        self.debate_id = self._id(meta, "id")
        self.base = meta.text("base") or f"{ID_BASE}{self.debate_id}/"
        self.debate = URIRef(f"{ID_BASE}{self.debate_id}")
        self._emit_debate(meta)

        source_docs = []
        for path in sorted(self.folder.glob("*.yaml")):
            if path.name == DEBATE_FILE:
                continue
            src_doc = annotations.load(path)
            self._check_keys(src_doc, "source-file")
            self.files.append(path)
            source_docs.append(src_doc)

        # Pass 1: every id, so references may point forward and across files.
        for file_doc in [doc, *source_docs]:
            source = self._register_source(file_doc) if file_doc is not doc else None
            for node in file_doc.nodes("actors"):
                self._register(node, "actor", source)
            for node in file_doc.nodes("claims"):
                self._register(node, "claim", source)
            for node in file_doc.nodes("evidence"):
                ev = self._register(node, "evidence", source)
                for i, qnode in enumerate(node.nodes("quantities"), 1):
                    self._register(qnode, "quantity", source, default_id=f"{ev.node['id']}-q{i}")

        # Pass 2: triples.
        for ent in list(self.entities.values()):
            if ent.kind == "actor":
                self._emit_actor(ent)
            elif ent.kind == "claim":
                self._emit_claim(ent)
            elif ent.kind == "evidence":
                self._emit_evidence(ent)
        for file_doc in source_docs:
            source = self.sources[file_doc["__source_id__"]]
            self._emit_source(source)
            for node in file_doc.nodes("statements"):
                self._emit_statement(node, source)
            for node in file_doc.nodes("links"):
                self._emit_link(node, source)
        unique = list({id(src): src for src in self.sources.values()}.values())  # ids and file stems
        return DebateResult(self.debate_id, self.debate, self.files, unique)

    # -- helpers ------------------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: object) -> None:
        """Add a triple; ``None`` objects are skipped, plain values become literals."""
        if o is None:
            return
        if not isinstance(o, (URIRef, Literal)):
            o = Literal(o)
        self.g.add((s, p, o))

    def iri(self, kind: str, ident: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{ident}")

    def _check_keys(self, node: Node, kind: str) -> None:
        allowed = KEYS[kind]
        for key in node:
            if key not in allowed and not str(key).startswith("__"):
                raise node.error(
                    f"unknown key '{key}' in {kind} (expected: {', '.join(sorted(allowed))})", key
                )

    def _id(self, node: Node, key: str = "id", default: str | None = None) -> str:
        ident = node.text(key, default)
        if ident is None:
            raise node.error(f"missing '{key}'")
        if not _ID.match(ident):
            raise node.error(f"bad id {ident!r}: use letters, digits, '-', '_' or '.'", key)
        return ident

    def _register(
        self, node: Node, kind: str, source: Source | None, default_id: str | None = None
    ) -> Entity:
        self._check_keys(node, kind)
        ident = self._id(node, default=default_id)
        node["id"] = ident
        if ident in self.entities:
            first = self.entities[ident].node
            raise node.error(f"duplicate id '{ident}' (first defined at {first.file}:{first.line})", "id")
        ent = Entity(kind, self.iri(kind, ident), node, source)
        self.entities[ident] = ent
        return ent

    def ref(self, node: Node, key: str, kinds: Iterable[str]) -> Entity:
        """The entity whose id is ``node[key]``; it must exist and be of one of ``kinds``."""
        kinds = tuple(kinds)
        ident = node.text(key)
        if ident is None:
            raise node.error(f"missing '{key}'")
        ent = self.entities.get(ident)
        if ent is None:
            raise node.error(f"unknown {' or '.join(kinds)} id '{ident}' in '{key}'", key)
        if ent.kind not in kinds:
            raise node.error(f"'{ident}' is a {ent.kind}, but '{key}' needs a {' or '.join(kinds)}", key)
        return ent

    def quote(self, node: Node, key: str, source: Source | None) -> URIRef | None:
        """Anchor ``node[key]`` in the source text and emit the Web Annotation resource."""
        if key not in node:
            return None
        if source is None:
            raise node.error(f"'{key}' needs a source text: put this entry in a source's file", key)
        value = node[key]
        occurrence = None
        if isinstance(value, Node):
            self._check_keys(value, "quote")
            occurrence = value.get("occurrence")
            if occurrence is not None and not isinstance(occurrence, int):
                raise value.error("'occurrence' must be a whole number", "occurrence")
            value = value.get("exact")
        if not isinstance(value, str) or not value:
            raise node.error(f"'{key}' must be the exact words of the source, as text", key)
        try:
            where = anchor(source.text, value, occurrence)
        except AnchorError as exc:
            raise node.error(f"{exc} [in {source.file.name}]", key) from exc
        q = self.iri("quote", f"{source.id}-{where.start}-{where.end}")
        pos, sel = URIRef(f"{q}#position"), URIRef(f"{q}#text")
        self.add(q, RDF.type, OA.SpecificResource)
        self.add(q, OA.hasSource, source.iri)
        self.add(q, OA.hasSelector, pos)
        self.add(q, OA.hasSelector, sel)
        self.add(pos, RDF.type, OA.TextPositionSelector)
        self.add(pos, OA.start, Literal(where.start, datatype=XSD.nonNegativeInteger))
        self.add(pos, OA.end, Literal(where.end, datatype=XSD.nonNegativeInteger))
        self.add(sel, RDF.type, OA.TextQuoteSelector)
        self.add(sel, OA.exact, Literal(where.exact))
        self.add(sel, OA.prefix, Literal(where.prefix))
        self.add(sel, OA.suffix, Literal(where.suffix))
        return q

    def number(self, node: Node, key: str) -> Literal | None:
        """A YAML number as an xsd:integer or xsd:decimal literal."""
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise node.error(f"'{key}' must be a number, not {value!r}", key)
        if isinstance(value, int):
            return Literal(value, datatype=XSD.integer)
        return Literal(Decimal(str(value)), datatype=XSD.decimal)

    def day(self, node: Node, key: str) -> date | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise node.error(f"'{key}' must be a date (YYYY-MM-DD), not {value!r}", key) from exc

    def note(self, s: URIRef, node: Node) -> None:
        self.add(s, DKG.note, node.text("note"))

    def common(self, ent: Entity, label: str | None) -> None:
        """Identifier, label and debate membership shared by every entity."""
        self.add(ent.iri, DCTERMS.identifier, ent.node["id"])
        self.add(ent.iri, RDFS.label, label)
        self.add(ent.iri, SCHEMA.isPartOf, self.debate)
        self.note(ent.iri, ent.node)

    def period(self, s: URIRef, node: Node) -> None:
        per = node.get("period")
        if per is None:
            return
        if not isinstance(per, Node):
            raise node.error("'period' must be a mapping with start, end and/or label", "period")
        self._check_keys(per, "period")
        self.add(s, DKG.periodStart, self.day(per, "start"))
        self.add(s, DKG.periodEnd, self.day(per, "end"))
        self.add(s, DKG.periodLabel, per.text("label"))

    # -- emitters -----------------------------------------------------------------------

    def _emit_debate(self, meta: Node) -> None:
        self.add(self.debate, RDF.type, DKG.Debate)
        self.add(self.debate, DCTERMS.identifier, self.debate_id)
        self.add(self.debate, RDFS.label, meta.text("title") or self.debate_id)
        self.add(self.debate, DCTERMS.title, meta.text("title"))
        self.add(self.debate, DCTERMS.description, meta.text("description"))

    def _register_source(self, file_doc: Node) -> Source:
        meta = file_doc.get("source")
        if not isinstance(meta, Node):
            raise file_doc.error("missing 'source:' mapping (file, title, publisher, issued)")
        self._check_keys(meta, "source")
        file_name = meta.require("file")
        path = self.folder / str(file_name)
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise meta.error(f"source text not found: {path}", "file") from exc
        try:
            text = raw.decode("utf-8")  # bytes, not read_text: no newline translation
        except UnicodeDecodeError as exc:
            raise meta.error(f"source text is not UTF-8: {path} ({exc})", "file") from exc
        ident = self._id(meta, default=Path(str(file_name)).stem)
        if ident in self.sources:
            raise meta.error(f"duplicate source id '{ident}'", "id")
        source = Source(ident, self.iri("source", ident), path, text, meta)
        file_doc["__source_id__"] = ident
        self.sources[ident] = source
        self.sources.setdefault(Path(str(file_name)).stem, source)  # posts may cite the file stem
        issued = meta.get("issued")
        if issued not in (None, "unknown"):
            source.date = self.day(meta, "issued")
        for inf in meta.nodes("inferences"):
            self._check_keys(inf, "inference")
            if inf.text("property") == "issued":
                source.earliest = self.day(inf, "earliest")
                source.latest = self.day(inf, "latest")
        return source

    def _emit_source(self, source: Source) -> None:
        meta, s = source.node, source.iri
        kind = self.vocab.term(meta, "type", "type", default="document")
        for cls in {kind, DKG.SourceDocument}:
            self.add(s, RDF.type, cls)
        self.add(s, DCTERMS.identifier, source.id)
        self.add(s, SCHEMA.isPartOf, self.debate)
        self.add(s, DCTERMS.title, meta.text("title"))
        self.add(s, RDFS.label, meta.text("title") or source.id)
        self.add(s, SCHEMA.url, URIRef(meta.text("url")) if meta.get("url") else None)
        self.add(s, SCHEMA.text, Literal(source.text))
        self.add(s, DKG.sha256, hashlib.sha256(source.text.encode("utf-8")).hexdigest())
        self.add(s, DKG.characterCount, Literal(len(source.text), datatype=XSD.nonNegativeInteger))
        self.add(s, DKG.fileName, source.file.name)
        self.note(s, meta)
        publisher = meta.text("publisher", "unknown")
        if publisher == "unknown":
            self.add(s, DKG.unstated, DCTERMS.publisher)
        else:
            self.add(s, DCTERMS.publisher, self.ref(meta, "publisher", ["actor"]).iri)
        if source.date:
            self.add(s, DCTERMS.issued, Literal(source.date, datatype=XSD.date))
        else:
            self.add(s, DKG.unstated, DCTERMS.issued)
        for i, inf in enumerate(meta.nodes("inferences"), 1):
            node = self.iri("inference", f"{source.id}-{i}")
            prop = inf.require("property")
            self.add(s, DKG.inference, node)
            self.add(node, RDF.type, DKG.Inference)
            self.add(node, DKG.inferredProperty, DCTERMS[str(prop)])
            value = inf.get("value")
            if isinstance(value, date):
                self.add(node, DKG.inferredValue, Literal(value, datatype=XSD.date))
            elif value is not None and re.fullmatch(r"\d{4}", str(value)):
                self.add(node, DKG.inferredValue, Literal(str(value), datatype=XSD.gYear))
            else:
                self.add(node, DKG.inferredValue, inf.text("value"))
            self.add(node, DKG.earliestDate, self.day(inf, "earliest"))
            self.add(node, DKG.latestDate, self.day(inf, "latest"))
            self.add(node, DKG.reason, " ".join(str(inf.require("reason")).split()))
            self.add(node, DKG.quote, self.quote(inf, "quote", source))

    def _emit_actor(self, ent: Entity) -> None:
        node, a = ent.node, ent.iri
        kind = self.vocab.term(node, "kind", "actor")
        name = str(node.require("name"))
        self.common(ent, name)
        self.add(a, RDF.type, kind)
        self.add(a, FOAF.name, name)
        self.add(a, DKG.honorific, node.text("honorific"))
        if node.get("part_of"):
            self.add(a, ORG.subOrganizationOf, self.ref(node, "part_of", ["actor"]).iri)
        orgs = []
        for post in node.nodes("posts"):
            self._check_keys(post, "post")
            role = self.vocab.term(post, "role", "role")
            org = self.ref(post, "of", ["actor"])
            orgs.append(org)
            p = self.iri("post", f"{node['id']}-{role.split('#')[-1].lower()}-{org.node['id']}")
            self.add(p, RDF.type, ORG.Post)
            self.add(p, RDFS.label, f"{post.text('title') or role.split('#')[-1]}, {org.node['name']}")
            self.add(p, ORG.role, role)
            self.add(p, ORG.postIn, org.iri)
            self.add(p, ORG.heldBy, a)
            self.add(p, DKG.titleAsWritten, post.text("title"))
            self.add(p, SCHEMA.startDate, self.day(post, "start"))
            self.add(p, SCHEMA.endDate, self.day(post, "end"))
            attested = post.text("source")
            if attested is not None and attested not in self.sources:
                raise post.error(f"unknown source '{attested}'", "source")
            src = self.sources[attested] if attested else ent.source
            if src is not None:
                self.add(p, DKG.attestedIn, src.iri)
            self.add(a, ORG.holds, p)
            self.add(a, ORG.memberOf, org.iri)
        ent.extra["orgs"] = orgs

    def _emit_claim(self, ent: Entity) -> None:
        node, c = ent.node, ent.iri
        kind = self.vocab.term(node, "kind", "claim")
        self.common(ent, str(node.require("label")))
        self.add(c, RDF.type, kind)
        self.add(c, SCHEMA.text, " ".join(str(node.require("text")).split()))
        qnode = node.get("quantity")
        if qnode is not None:
            if not isinstance(qnode, Node):
                raise node.error("'quantity' must be a mapping", "quantity")
            self._check_keys(qnode, "quantity")
            qnode.setdefault("id", f"{node['id']}-quantity")
            q = self._register(qnode, "quantity", ent.source)
            self.add(c, DKG.quantity, q.iri)
            self._emit_quantity(q)

    def _emit_evidence(self, ent: Entity) -> None:
        node, e = ent.node, ent.iri
        kind = self.vocab.term(node, "kind", "evidence")
        self.common(ent, str(node.require("label")))
        self.add(e, RDF.type, kind)
        if node.get("by"):
            self.add(e, PROV.wasAttributedTo, self.ref(node, "by", ["actor"]).iri)
        if node.get("commissioned_by"):
            self.add(e, DKG.commissionedBy, self.ref(node, "commissioned_by", ["actor"]).iri)
        if node.get("site"):
            self.add(e, DKG.studySite, self.ref(node, "site", ["actor"]).iri)
        if node.get("design"):
            self.add(e, DKG.design, self.vocab.term(node, "design", "design"))
        size = self.number(node, "sample_size")
        if size is not None:
            if size.datatype != XSD.integer or int(size) < 0:
                raise node.error("'sample_size' must be a whole number", "sample_size")
            self.add(e, DKG.sampleSize, Literal(int(size), datatype=XSD.nonNegativeInteger))
        self.add(e, DKG.sampleUnit, node.text("sample_unit"))
        self.add(e, DKG.population, node.text("population"))
        self.add(e, DKG.place, node.text("place"))
        self.period(e, node)
        q = self.quote(node, "quote", ent.source)
        self.add(e, DKG.quote, q)
        if ent.source is not None:
            self.add(e, PROV.wasQuotedFrom, ent.source.iri)
        for qnode in node.nodes("quantities"):
            quantity = self.entities[qnode["id"]]
            self.add(e, DKG.quantity, quantity.iri)
            self._emit_quantity(quantity)

    def _emit_quantity(self, ent: Entity) -> None:
        node, q = ent.node, ent.iri
        self.add(q, RDF.type, DKG.Quantity)
        self.add(q, DCTERMS.identifier, node["id"])
        self.add(q, DKG.measure, str(node.require("measure")))
        self.add(q, RDFS.label, str(node["measure"]))
        self.add(q, DKG.variable, node.text("variable"))
        self.add(q, QUDT.numericValue, self.number(node, "value"))
        self.add(q, QUDT.unit, self.vocab.term(node, "unit", "unit"))
        self.add(q, DKG.comparator, self.vocab.term(node, "comparator", "comparator", "exactly"))
        for key, prop in (("numerator", DKG.numerator), ("denominator", DKG.denominator),
                          ("baseline", DKG.baseline)):
            self.add(q, prop, self.number(node, key))
        if node.get("value") is None and (node.get("numerator") is None or node.get("denominator") is None):
            raise node.error("a quantity needs a 'value', or a 'numerator' and a 'denominator'")
        self.add(q, DKG.place, node.text("place"))
        self.period(q, node)
        self.add(q, DKG.quote, self.quote(node, "quote", ent.source))
        self.note(q, node)

    def _emit_statement(self, node: Node, source: Source) -> None:
        self._check_keys(node, "statement")
        speaker = self.ref(node, "speaker", ["actor"])
        claim = self.ref(node, "claim", ["claim"])
        quote = self.quote(node, "quote", source)
        if quote is None:
            raise node.error("missing 'quote': the exact words of the statement")
        start = str(quote).rsplit("-", 2)[-2]
        ident = self._id(node, default=f"{source.id}-{start}-{claim.node['id']}")
        if ident in self.entities:
            raise node.error(f"duplicate statement '{ident}': give it an 'id'")
        s = self.iri("statement", ident)
        self.entities[ident] = Entity("statement", s, node, source)
        speaks_for = self._speaks_for(node, speaker)
        self.add(s, RDF.type, DKG.Statement)
        self.add(s, DCTERMS.identifier, ident)
        self.add(s, SCHEMA.isPartOf, self.debate)
        self.add(s, DKG.speaker, speaker.iri)
        self.add(s, DKG.speaksFor, speaks_for.iri)
        self.add(s, DKG.claim, claim.iri)
        self.add(s, DKG.stance, self.vocab.term(node, "stance", "stance"))
        if node.get("mode"):
            self.add(s, DKG.speechMode, self.vocab.term(node, "mode", "mode"))
        self.add(s, DKG.quote, quote)
        self.add(s, PROV.wasQuotedFrom, source.iri)
        when = self.day(node, "date") or source.date
        if when:
            self.add(s, DCTERMS.date, Literal(when, datatype=XSD.date))
        else:
            self.add(s, DKG.earliestDate, source.earliest)
            self.add(s, DKG.latestDate, source.latest)
        self.add(s, RDFS.label, f"{speaker.node['name']}: {claim.node['label']} ({node.text('stance')})")
        self.note(s, node)

    def _speaks_for(self, node: Node, speaker: Entity) -> Entity:
        if node.get("for"):
            return self.ref(node, "for", ["actor"])
        kind = self.vocab.term(speaker.node, "kind", "actor")
        if kind in self.vocab.organisations:
            return speaker
        orgs = {o.node["id"]: o for o in speaker.extra.get("orgs", [])}
        if len(orgs) == 1:
            return next(iter(orgs.values()))
        raise node.error(
            f"say which organisation {speaker.node['id']} speaks for with 'for:' "
            f"(posts in: {', '.join(orgs) or 'none'})",
            "speaker",
        )

    def _emit_link(self, node: Node, source: Source) -> None:
        self._check_keys(node, "link")
        premise = self.ref(node, "premise", ["claim", "evidence"])
        conclusion = self.ref(node, "conclusion", ["claim"])
        by = self.ref(node, "by", ["actor"])
        polarity = self.vocab.term(node, "polarity", "polarity")
        word = node.text("polarity")
        ident = self._id(
            node, default=f"{source.id}-{premise.node['id']}-{word}s-{conclusion.node['id']}-{by.node['id']}"
        )
        if ident in self.entities:
            raise node.error(f"duplicate link '{ident}': give it an 'id'")
        link = self.iri("link", ident)
        self.entities[ident] = Entity("link", link, node, source)
        quote = self.quote(node, "quote", source)
        if quote is None:
            raise node.error("missing 'quote': the words that make the link")
        self.add(link, RDF.type, polarity)
        self.add(link, DCTERMS.identifier, ident)
        self.add(link, SCHEMA.isPartOf, self.debate)
        self.add(link, DKG.premise, premise.iri)
        self.add(link, DKG.conclusion, conclusion.iri)
        self.add(link, DKG.assertedBy, by.iri)
        self.add(link, DKG.linkBasis, self.vocab.term(node, "basis", "basis", "stated"))
        self.add(link, DKG.quote, quote)
        self.add(link, PROV.wasQuotedFrom, source.iri)
        label = premise.node.get("label") or premise.node["id"]
        self.add(link, RDFS.label, f"{label} {word}s {conclusion.node['label']}")
        self.note(link, node)

"""Turn one debate folder (texts + YAML annotations) into RDF triples.

A curator writes ``debate.yaml`` (the debate, shared actors and claims) and one YAML file per
source text (statements, evidence, links, with quotes as exact words). This module checks
every id and keyword, finds every quote in its text, and emits the triples described in
``ontology/debate.ttl``. It reads keywords (kinds, roles, units ...) from the ontology rather
than keeping its own list, so the ontology stays the one schema. The triples themselves are
written by ``kg.ingest.emit`` (the one writer of the data model, shared with ``kg synth``):
this module resolves ids, keywords, quotes and values and hands them over.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef

from kg.ingest import emit
from kg.ingest.anchor import AnchorError, anchor
from kg.ingest.annotations import Node
from kg.ingest.annotations import load as load_annotations
from kg.ingest.vocabulary import Vocabulary
from kg.model.namespaces import DCTERMS, DKG, PROV
from kg.model.paths import DEBATE_FILE

# What a curator may record as inferred about an evidence item (the text implies it, does not
# state it): the annotation key and the property the inference is about.
EVIDENCE_INFERABLE = {
    "by": PROV.wasAttributedTo, "commissioned_by": DKG.commissionedBy, "design": DKG.design,
    "site": DKG.studySite, "sample_size": DKG.sampleSize, "population": DKG.population,
    "place": DKG.place, "period_start": DKG.periodStart, "period_end": DKG.periodEnd,
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s<>\"{}|\\^`]*)?")
_BASE = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?/([^\s<>\"{}|\\^`#]*[/#])?")

# Keys each kind of entry may have: a misspelt key is an error, not silently ignored.
KEYS = {
    "debate": {"id", "title", "description", "base"},
    "debate-file": {"debate", "actors", "claims"},
    "source-file": {"source", "actors", "claims", "statements", "evidence", "reports", "links"},
    "source": {"id", "file", "title", "type", "publisher", "issued", "inferences", "note", "url"},
    "inference": {"property", "value", "earliest", "latest", "reason", "quote"},
    "actor": {"id", "name", "kind", "part_of", "honorific", "note", "posts"},
    "post": {"role", "of", "title", "source", "start", "end"},
    "claim": {"id", "kind", "label", "text", "quantity", "note"},
    "statement": {"id", "speaker", "for", "claim", "stance", "mode", "quote", "date", "note"},
    "evidence": {
        "id", "kind", "label", "by", "commissioned_by", "sample_size", "sample_unit",
        "population", "design", "site", "place", "period", "quote", "quantities", "note", "inferences",
    },
    "quantity": {
        "id", "measure", "variable", "value", "unit", "comparator", "numerator", "denominator",
        "baseline", "place", "period", "quote", "note", "derived",
    },
    "report": {"id", "of", "by", "primary", "quote", "quantities", "note"},
    "derived": {"sum", "difference", "ratio"},
    "link": {"id", "premise", "conclusion", "polarity", "by", "basis", "quote", "note"},
    "period": {"start", "end", "label"},
    "quote": {"exact", "occurrence"},
}
def _a(kind: str) -> str:
    """A kind of entry with its article, as a sentence needs it ("an evidence item", "a claim")."""
    noun = {"evidence": "evidence item", "quantity": "quantity", "report": "evidence report"}.get(kind, kind)
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _fmt(x: Decimal) -> str:
    """A number as a person writes it: no trailing zeros, no exponent."""
    return format(x.normalize(), "f") if x != x.to_integral_value() else str(int(x))


@dataclass(frozen=True)
class Derivation:
    """A derived quantity: its operation, its two operands and the value they give."""

    operation: URIRef
    first: URIRef
    second: URIRef
    value: int | Decimal
    arithmetic: str


@dataclass
class Source:
    """A source text and what the build knows of it."""

    id: str
    iri: URIRef
    file: Path
    text: str
    node: Node
    issued: date | None = None
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
    warnings: list[str] = field(default_factory=list)


class DebateCompiler:
    """Compiles the annotation files of one debate folder into ``graph``."""

    def __init__(self, folder: Path, vocab: Vocabulary, graph: Graph):
        self.folder = folder
        self.vocab = vocab
        self.sink = emit.GraphSink(graph)
        self.entities: dict[str, Entity] = {}
        self.sources: dict[str, Source] = {}
        self.files: list[Path] = []
        self.warnings: list[str] = []
        # (speaker, claim) -> stance keyword -> the statement that took it, for the both-ways warning
        self.positions: dict[tuple[str, str], dict[str, Node]] = {}

    # -- entry point --------------------------------------------------------------------

    def run(self) -> DebateResult:
        """Read every annotation file, register ids, then emit all triples."""
        debate_path = self.folder / DEBATE_FILE
        doc = load_annotations(debate_path)
        self.files.append(debate_path)
        self._check_keys(doc, "debate-file")
        meta = doc.get("debate")
        if not isinstance(meta, Node):
            raise doc.error("missing 'debate:' mapping with at least an id")
        self._check_keys(meta, "debate")
        self.debate_id = self._id(meta, "id")
        self.base = meta.text("base") or emit.debate_base(self.debate_id)
        if not _BASE.fullmatch(self.base):
            raise meta.error(f"'base' must be an absolute http(s) IRI ending in '/' or '#', "
                             f"not {self.base!r}", "base")
        self.debate = URIRef(emit.debate_iri(self.debate_id))
        self._emit_debate(meta)

        source_docs = []
        for path in sorted(self.folder.glob("*.yaml")):
            if path.name == DEBATE_FILE:
                continue
            src_doc = load_annotations(path)
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
            for node in file_doc.nodes("reports"):
                if source is None:
                    raise node.error("a report needs a source text: put it in a source's file")
                self._check_keys(node, "report")
                of = node.text("of")
                report = self._register(node, "report", source, default_id=f"{of}-in-{source.id}")
                for i, qnode in enumerate(node.nodes("quantities"), 1):
                    self._register(qnode, "quantity", source, default_id=f"{report.node['id']}-q{i}")

        # Pass 2: triples.
        for ent in list(self.entities.values()):
            if ent.kind == "actor":
                self._emit_actor(ent)
            elif ent.kind == "claim":
                self._emit_claim(ent)
            elif ent.kind == "evidence":
                self._emit_evidence(ent)
            elif ent.kind == "report":
                self._emit_report(ent)
        for file_doc in source_docs:
            source = self.sources[file_doc["__source_id__"]]
            self._emit_source(source)
            for node in file_doc.nodes("statements"):
                self._emit_statement(node, source)
            for node in file_doc.nodes("links"):
                self._emit_link(node, source)
        self._warn_both_ways()
        unique = list({id(src): src for src in self.sources.values()}.values())  # ids and file stems
        return DebateResult(self.debate_id, self.debate, self.files, unique, self.warnings)

    # -- helpers ------------------------------------------------------------------------

    def iri(self, kind: str, ident: str) -> URIRef:
        """The IRI of this debate's node of ``kind`` with id ``ident``."""
        return URIRef(emit.node_iri(self.base, kind, ident))

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
            wanted = " or ".join(map(_a, kinds))
            raise node.error(f"'{ident}' is {_a(ent.kind)}, but '{key}' needs {wanted}", key)
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
        emit.quote(self.sink, q, source=source.iri, start=where.start, end=where.end, exact=where.exact,
                   prefix=where.prefix, suffix=where.suffix)
        return q

    def number(self, node: Node, key: str) -> int | Decimal | None:
        """A YAML number: a whole number stays an ``int`` (written as xsd:integer), any other
        becomes the ``Decimal`` of what was written (xsd:decimal), not a binary float."""
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise node.error(f"'{key}' must be a number, not {value!r}", key)
        if isinstance(value, int):
            return value
        if not math.isfinite(value):
            raise node.error(f"'{key}' must be a finite number, not {value!r}", key)
        return Decimal(str(value))

    def day(self, node: Node, key: str) -> date | None:
        """``node[key]`` as a date (YAML may already have read it as one)."""
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise node.error(f"'{key}' must be a date (YYYY-MM-DD), not {value!r}", key) from exc

    def period(self, node: Node) -> emit.Period | None:
        """``node``'s ``period:`` mapping (start, end, label), checked."""
        per = node.get("period")
        if per is None:
            return None
        if not isinstance(per, Node):
            raise node.error("'period' must be a mapping with start, end and/or label", "period")
        self._check_keys(per, "period")
        start, end = self.day(per, "start"), self.day(per, "end")
        if start is not None and end is not None and end < start:
            raise per.error(f"the period ends ({end}) before it starts ({start})", "end")
        return emit.Period(start, end, per.text("label"))

    # -- emitters: resolve, then write through kg.ingest.emit ----------------------------

    def _emit_debate(self, meta: Node) -> None:
        """The debate node, from the ``debate:`` mapping."""
        emit.debate(self.sink, self.debate, ident=self.debate_id, title=meta.text("title"),
                    description=meta.text("description"))

    def _register_source(self, file_doc: Node) -> Source:
        meta = file_doc.get("source")
        if not isinstance(meta, Node):
            raise file_doc.error("missing 'source:' mapping (file, title, publisher, issued)")
        self._check_keys(meta, "source")
        file_name = meta.require("file")
        path = self._inside(meta, str(file_name))
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
            source.issued = self.day(meta, "issued")
            if source.issued is not None and source.issued > date.today():
                raise meta.error(f"issued {source.issued} is in the future", "issued")
        for inf in meta.nodes("inferences"):
            self._check_keys(inf, "inference")
            if inf.text("property") == "issued":
                source.earliest = self.day(inf, "earliest")
                source.latest = self.day(inf, "latest")
        return source

    def _inside(self, meta: Node, name: str) -> Path:
        """The source text ``file:`` names, which must lie in the debate folder: a relative name,
        no '..', no link that leads out (a build never reads a file elsewhere on the machine)."""
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or not name.strip():
            raise meta.error(f"'file' must name a file in the debate folder, not {name!r}", "file")
        path = self.folder / relative
        if not path.resolve().is_relative_to(self.folder.resolve()):
            raise meta.error(f"'file' {name!r} leads out of the debate folder (a link?)", "file")
        return path

    def _emit_source(self, source: Source) -> None:
        """A source document, its publisher (or that it is unstated) and the curator's inferences."""
        meta, s = source.node, source.iri
        kind = self.vocab.term(meta, "type", "type", default="document")
        publisher = None  # publisher: unknown is recorded as dkg:unstated
        if meta.text("publisher", "unknown") != "unknown":
            publisher = self.ref(meta, "publisher", ["actor"]).iri
        url = meta.text("url") if meta.get("url") else None
        if url is not None and not _URL.fullmatch(url):
            raise meta.error(f"'url' must be an http(s) address, not {url!r}", "url")
        emit.source(self.sink, s, ident=source.id, kind=kind, debate=self.debate, text=source.text,
                    file_name=source.file.name, title=meta.text("title"), url=url, publisher=publisher,
                    issued=source.issued, note=meta.text("note"))
        self._emit_inferences(meta, s, source.id, source)

    def _emit_inferences(self, node: Node, subject: URIRef, ident: str, source: Source | None,
                         allowed: dict[str, URIRef] | None = None) -> None:
        """The curator's ``inferences:`` about ``subject``: a source's Dublin Core properties
        (its date), or for an evidence item one of ``allowed`` (its design, period...)."""
        for i, inf in enumerate(node.nodes("inferences"), 1):
            self._check_keys(inf, "inference")
            prop = str(inf.require("property"))
            if allowed is not None and prop not in allowed:
                raise inf.error(f"unknown property {prop!r} for this inference (one of: "
                                f"{', '.join(sorted(allowed))})", "property")
            value = inf.get("value")
            emit.inference(
                self.sink, self.iri("inference", f"{ident}-{i}"), source=subject,
                prop=allowed[prop] if allowed is not None else DCTERMS[prop],
                value=value if isinstance(value, date) else inf.text("value"),
                earliest=self.day(inf, "earliest"), latest=self.day(inf, "latest"),
                reason=" ".join(str(inf.require("reason")).split()), quote=self.quote(inf, "quote", source),
            )

    def _emit_actor(self, ent: Entity) -> None:
        """An actor and its posts; remembers the organisations it holds posts in, for ``speaksFor``."""
        node, a = ent.node, ent.iri
        kind = self.vocab.term(node, "kind", "actor")
        name = str(node.require("name"))
        part_of = self.ref(node, "part_of", ["actor"]).iri if node.get("part_of") else None
        emit.actor(self.sink, a, ident=node["id"], kind=kind, name=name, debate=self.debate,
                   honorific=node.text("honorific"), part_of=part_of, note=node.text("note"))
        orgs = []
        for post in node.nodes("posts"):
            self._check_keys(post, "post")
            role = self.vocab.term(post, "role", "role")
            org = self.ref(post, "of", ["actor"])
            orgs.append(org)
            p = self.iri("post", f"{node['id']}-{role.split('#')[-1].lower()}-{org.node['id']}")
            title = post.text("title")
            start, end = self.day(post, "start"), self.day(post, "end")
            attested = post.text("source")
            if attested is not None and attested not in self.sources:
                raise post.error(f"unknown source '{attested}'", "source")
            src = self.sources[attested] if attested else ent.source
            emit.post(self.sink, p, holder=a, role=role, org=org.iri,
                      label=emit.post_label(role, str(org.node["name"]), title), title=title, start=start,
                      end=end, attested_in=src.iri if src is not None else None)
        ent.extra["orgs"] = orgs

    def _emit_claim(self, ent: Entity) -> None:
        """A claim, and the quantity a quantitative claim states."""
        node, c = ent.node, ent.iri
        kind = self.vocab.term(node, "kind", "claim")
        label = str(node.require("label"))
        text = " ".join(str(node.require("text")).split())
        quantity = None
        qnode = node.get("quantity")
        if qnode is not None:
            if not isinstance(qnode, Node):
                raise node.error("'quantity' must be a mapping", "quantity")
            self._check_keys(qnode, "quantity")
            qnode.setdefault("id", f"{node['id']}-quantity")
            quantity = self._register(qnode, "quantity", ent.source)
        emit.claim(self.sink, c, ident=node["id"], kind=kind, label=label, text=text, debate=self.debate,
                   quantity=quantity.iri if quantity is not None else None, note=node.text("note"))
        if quantity is not None:
            self._emit_quantity(quantity)

    def _emit_evidence(self, ent: Entity) -> None:
        """An evidence item (its sample size checked as a whole number) and its quantities."""
        node, e = ent.node, ent.iri
        kind = self.vocab.term(node, "kind", "evidence")
        label = str(node.require("label"))
        by = self.ref(node, "by", ["actor"]).iri if node.get("by") else None
        commissioned_by = (self.ref(node, "commissioned_by", ["actor"]).iri
                           if node.get("commissioned_by") else None)
        site = self.ref(node, "site", ["actor"]).iri if node.get("site") else None
        design = self.vocab.term(node, "design", "design") if node.get("design") else None
        size = self.number(node, "sample_size")
        if size is not None and (not isinstance(size, int) or size < 0):
            raise node.error("'sample_size' must be a whole number", "sample_size")
        period = self.period(node)
        self._not_after_issue(node, period, ent.source)
        quote = self.quote(node, "quote", ent.source)
        quantities = [self.entities[qnode["id"]] for qnode in node.nodes("quantities")]
        emit.evidence(
            self.sink, e, ident=node["id"], kind=kind, label=label, debate=self.debate, by=by,
            commissioned_by=commissioned_by, site=site, design=design, sample_size=size,
            sample_unit=node.text("sample_unit"), population=node.text("population"),
            place=node.text("place"), period=period, quote=quote,
            quoted_from=ent.source.iri if ent.source is not None else None,
            quantities=[q.iri for q in quantities], note=node.text("note"),
        )
        for quantity in quantities:
            self._emit_quantity(quantity)
        self._emit_inferences(node, e, node["id"], ent.source, EVIDENCE_INFERABLE)

    def _emit_report(self, ent: Entity) -> None:
        """One source's account of an evidence item defined elsewhere, with the figures it gives."""
        node, r = ent.node, ent.iri
        source = ent.source
        assert source is not None  # registered from a source's file only
        evidence = self.ref(node, "of", ["evidence"])
        if evidence.source is source:
            raise node.error(f"'{evidence.node['id']}' is defined in this source already: give its "
                             "figures there, or report it from another source", "of")
        by = self.ref(node, "by", ["actor"]) if node.get("by") else None
        primary = node.get("primary")
        if primary is not None and not isinstance(primary, bool):
            raise node.error("'primary' must be true or false", "primary")
        if primary is None:  # the producer's own account is the primary one
            primary = by is not None and by.node["id"] == evidence.node.get("by")
        quote = self.quote(node, "quote", source)
        if quote is None:
            raise node.error("missing 'quote': the words in which this source reports the evidence")
        self._not_after_issue(evidence.node, self.period(evidence.node), source)
        quantities = [self.entities[qnode["id"]] for qnode in node.nodes("quantities")]
        title = source.node.text("title") or source.id
        emit.report(
            self.sink, r, ident=node["id"], debate=self.debate,
            label=f"{evidence.node['label']}, as reported in {title}", evidence=evidence.iri,
            by=by.iri if by is not None else None, primary=primary, quote=quote, quoted_from=source.iri,
            quantities=[q.iri for q in quantities], note=node.text("note"),
        )
        for quantity in quantities:
            self._emit_quantity(quantity)

    def _not_after_issue(self, node: Node, period: emit.Period | None, source: Source | None) -> None:
        """Refuse evidence whose period (its fieldwork, its data) ends after a source reporting it
        was issued: a text cannot report what had not yet happened."""
        if period is None or period.end is None or source is None or source.issued is None:
            return
        if period.end > source.issued:
            where = node.get("period")
            raise (where if isinstance(where, Node) else node).error(
                f"the period ends {period.end}, after {source.id} was issued ({source.issued})", "end")

    def _emit_quantity(self, ent: Entity) -> None:
        """A quantity: a value, or a numerator and a denominator, or ``derived`` from two others."""
        node, q = ent.node, ent.iri
        measure = str(node.require("measure"))
        unit = self.vocab.term(node, "unit", "unit")
        comparator = self.vocab.term(node, "comparator", "comparator", "exactly")
        numerator, denominator = self.number(node, "numerator"), self.number(node, "denominator")
        baseline = self.number(node, "baseline")
        derivation = self._derivation(ent) if node.get("derived") is not None else None
        value = derivation.value if derivation is not None else self.number(node, "value")
        if derivation is not None and node.get("value") is not None:
            raise node.error("a derived quantity's value is computed: remove 'value'", "value")
        if value is None and (numerator is None or denominator is None):
            raise node.error("a quantity needs a 'value', or a 'numerator' and a 'denominator'")
        if denominator is not None and denominator <= 0:
            raise node.error(f"'denominator' must be more than 0, not {denominator}", "denominator")
        if numerator is not None and numerator < 0:
            raise node.error(f"'numerator' counts something: it cannot be {numerator}", "numerator")
        if numerator is not None and denominator is not None and numerator > denominator:
            raise node.error(f"'numerator' {numerator} is larger than its 'denominator' {denominator}: "
                             "a part cannot exceed its whole", "numerator")
        if value is not None and value < 0 and unit in self.vocab.counts:
            raise node.error(f"a count cannot be negative ({value})", "value")
        emit.quantity(
            self.sink, q, ident=node["id"], measure=measure, unit=unit, comparator=comparator, value=value,
            variable=node.text("variable"), numerator=numerator, denominator=denominator,
            baseline=baseline, place=node.text("place"), period=self.period(node),
            quote=self.quote(node, "quote", ent.source), note=node.text("note"),
        )
        if derivation is not None:
            emit.derivation(self.sink, q, operation=derivation.operation, first=derivation.first,
                            second=derivation.second, arithmetic=derivation.arithmetic)

    def _derivation(self, ent: Entity, seen: tuple[str, ...] = ()) -> Derivation:
        """The value of a ``derived: {sum|difference|ratio: [first, second]}`` quantity, computed
        from its operands (themselves possibly derived; a cycle is an error)."""
        node = ent.node
        spec = node.get("derived")
        if not isinstance(spec, Node) or len(spec) != 1:
            raise node.error("'derived' must be one of sum, difference or ratio, with a list of two "
                             "quantity ids, e.g. derived: {sum: [a, b]}", "derived")
        self._check_keys(spec, "derived")
        op = next(iter(spec))
        operands = spec[op]
        if not isinstance(operands, list) or len(operands) != 2:
            raise spec.error(f"'{op}' takes a list of two quantity ids", op)
        if node["id"] in seen:
            cycle = " -> ".join([*seen, node["id"]])
            raise node.error(f"derived quantities form a cycle: {cycle}", "derived")
        values: list[Decimal] = []
        iris: list[URIRef] = []
        for ident in operands:
            other = self.entities.get(str(ident))
            if other is None or other.kind != "quantity":
                raise spec.error(f"unknown quantity id '{ident}' in '{op}'", op)
            if other.node.get("derived") is not None:
                value: int | Decimal | None = self._derivation(other, (*seen, node["id"])).value
            else:
                value = self.number(other.node, "value")
            if value is None:
                raise spec.error(f"quantity '{ident}' has no 'value' to compute with", op)
            values.append(Decimal(value))
            iris.append(other.iri)
        first, second = values
        if op == "ratio" and second == 0:
            raise spec.error("a ratio's second quantity is 0", op)
        result = {"sum": first + second, "difference": first - second,
                  "ratio": first / second if second else Decimal(0)}[op]
        sign = {"sum": "+", "difference": "-", "ratio": "/"}[op]
        shown = int(result) if result == result.to_integral_value() else result
        return Derivation(self.vocab.named(op, "operation", spec, op), iris[0], iris[1], shown,
                          f"{_fmt(first)} {sign} {_fmt(second)} = {_fmt(Decimal(shown))}")

    def _emit_statement(self, node: Node, source: Source) -> None:
        """A statement quoted from ``source``; undated, it takes the source's date or date bounds."""
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
        stance = self.vocab.term(node, "stance", "stance")
        self.positions.setdefault((speaker.node["id"], claim.node["id"]), {}).setdefault(
            str(node.text("stance")), node)
        mode = self.vocab.term(node, "mode", "mode") if node.get("mode") else None
        emit.statement(
            self.sink, s, ident=ident, debate=self.debate,
            label=emit.statement_label(str(speaker.node["name"]), str(claim.node["label"]),
                                       str(node.text("stance"))),
            speaker=speaker.iri, speaks_for=speaks_for.iri, claim=claim.iri, stance=stance, mode=mode,
            quote=quote, quoted_from=source.iri, day=self.day(node, "date") or source.issued,
            earliest=source.earliest, latest=source.latest, note=node.text("note"),
        )

    def _warn_both_ways(self) -> None:
        """Warn (DNA allows it, so no error) where one actor both agrees and disagrees with a claim."""
        for (speaker, claim), stances in sorted(self.positions.items()):
            if "agree" in stances and "disagree" in stances:
                yes, no = stances["agree"], stances["disagree"]
                self.warnings.append(
                    f"{no.file}:{no.line_of('stance')}: {speaker} disagrees with '{claim}' here and "
                    f"agrees at {yes.file}:{yes.line_of('stance')}; DNA allows it, but check the coding")

    def _speaks_for(self, node: Node, speaker: Entity) -> Entity:
        """Whom a statement speaks for: ``for:``, else the speaker if an organisation, else its one org."""
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
        """An argument link quoted from ``source``."""
        self._check_keys(node, "link")
        premise = self.ref(node, "premise", ["claim", "evidence"])
        conclusion = self.ref(node, "conclusion", ["claim"])
        if premise is conclusion:
            raise node.error(f"'{premise.node['id']}' cannot {node.text('polarity') or 'support'} itself",
                             "conclusion")
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
        premise_label = premise.node.get("label") or premise.node["id"]
        emit.link(
            self.sink, link, ident=ident, polarity=polarity, debate=self.debate,
            label=emit.link_label(str(premise_label), str(word), str(conclusion.node["label"])),
            premise=premise.iri, conclusion=conclusion.iri, by=by.iri,
            basis=self.vocab.term(node, "basis", "basis", "stated"), quote=quote, quoted_from=source.iri,
            note=node.text("note"),
        )

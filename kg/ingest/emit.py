"""The one writer of the data model: the triples of each kind of node, written into a sink.

Each kind of node the graph holds (debate, source document and its inferences, quote with its two
selectors, actor, post, claim, statement, evidence item, quantity, argument link) has its shape
(which predicates, which datatypes, which companion nodes) written down once, here.
``kg.ingest.compile`` (curated YAML into an rdflib graph) and ``kg.ingest.synth`` (synthetic
debates as N-Triples) both write through these functions, so a change to the model is made in one
place and the curated and the synthetic data cannot drift apart.

The functions take resolved IRIs (plain strings; rdflib's ``URIRef`` is one) and Python values
(``str``, ``int``, ``Decimal``, ``date``), never YAML nodes: the callers validate and resolve
first. They write into a :class:`Sink`, which has one method for a triple whose object is an IRI
and one for a literal given as its lexical form and datatype. So no term object is built per
triple: :class:`NTriplesSink` formats each line directly (a million triples in seconds), and
:class:`GraphSink` builds the rdflib terms the compiled graph needs. Lexical forms and datatypes
are decided here, by the ``_day``, ``_count`` and ``_number`` helpers, for both sinks alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple, Protocol

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.model.namespaces import (
    DCTERMS,
    DKG,
    FOAF,
    ID_BASE,
    OA,
    ORG,
    PROV,
    QUDT,
    RDF,
    RDFS,
    SCHEMA,
    XSD,
)


class _Terms:
    """The terms of one namespace as plain strings, each built once, on first use.

    An rdflib namespace attribute builds a new ``URIRef`` on every access (about a microsecond);
    a million-triple synthetic debate would pay that once per triple. Unknown names of a closed
    rdflib namespace (``DCTERMS``, ``RDF``...) still fail or warn as rdflib makes them.
    """

    def __init__(self, namespace: Namespace | type[DefinedNamespace]) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        """The term ``name`` of the namespace, kept as an attribute so the next look-up is plain."""
        if name.startswith("_"):
            raise AttributeError(name)
        term = str(self._namespace[name])
        setattr(self, name, term)
        return term


_rdf, _rdfs, _xsd = _Terms(RDF), _Terms(RDFS), _Terms(XSD)
_dct, _foaf, _prov = _Terms(DCTERMS), _Terms(FOAF), _Terms(PROV)
_dkg, _org, _oa, _qudt, _schema = _Terms(DKG), _Terms(ORG), _Terms(OA), _Terms(QUDT), _Terms(SCHEMA)

_YEAR = re.compile(r"\d{4}")


# --- sinks ----------------------------------------------------------------------------------


class Sink(Protocol):
    """Where triples go. IRIs are plain strings; a literal comes as its lexical form and datatype
    (``None`` for a plain string), already decided by this module."""

    def add_iri(self, s: str, p: str, o: str) -> None:
        """Add the triple ``s p o`` whose object ``o`` is an IRI."""
        ...

    def add_literal(self, s: str, p: str, lexical: str, datatype: str | None = None) -> None:
        """Add the triple ``s p "lexical"^^datatype``."""
        ...


class NTriplesSink:
    """N-Triples lines in a list, formatted as the triples come: the fast sink for bulk files.

    IRIs are written as given (the callers mint them from ids that need no escaping); literals
    are escaped as N-Triples requires (backslash, double quote, line feed, carriage return).
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add_iri(self, s: str, p: str, o: str) -> None:
        """One line ``<s> <p> <o> .``."""
        self.lines.append(f"<{s}> <{p}> <{o}> .\n")

    def add_literal(self, s: str, p: str, lexical: str, datatype: str | None = None) -> None:
        """One line ``<s> <p> "lexical"^^<datatype> .``, or a plain literal without a datatype."""
        escaped = lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if datatype:
            self.lines.append(f'<{s}> <{p}> "{escaped}"^^<{datatype}> .\n')
        else:
            self.lines.append(f'<{s}> <{p}> "{escaped}" .\n')

    def __len__(self) -> int:
        """How many triples were written (the synthesiser stops on it)."""
        return len(self.lines)


class GraphSink:
    """Triples added to an rdflib graph, as rdflib terms: the sink of the compiled debates."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def add_iri(self, s: str, p: str, o: str) -> None:
        """Add ``s p o`` with three ``URIRef``s."""
        self.graph.add((URIRef(s), URIRef(p), URIRef(o)))

    def add_literal(self, s: str, p: str, lexical: str, datatype: str | None = None) -> None:
        """Add ``s p o`` with ``o`` a ``Literal`` of the lexical form and datatype."""
        literal = Literal(lexical, datatype=URIRef(datatype) if datatype else None)
        self.graph.add((URIRef(s), URIRef(p), literal))


# --- values: the lexical form and datatype of each kind of literal ---------------------------


def _ref(sink: Sink, s: str, p: str, o: str | None) -> None:
    """An IRI object, if there is one."""
    if o is not None:
        sink.add_iri(s, p, o)


def _text(sink: Sink, s: str, p: str, value: str | None) -> None:
    """A plain string literal, if there is one."""
    if value is not None:
        sink.add_literal(s, p, value)


def _day(sink: Sink, s: str, p: str, value: date | None) -> None:
    """An ``xsd:date``, if there is one."""
    if value is not None:
        sink.add_literal(s, p, value.isoformat(), _xsd.date)


def _count(sink: Sink, s: str, p: str, value: int | None) -> None:
    """A count or offset as an ``xsd:nonNegativeInteger``, if there is one."""
    if value is not None:
        sink.add_literal(s, p, str(value), _xsd.nonNegativeInteger)


def _number(sink: Sink, s: str, p: str, value: int | Decimal | None) -> None:
    """A stated number: a whole number as ``xsd:integer``, any other as ``xsd:decimal``
    (written in positional notation, as rdflib writes a ``Decimal``)."""
    if value is None:
        return
    if isinstance(value, int):
        sink.add_literal(s, p, str(value), _xsd.integer)
    else:
        sink.add_literal(s, p, f"{value:f}", _xsd.decimal)


# --- identifiers and labels -----------------------------------------------------------------


def debate_iri(ident: str) -> str:
    """The IRI of the debate with id ``ident``."""
    return f"{ID_BASE}{ident}"


def debate_base(ident: str) -> str:
    """The default base of the IRIs of a debate's nodes (a debate may choose another)."""
    return f"{ID_BASE}{ident}/"


def node_iri(base: str, kind: str, ident: str) -> str:
    """The IRI of a debate's node: ``<base><kind>/<ident>``, e.g. ``.../taser-uk/claim/c1``."""
    return f"{base}{kind}/{ident}"


def post_label(role: str, org_name: str, title: str | None = None) -> str:
    """A post's label: its title as written (else the role's local name), then the organisation."""
    return f"{title or role.rsplit('#', 1)[-1]}, {org_name}"


def statement_label(speaker_name: str, claim_label: str, stance: str) -> str:
    """A statement's label: who, on which claim, with what stance."""
    return f"{speaker_name}: {claim_label} ({stance})"


def link_label(premise_label: str, polarity: str, conclusion_label: str) -> str:
    """An argument link's label, e.g. ``survey supports claim`` (``polarity`` is the keyword)."""
    return f"{premise_label} {polarity}s {conclusion_label}"


class Period(NamedTuple):
    """The period an evidence item or a quantity covers; any part may be unknown."""

    start: date | None = None
    end: date | None = None
    label: str | None = None


# --- nodes ----------------------------------------------------------------------------------


def common(sink: Sink, iri: str, *, ident: str, label: str, debate: str, note: str | None = None) -> None:
    """What every entity of a debate carries: its id, label, debate and the curator's note."""
    sink.add_literal(iri, _dct.identifier, ident)
    sink.add_literal(iri, _rdfs.label, label)
    sink.add_iri(iri, _schema.isPartOf, debate)
    _text(sink, iri, _dkg.note, note)


def _period(sink: Sink, iri: str, period: Period | None) -> None:
    if period is not None:
        _day(sink, iri, _dkg.periodStart, period.start)
        _day(sink, iri, _dkg.periodEnd, period.end)
        _text(sink, iri, _dkg.periodLabel, period.label)


def debate(sink: Sink, iri: str, *, ident: str, title: str | None = None,
           description: str | None = None) -> None:
    """The debate node; labelled with its title, else its id."""
    sink.add_iri(iri, _rdf.type, _dkg.Debate)
    sink.add_literal(iri, _dct.identifier, ident)
    _text(sink, iri, _dct.title, title)
    sink.add_literal(iri, _rdfs.label, title or ident)
    _text(sink, iri, _dct.description, description)


def source(sink: Sink, iri: str, *, ident: str, kind: str, debate: str, text: str, file_name: str,
           title: str | None = None, url: str | None = None, publisher: str | None = None,
           issued: date | None = None, note: str | None = None, base_type: bool = True) -> None:
    """A source document with its full text, checksum and length, so every quote can be checked
    from the RDF alone. An unknown publisher or date is recorded as ``dkg:unstated``.

    ``base_type`` also states ``rdf:type dkg:SourceDocument`` beside ``kind``, as compiled debates
    do; bulk N-Triples (``kg synth``) leave it to the build's superclass derivation
    (``queries/derive-1-types.ru``), which gives every store the same types either way.
    """
    sink.add_iri(iri, _rdf.type, kind)
    if base_type and str(kind) != _dkg.SourceDocument:
        sink.add_iri(iri, _rdf.type, _dkg.SourceDocument)
    sink.add_literal(iri, _dct.identifier, ident)
    sink.add_literal(iri, _dkg.fileName, file_name)
    _text(sink, iri, _dct.title, title)
    sink.add_literal(iri, _rdfs.label, title or ident)
    if issued is None:
        sink.add_iri(iri, _dkg.unstated, _dct.issued)
    else:
        _day(sink, iri, _dct.issued, issued)
    if publisher is None:
        sink.add_iri(iri, _dkg.unstated, _dct.publisher)
    else:
        sink.add_iri(iri, _dct.publisher, publisher)
    sink.add_iri(iri, _schema.isPartOf, debate)
    _ref(sink, iri, _schema.url, url)
    sink.add_literal(iri, _schema.text, text)
    sink.add_literal(iri, _dkg.sha256, hashlib.sha256(text.encode("utf-8")).hexdigest())
    _count(sink, iri, _dkg.characterCount, len(text))
    _text(sink, iri, _dkg.note, note)


def inference(sink: Sink, iri: str, *, source: str, prop: str, value: date | str | None, reason: str,
              earliest: date | None = None, latest: date | None = None, quote: str | None = None) -> None:
    """A curator's inference about a source or an evidence item (``source`` is the subject: a
    source's date from the text, a study's design): which property, the value (a date, a
    four-digit year as ``xsd:gYear``, else text), bounds, reason and quote."""
    sink.add_iri(source, _dkg.inference, iri)
    sink.add_iri(iri, _rdf.type, _dkg.Inference)
    sink.add_iri(iri, _dkg.inferredProperty, prop)
    if isinstance(value, date):
        _day(sink, iri, _dkg.inferredValue, value)
    elif value is not None and _YEAR.fullmatch(value):
        sink.add_literal(iri, _dkg.inferredValue, value, _xsd.gYear)
    else:
        _text(sink, iri, _dkg.inferredValue, value)
    _day(sink, iri, _dkg.earliestDate, earliest)
    _day(sink, iri, _dkg.latestDate, latest)
    sink.add_literal(iri, _dkg.reason, reason)
    _ref(sink, iri, _dkg.quote, quote)


def quote(sink: Sink, iri: str, *, source: str, start: int, end: int, exact: str, prefix: str,
          suffix: str) -> None:
    """A quote as a Web Annotation ``oa:SpecificResource`` of its source with two selectors:
    ``<iri>#position`` (code-point offsets, ``end`` exclusive) and ``<iri>#text`` (the exact
    words with their prefix and suffix), so the build can verify the one against the other."""
    position, words = f"{iri}#position", f"{iri}#text"
    sink.add_iri(iri, _rdf.type, _oa.SpecificResource)
    sink.add_iri(iri, _oa.hasSource, source)
    sink.add_iri(iri, _oa.hasSelector, position)
    sink.add_iri(iri, _oa.hasSelector, words)
    sink.add_iri(position, _rdf.type, _oa.TextPositionSelector)
    _count(sink, position, _oa.start, start)
    _count(sink, position, _oa.end, end)
    sink.add_iri(words, _rdf.type, _oa.TextQuoteSelector)
    sink.add_literal(words, _oa.exact, exact)
    sink.add_literal(words, _oa.prefix, prefix)
    sink.add_literal(words, _oa.suffix, suffix)


def actor(sink: Sink, iri: str, *, ident: str, kind: str, name: str, debate: str,
          honorific: str | None = None, part_of: str | None = None, note: str | None = None) -> None:
    """A person or organisation (``kind``), labelled with its name; ``part_of`` is the
    organisation it is a unit of."""
    sink.add_iri(iri, _rdf.type, kind)
    common(sink, iri, ident=ident, label=name, debate=debate, note=note)
    sink.add_literal(iri, _foaf.name, name)
    _text(sink, iri, _dkg.honorific, honorific)
    _ref(sink, iri, _org.subOrganizationOf, part_of)


def post(sink: Sink, iri: str, *, holder: str, role: str, org: str, label: str, title: str | None = None,
         start: date | None = None, end: date | None = None, attested_in: str | None = None) -> None:
    """A post (``org:Post``) with a role in an organisation, held by ``holder``, who thereby
    holds it and is a member of the organisation; ``attested_in`` is the source that says so."""
    sink.add_iri(iri, _rdf.type, _org.Post)
    sink.add_iri(iri, _org.role, role)
    sink.add_iri(iri, _org.postIn, org)
    sink.add_iri(iri, _org.heldBy, holder)
    sink.add_literal(iri, _rdfs.label, label)
    _text(sink, iri, _dkg.titleAsWritten, title)
    _day(sink, iri, _schema.startDate, start)
    _day(sink, iri, _schema.endDate, end)
    _ref(sink, iri, _dkg.attestedIn, attested_in)
    sink.add_iri(holder, _org.holds, iri)
    sink.add_iri(holder, _org.memberOf, org)


def claim(sink: Sink, iri: str, *, ident: str, kind: str, label: str, text: str, debate: str,
          quantity: str | None = None, note: str | None = None) -> None:
    """A claim of ``kind`` with its text; a quantitative claim points at its quantity node
    (written with :func:`quantity`)."""
    sink.add_iri(iri, _rdf.type, kind)
    common(sink, iri, ident=ident, label=label, debate=debate, note=note)
    sink.add_literal(iri, _schema.text, text)
    _ref(sink, iri, _dkg.quantity, quantity)


def quantity(sink: Sink, iri: str, *, ident: str, measure: str, unit: str, comparator: str,
             value: int | Decimal | None = None, variable: str | None = None,
             numerator: int | Decimal | None = None, denominator: int | Decimal | None = None,
             baseline: int | Decimal | None = None, place: str | None = None, period: Period | None = None,
             quote: str | None = None, note: str | None = None) -> None:
    """A stated number: value (or numerator and denominator), unit, comparator, what it measures
    (also its label) and the ``variable`` key the number checks match claims and evidence on.
    Not part of the debate by itself: it belongs to the claim or evidence item that states it."""
    sink.add_iri(iri, _rdf.type, _dkg.Quantity)
    sink.add_literal(iri, _dct.identifier, ident)
    sink.add_literal(iri, _rdfs.label, measure)
    sink.add_literal(iri, _dkg.measure, measure)
    sink.add_iri(iri, _qudt.unit, unit)
    sink.add_iri(iri, _dkg.comparator, comparator)
    _number(sink, iri, _qudt.numericValue, value)
    _text(sink, iri, _dkg.variable, variable)
    _number(sink, iri, _dkg.numerator, numerator)
    _number(sink, iri, _dkg.denominator, denominator)
    _number(sink, iri, _dkg.baseline, baseline)
    _text(sink, iri, _dkg.place, place)
    _period(sink, iri, period)
    _ref(sink, iri, _dkg.quote, quote)
    _text(sink, iri, _dkg.note, note)


def evidence(sink: Sink, iri: str, *, ident: str, kind: str, label: str, debate: str, by: str | None = None,
             commissioned_by: str | None = None, site: str | None = None, design: str | None = None,
             sample_size: int | None = None, sample_unit: str | None = None, population: str | None = None,
             place: str | None = None, period: Period | None = None, quote: str | None = None,
             quoted_from: str | None = None, quantities: Iterable[str] = (), note: str | None = None) -> None:
    """An evidence item of ``kind`` (study, survey, statistic...): who produced and commissioned
    it, its design and sample, where and when, its quote and source, and its quantity nodes
    (written with :func:`quantity`)."""
    sink.add_iri(iri, _rdf.type, kind)
    common(sink, iri, ident=ident, label=label, debate=debate, note=note)
    _ref(sink, iri, _prov.wasAttributedTo, by)
    _ref(sink, iri, _dkg.quote, quote)
    _ref(sink, iri, _prov.wasQuotedFrom, quoted_from)
    _ref(sink, iri, _dkg.design, design)
    _count(sink, iri, _dkg.sampleSize, sample_size)
    _text(sink, iri, _dkg.sampleUnit, sample_unit)
    _text(sink, iri, _dkg.population, population)
    _ref(sink, iri, _dkg.commissionedBy, commissioned_by)
    _ref(sink, iri, _dkg.studySite, site)
    _text(sink, iri, _dkg.place, place)
    _period(sink, iri, period)
    for q in quantities:
        sink.add_iri(iri, _dkg.quantity, q)


def statement(sink: Sink, iri: str, *, ident: str, label: str, debate: str, speaker: str, speaks_for: str,
              claim: str, stance: str, quote: str, quoted_from: str, mode: str | None = None,
              day: date | None = None, earliest: date | None = None, latest: date | None = None,
              note: str | None = None) -> None:
    """A statement: a speaker, speaking for an organisation, takes a stance on a claim in quoted
    words of a source. Dated by ``day``, or else bounded by ``earliest`` and ``latest``."""
    sink.add_iri(iri, _rdf.type, _dkg.Statement)
    common(sink, iri, ident=ident, label=label, debate=debate, note=note)
    sink.add_iri(iri, _dkg.speaker, speaker)
    sink.add_iri(iri, _dkg.speaksFor, speaks_for)
    sink.add_iri(iri, _dkg.claim, claim)
    sink.add_iri(iri, _dkg.stance, stance)
    _ref(sink, iri, _dkg.speechMode, mode)
    if day is not None:
        _day(sink, iri, _dct.date, day)
    else:
        _day(sink, iri, _dkg.earliestDate, earliest)
        _day(sink, iri, _dkg.latestDate, latest)
    sink.add_iri(iri, _dkg.quote, quote)
    sink.add_iri(iri, _prov.wasQuotedFrom, quoted_from)


def link(sink: Sink, iri: str, *, ident: str, polarity: str, label: str, debate: str, premise: str,
         conclusion: str, by: str, basis: str, quote: str, quoted_from: str, note: str | None = None) -> None:
    """An argument link of class ``polarity`` (support or attack) from a premise (claim or
    evidence) to a conclusion, asserted by an actor in quoted words, on a stated basis."""
    sink.add_iri(iri, _rdf.type, polarity)
    common(sink, iri, ident=ident, label=label, debate=debate, note=note)
    sink.add_iri(iri, _dkg.premise, premise)
    sink.add_iri(iri, _dkg.conclusion, conclusion)
    sink.add_iri(iri, _dkg.assertedBy, by)
    sink.add_iri(iri, _dkg.linkBasis, basis)
    sink.add_iri(iri, _dkg.quote, quote)
    sink.add_iri(iri, _prov.wasQuotedFrom, quoted_from)


def report(sink: Sink, iri: str, *, ident: str, label: str, debate: str, evidence: str, by: str | None,
           primary: bool, quote: str, quoted_from: str, quantities: Iterable[str] = (),
           note: str | None = None) -> None:
    """One source's account of an evidence item defined elsewhere (``dkg:EvidenceReport``): it
    ``prov:wasDerivedFrom`` the item, is quoted from the source, and points at the figures it gives
    (written with :func:`quantity`); ``primary`` marks the producer's own publication."""
    sink.add_iri(iri, _rdf.type, _dkg.EvidenceReport)
    common(sink, iri, ident=ident, label=label, debate=debate, note=note)
    sink.add_iri(iri, _prov.wasDerivedFrom, evidence)
    _ref(sink, iri, _dkg.reportedBy, by)
    sink.add_literal(iri, _dkg.primaryReport, "true" if primary else "false", _xsd.boolean)
    sink.add_iri(iri, _dkg.quote, quote)
    sink.add_iri(iri, _prov.wasQuotedFrom, quoted_from)
    for q in quantities:
        sink.add_iri(iri, _dkg.quantity, q)


def derivation(sink: Sink, iri: str, *, operation: str, first: str, second: str, arithmetic: str) -> None:
    """How a derived quantity (written with :func:`quantity`, its value computed) is made: the
    operation, its two operands and the arithmetic in words."""
    sink.add_iri(iri, _dkg.derivedBy, operation)
    sink.add_iri(iri, _dkg.firstOperand, first)
    sink.add_iri(iri, _dkg.secondOperand, second)
    sink.add_literal(iri, _dkg.derivation, arithmetic)

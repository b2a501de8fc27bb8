"""Text coded in an annotation tool (labelled spans, relations, attributes) -> a debate folder.

brat, Label Studio and doccano all hold the same things: a text, spans of it with a label and
exact offsets, relations between spans, and (brat, Label Studio) attributes of a span. Each
reader (``kg.ingest.brat``, ``kg.ingest.labelstudio``, ``kg.ingest.doccano``) turns its format
into :class:`CodedDocument` and checks every offset against the text; this module maps the
labels to the debate model, once for all three, and writes what a curator would write
(``kg build`` then anchors and checks every quote as for hand-made annotations).

The mapping (labels and relation names are matched ignoring case, spaces, '-' and '_'):

=====================  =====================================================================
span label             becomes
=====================  =====================================================================
Actor                  an actor named by the span's words; kind from a ``kind`` attribute
                       (an actor keyword of the ontology), else ``person``
Person, Organisation   an actor of that kind (Organization too)
Claim                  a claim whose label and text are the span's words; kind from a
                       ``kind`` attribute (policy, factual, quantitative), else ``claim``
Statement              a statement quoting the span; ``stance`` and ``mode`` attributes
Evidence               an evidence item quoting the span; kind from a ``kind`` attribute;
Study, Survey, ...     or the kind as the label (Study, Survey, OfficialStatistic,
                       Anecdote, Testimony, Pledge); ``design`` (a study needs one),
                       ``population`` (a survey needs one) and ``sample_size`` attributes
anything else          ignored (counted)
=====================  =====================================================================

=====================================  ===========================================================
relation (from -> to)                  means
=====================================  ===========================================================
speaker (Statement -> Actor)           who says it (either direction is read)
for (Statement -> Actor)               the organisation spoken for (else the speaker's own, when
                                       the speaker is an organisation)
agree, disagree, hedged, declined      the statement's claim and its stance
(Statement -> Claim)
claim (Statement -> Claim)             the claim; stance from the statement's ``stance``
                                       attribute, else agree
by (Evidence -> Actor)                 who produced the evidence
supports, attacks (Evidence or Claim   a support or attack link quoting the premise's span;
-> Claim)                              asserted by the speaker of a statement whose span
                                       overlaps the premise, else by the evidence's producer
=====================================  ===========================================================

Relations of other names and spans of other labels are ignored and counted; attribute values
are read as keywords (``Official Statistic`` -> ``official-statistic``). Same words, same actor
or claim (across documents too). Statements without a speaker or a
claim, a person speaking with no ``for``, evidence without a kind or a producer (or a study
without its design, a survey without its population) and links without anyone to assert them
are skipped and counted, as the DNA importer does: the build would refuse them.
Bad input (offsets outside the text, a span whose recorded words differ from the text at its
offsets, a relation to an unknown span) is a one-line error naming the file and the place,
and nothing is written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.ingest.anchor import shorten
from kg.ingest.folder import (
    Ids,
    ImportReport,
    check_debate_id,
    quote_at,
    slug,
    source_stem,
    write_folder,
    yaml_bytes,
)
from kg.model.errors import KgError

ACTOR_LABELS = {"actor": None, "person": "person", "organisation": "organisation",
                "organization": "organisation"}
EVIDENCE_LABELS = {"evidence": None, "study": "study", "survey": "survey",
                   "officialstatistic": "official-statistic", "anecdote": "anecdote",
                   "testimony": "testimony", "pledge": "pledge"}
EVIDENCE_ATTRIBUTES = ("design", "population", "sample_size")  # passed on as they are
STANCES = ("agree", "disagree", "hedged", "declined")
LINKS = {"supports": "support", "support": "support", "attacks": "attack", "attack": "attack"}
RELATIONS = {"speaker", "for", "claim", "by", *STANCES, *LINKS}


def keyword(value: str) -> str:
    """An attribute value as the ontology's keywords are written: 'Official Statistic' ->
    'official-statistic'."""
    return re.sub(r"[\s_]+", "-", value.strip()).lower()


def norm(label: str) -> str:
    """A label or relation name as matched: lower case, without spaces, '-' or '_'."""
    return re.sub(r"[\s_-]+", "", label).lower()


@dataclass(frozen=True)
class Span:
    """A labelled span: ``text[start:end]`` in code points, end exclusive."""

    id: str
    label: str
    start: int
    end: int
    where: str  # the place in the tool's file, for messages
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Relation:
    """A relation between two spans, from ``source`` to ``target``."""

    kind: str
    source: str
    target: str
    where: str


@dataclass
class CodedDocument:
    """One text as a tool coded it."""

    file: str  # the tool's file, for messages
    title: str
    text: str
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)

    def add_span(self, span: Span, recorded: str | None = None) -> None:
        """Add ``span`` after checking its offsets (and the words the tool recorded, if any)."""
        check_offsets(self.text, span.start, span.end, self.file, span.where)
        if recorded is not None and self.text[span.start:span.end] != recorded:
            raise KgError(f"{span.where}: the text at {span.start}-{span.end} is "
                          f"{_cut(self.text[span.start:span.end])!r}, not {_cut(recorded)!r} as recorded",
                          self.file)
        if any(s.id == span.id for s in self.spans):
            raise KgError(f"{span.where}: duplicate span id {span.id!r}", self.file)
        self.spans.append(span)


def _cut(words: str, width: int = 60) -> str:
    """``words`` as they are (spaces kept: they matter here), cut to ``width`` characters."""
    return words if len(words) <= width else words[: width - 1] + "…"


def check_offsets(text: str, start: object, end: object, file: str, where: str) -> None:
    """Offsets must be whole numbers with ``0 <= start < end <= len(text)``."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise KgError(f"{where}: offsets must be whole numbers, not {start!r} and {end!r}", file)
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        raise KgError(f"{where}: offsets {start}-{end} lie outside the text "
                      f"({len(text)} characters)", file)


@dataclass
class _Built:
    """One document's entries while they are built."""

    source: dict
    statements: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


class _Mapper:
    """Maps coded documents to debate entries (one instance per import: ids are shared)."""

    def __init__(self, tool: str) -> None:
        self.tool = tool
        self.ids = Ids()
        self.actors: dict[str, dict] = {}  # casefolded name -> entry
        self.claims: dict[str, dict] = {}
        self.skipped: Counter = Counter()
        self.ignored: Counter = Counter()

    def actor(self, span: Span, text: str) -> dict:
        name = " ".join(text[span.start:span.end].split())
        entry = self.actors.get(name.casefold())
        if entry is None:
            kind = ACTOR_LABELS.get(norm(span.label)) or keyword(span.attrs.get("kind", "")) or "person"
            entry = {"id": self.ids.plain("actor", name.casefold()), "name": name, "kind": kind}
            self.actors[name.casefold()] = entry
        return entry

    def claim(self, span: Span, text: str) -> dict:
        words = " ".join(text[span.start:span.end].split())
        entry = self.claims.get(words.casefold())
        if entry is None:
            entry = {"id": self.ids.plain("claim", words.casefold()),
                     "kind": keyword(span.attrs.get("kind", "claim")),
                     "label": shorten(words, 80), "text": words}
            self.claims[words.casefold()] = entry
        return entry

    def document(self, doc: CodedDocument, number: int) -> tuple[str, bytes, dict]:
        """The stem, text bytes and annotation data of one document."""
        data = doc.text.encode("utf-8")
        stem = source_stem(number, data)
        source_id = self.ids.fresh(slug(doc.title, 50) or f"document-{number}")
        built = _Built({"id": source_id, "file": f"{stem}.txt", "title": doc.title, "type": "document",
                        "publisher": "unknown", "issued": "unknown",
                        "note": f"imported by 'kg import {self.tool}' from {doc.file}"})
        self.ignored.update(doc.ignored)
        spans = {s.id: s for s in doc.spans}
        role = {s.id: self._role(s) for s in doc.spans}
        for span in doc.spans:
            if role[span.id] is None:
                self.ignored[f"span label {span.label}"] += 1
            elif role[span.id] == "actor":
                self.actor(span, doc.text)
            elif role[span.id] == "claim":
                self.claim(span, doc.text)
        out: dict[str, list[tuple[str, Span]]] = {s.id: [] for s in doc.spans}
        for rel in doc.relations:
            for end in (rel.source, rel.target):
                if end not in spans:
                    raise KgError(f"{rel.where}: relation {rel.kind!r} refers to an unknown span {end!r}",
                                  doc.file)
            kind = norm(rel.kind)
            if kind not in RELATIONS:
                self.ignored[f"relation {rel.kind}"] += 1
                continue
            a, b = spans[rel.source], spans[rel.target]
            if kind in LINKS:
                out[a.id].append((kind, b))
            elif role[b.id] in ("statement", "evidence") and role[a.id] not in ("statement", "evidence"):
                out[b.id].append((kind, a))  # e.g. a speaker drawn from the actor to the statement
            else:
                out[a.id].append((kind, b))
        evidence_ids: dict[str, dict] = {}
        speakers: list[tuple[Span, str]] = []  # statement spans and their speaker ids
        said: set[tuple[int, str]] = set()  # (start, claim): what the build's statement ids are made of
        for span in sorted(doc.spans, key=lambda s: (s.start, s.end)):
            if role[span.id] == "statement":
                entry = self._statement(span, out[span.id], role, doc.text)
                if entry is not None and (span.start, entry["claim"]) in said:
                    self.skipped["a second statement at the same words on the same claim"] += 1
                elif entry is not None:
                    said.add((span.start, entry["claim"]))
                    built.statements.append(entry)
                    speakers.append((span, entry["speaker"]))
            elif role[span.id] == "evidence":
                entry = self._evidence(span, out[span.id], role, doc.text)
                if entry is not None:
                    built.evidence.append(entry)
                    evidence_ids[span.id] = entry
        for span in sorted(doc.spans, key=lambda s: (s.start, s.end)):
            for kind, target in out[span.id]:
                if kind in LINKS:
                    link = self._link(span, target, LINKS[kind], role, evidence_ids, speakers, doc.text)
                    if link is not None:
                        built.links.append(link)
        data_out: dict = {"source": built.source}
        for key in ("statements", "evidence", "links"):
            if getattr(built, key):
                data_out[key] = getattr(built, key)
        return stem, data, data_out

    @staticmethod
    def _role(span: Span) -> str | None:
        label = norm(span.label)
        if label in ACTOR_LABELS:
            return "actor"
        if label in EVIDENCE_LABELS:
            return "evidence"
        return label if label in ("claim", "statement") else None

    def _statement(self, span: Span, rels: list[tuple[str, Span]], role: dict, text: str) -> dict | None:
        actors = {k: self.actor(t, text) for k, t in reversed(rels) if role[t.id] == "actor"}
        stance = keyword(span.attrs.get("stance", "agree"))
        speaker, speaks_for = actors.get("speaker"), actors.get("for")
        claim = None
        for kind, target in rels:
            if role[target.id] == "claim" and (kind in STANCES or kind == "claim"):
                claim = self.claim(target, text)
                stance = kind if kind in STANCES else stance
                break
        if speaker is None:
            self.skipped["statement without a speaker"] += 1
            return None
        if claim is None:
            self.skipped["statement without a claim"] += 1
            return None
        if speaks_for is None and speaker["kind"] == "person":
            self.skipped["a person's statement without 'for' (the organisation spoken for)"] += 1
            return None
        entry: dict = {"speaker": speaker["id"]}
        if speaks_for is not None:
            entry["for"] = speaks_for["id"]
        entry.update(claim=claim["id"], stance=stance)
        if span.attrs.get("mode"):
            entry["mode"] = keyword(span.attrs["mode"])
        entry["quote"] = quote_at(text, span.start, span.end)
        return entry

    def _evidence(self, span: Span, rels: list[tuple[str, Span]], role: dict, text: str) -> dict | None:
        kind = EVIDENCE_LABELS[norm(span.label)] or keyword(span.attrs.get("kind", ""))
        by = next((self.actor(t, text) for k, t in rels if k == "by" and role[t.id] == "actor"), None)
        needs = {"survey": "population", "study": "design"}.get(kind or "")
        if not kind:
            self.skipped["evidence without a kind"] += 1
            return None
        if by is None:
            self.skipped["evidence without a 'by' relation to its producer"] += 1
            return None
        if needs and not span.attrs.get(needs):
            self.skipped[f"{kind} without a '{needs}' attribute"] += 1
            return None
        words = " ".join(text[span.start:span.end].split())
        entry: dict = {"id": self.ids.fresh(f"evidence-{slug(words, 40) or 'item'}"), "kind": kind,
                       "label": shorten(words, 80), "by": by["id"]}
        for key in EVIDENCE_ATTRIBUTES:
            if span.attrs.get(key):
                value = span.attrs[key]
                if key == "design":
                    value = keyword(value)
                entry[key] = int(value) if key == "sample_size" and value.isdigit() else value
        entry["quote"] = quote_at(text, span.start, span.end)
        return entry

    def _link(self, premise: Span, conclusion: Span, polarity: str, role: dict,
              evidence: dict[str, dict], speakers: list[tuple[Span, str]], text: str) -> dict | None:
        if role[conclusion.id] != "claim" or role[premise.id] not in ("claim", "evidence"):
            self.skipped[f"{polarity} link not from a claim or evidence to a claim"] += 1
            return None
        if role[premise.id] == "evidence":
            if premise.id not in evidence:
                self.skipped[f"{polarity} link from skipped evidence"] += 1
                return None
            premise_id = evidence[premise.id]["id"]
        else:
            premise_id = self.claim(premise, text)["id"]
        by = next((who for span, who in speakers if span.start < premise.end and premise.start < span.end),
                  None)
        if by is None and role[premise.id] == "evidence":
            by = evidence[premise.id]["by"]
        if by is None:
            self.skipped[f"{polarity} link without anyone to assert it"] += 1
            return None
        return {"premise": premise_id, "conclusion": self.claim(conclusion, text)["id"],
                "polarity": polarity, "by": by, "basis": "stated",
                "quote": quote_at(text, premise.start, premise.end)}


def debate_files(documents: list[CodedDocument], debate_id: str, title: str,
                 tool: str) -> tuple[dict[str, bytes], _Mapper, Counter]:
    """The files of the debate folder, the mapper (for its counts) and the entries written."""
    mapper = _Mapper(tool)
    files: dict[str, bytes] = {}
    written: Counter = Counter()
    seen: dict[bytes, str] = {}
    for number, doc in enumerate(documents):
        stem, data, entries = mapper.document(doc, number)
        if data in seen:
            raise KgError(f"the text of {doc.title!r} is the same as that of {seen[data]!r}: "
                          "a debate holds each text once", doc.file)
        seen[data] = doc.title
        files[f"{stem}.txt"] = data
        files[f"{stem}.yaml"] = yaml_bytes(entries, f"{doc.title}: imported from {tool} ({doc.file}).")
        for key in ("statements", "evidence", "links"):
            written[key] += len(entries.get(key, []))
    files["debate.yaml"] = yaml_bytes({
        "debate": {"id": debate_id, "title": title,
                   "description": f"Imported from {tool} by 'kg import {tool}'."},
        "actors": sorted(mapper.actors.values(), key=lambda a: a["id"]),
        "claims": sorted(mapper.claims.values(), key=lambda c: c["id"]),
    }, f"Debate imported from {tool}: the actors and claims its documents share.")
    return files, mapper, written


def import_documents(documents: list[CodedDocument], tool: str, folder: Path | None,
                     debate_id: str | None, title: str | None, force: bool, origin: Path) -> ImportReport:
    """Write ``documents`` as a debate folder (atomically) and say what was written."""
    debate_id = check_debate_id(debate_id or (folder.name if folder else slug(origin.stem))
                                or f"{tool}-import")
    folder = folder or Path("data") / debate_id
    if not documents:
        raise KgError("no documents in it", origin)
    files, mapper, written = debate_files(documents, debate_id, title or f"Imported from {origin.name}", tool)
    write_folder(files, folder, force)
    return ImportReport(folder, debate_id, len(documents), written["statements"], len(mapper.actors),
                        len(mapper.claims), evidence=written["evidence"], links=written["links"],
                        skipped=dict(mapper.skipped), ignored=dict(mapper.ignored))

"""Synthetic debates for scale tests: realistic shape, any size, the same output for the same seed.

What makes one realistic, as in real debate data:

* actors: organisations of every kind the ontology names and people holding posts in them;
  how often an actor speaks follows a Zipf law, so a few are very active and most say little;
* claims: policy, factual and quantitative (with a number); popularity is Zipf too, so some
  claims gather thousands of statements; each claim leans to one of two camps, and actors
  mostly agree with their own camp's claims (which gives coalition analysis something to find);
* sources: generated article text in which every statement, evidence item and link is a
  sentence, quoted with exact code-point offsets, prefix and suffix, so the quote self-check
  of ``kg build`` verifies every one of them; some sentences carry non-ASCII characters;
* evidence: studies, surveys, statistics, anecdotes... with producers and quantities (values,
  units, comparators, numerators and denominators), linked to claims by support/attack nodes
  whose assertor and quote are recorded, and sharing ``dkg:variable`` keys with quantitative
  claims so the number checks have work to do.

The vocabulary (actor kinds, roles, claim and evidence kinds, units, comparators, stances...)
is read from the ontology, never listed here. Output is N-Triples written line by line (no
rdflib objects), so a million triples take seconds; ``kg build`` bulk-loads ``*.nt`` files.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kg.model.errors import KgError
from kg.model.namespaces import DKG, ID_BASE, OA, ORG, QUDT, SCHEMA

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
PROV = "http://www.w3.org/ns/prov#"

MIN_TRIPLES = 1_000
MAX_TRIPLES = 5_000_000
CLAIM_LINK_RATE = 0.04  # share of statements whose speaker also argues from another claim
CONTEXT = 32  # characters of prefix and suffix kept with each quote, as the build does

_FIRST = ("Alex", "Sam", "Priya", "Jonas", "Maria", "Chen", "Olu", "Fatima", "Ewan", "Zoë", "Marek", "Ines",
          "Tomás", "Aisha", "Grace", "Hugo", "Leila", "Niamh", "Ravi", "Sofia", "Björn", "Amara", "Luca")
_LAST = ("Okafor", "Smith", "Nakamura", "García", "Müller", "Patel", "O'Brien", "Kowalski", "Jones", "Rossi",
         "Haddad", "Novak", "Andersen", "Byrne", "Mensah", "Dubois", "Chowdhury", "Silva", "Walsh", "Ivanova")
_PLACE = ("Northshire", "Eastmoor", "Riverton", "Westfield", "Lowdale", "Highcombe", "Southport",
          "Kingsbridge", "Ashford", "Brackenby", "Coldharbour", "Dunmere")
_SUBJECT = ("the council", "the ministry", "every school", "local hospitals", "the regulator",
            "frontline staff", "small businesses", "the police", "public transport", "rural areas",
            "young people", "landlords")
_ACTION = ("fund", "expand", "limit", "review", "ban", "subsidise", "publish data on", "train staff in",
           "cut", "double", "phase out", "protect")
_OBJECT = ("night buses", "school meals", "speed cameras", "housing grants", "mental-health services",
           "bike lanes", "tuition support", "flood defences", "library hours", "care workers' pay",
           "street lighting", "youth clubs", "air-quality monitors", "community policing")
_EFFECT = ("reduces costs", "saves lives", "raises complaints", "improves attendance", "cuts emissions",
           "increases waiting times", "lowers crime", "harms trust", "helps families", "raises prices")
_NEWS_WORDS = ("Meanwhile", "Elsewhere", "Later that week", "In a statement", "At a meeting on Tuesday",
               "According to figures seen by this paper", "Critics disagree", "Supporters say")


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(text: str, datatype: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    return f'"{escaped}"' + (f"^^<{datatype}>" if datatype else "")


def _int(value: int) -> str:
    return _lit(str(value), XSD + "integer")


def _nonneg(value: int) -> str:
    return _lit(str(value), XSD + "nonNegativeInteger")


def _day(value: date) -> str:
    return _lit(value.isoformat(), XSD + "date")


@dataclass
class Vocab:
    """The ontology terms a synthetic debate uses, by annotation keyword, read from the ontology."""

    organisation_kinds: list[str]
    person: str
    claim_kinds: dict[str, str]
    evidence_kinds: dict[str, str]
    roles: list[str]
    stances: dict[str, str]
    modes: list[str]
    designs: list[str]
    comparators: dict[str, str]
    units: dict[str, str]
    bases: list[str]
    polarity: dict[str, str]
    article: str

    @classmethod
    def from_ontology(cls) -> Vocab:
        """Read every keyworded term from ``ontology/debate.ttl`` (``kg.build.vocabulary``)."""
        from kg.ingest.vocabulary import vocabulary

        vocab = vocabulary()
        by = {str(cat).rsplit("#", 1)[-1].rsplit("/", 1)[-1]: {k: str(v) for k, v in terms.items()}
              for cat, terms in vocab.terms.items()}
        orgs = sorted(str(o) for o in vocab.organisations
                      if str(o) in by["Actor"].values() and str(o) != str(DKG.Organisation))
        return cls(
            organisation_kinds=orgs,
            person=by["Actor"]["person"],
            claim_kinds={k: v for k, v in by["Claim"].items() if v != str(DKG.Claim)},
            evidence_kinds=by["Evidence"],
            roles=sorted(by["Role"].values()),
            stances=by["Stance"],
            modes=sorted(by["SpeechMode"].values()),
            designs=sorted(by["StudyDesign"].values()),
            comparators=by["Comparator"],
            units=by["Unit"],
            bases=sorted(by["LinkBasis"].values()),
            polarity=by["ArgumentLink"],
            article=by["SourceDocument"]["news-article"],
        )


class Zipf:
    """Draw indices 0..n-1 with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float, rng: random.Random):
        self.rng = rng
        self.cumulative = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))

    def draw(self) -> int:
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.cumulative[-1])


@dataclass
class Actor:
    iri: str
    name: str
    camp: int
    speaks_for: str
    is_org: bool


@dataclass
class Claim:
    iri: str
    text: str
    camp: int
    variable: str | None = None
    value: float | None = None
    unit: str | None = None


@dataclass
class Writer:
    """N-Triples lines, counted."""

    lines: list[str] = field(default_factory=list)

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {_iri(p)} {o} .\n")

    def __len__(self) -> int:
        return len(self.lines)


class Synthesiser:
    """Generates one synthetic debate of about ``triples`` triples (before the build's derivations)."""

    def __init__(self, triples: int, seed: int = 0, debate_id: str | None = None):
        if not MIN_TRIPLES <= triples <= MAX_TRIPLES:
            raise KgError(f"--triples must be between {MIN_TRIPLES:,} and {MAX_TRIPLES:,}, not {triples:,}")
        self.target = triples
        self.seed = seed
        self.rng = random.Random(seed)
        self.vocab = Vocab.from_ontology()
        self.debate_id = debate_id or f"synth-{seed}"
        self.base = f"{ID_BASE}{self.debate_id}/"
        self.debate = _iri(ID_BASE + self.debate_id)
        self.out = Writer()
        self.actors: list[Actor] = []
        self.claims: list[Claim] = []

    # --- entities ----------------------------------------------------------------------

    def _entity(self, kind: str, ident: str, types: list[str], label: str) -> str:
        node = self._entity_plain(kind, ident, types, label)
        self.out.add(node, str(SCHEMA.isPartOf), self.debate)
        return node

    def _actors(self) -> None:
        rng, v = self.rng, self.vocab
        n_orgs = max(8, self.target // 2500)
        orgs: list[Actor] = []
        for i in range(n_orgs):
            kind = v.organisation_kinds[i % len(v.organisation_kinds)]
            name = f"{rng.choice(_PLACE)} {kind.rsplit('#', 1)[-1]} {i}"
            node = self._entity("actor", f"org-{i}", [kind], name)
            self.out.add(node, FOAF_NAME, _lit(name))
            orgs.append(Actor(node, name, rng.randrange(2), node, True))
        people: list[Actor] = []
        for i in range(2 * n_orgs):
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            org = orgs[int(rng.paretovariate(1.2)) % n_orgs]
            node = self._entity("actor", f"person-{i}", [v.person], name)
            self.out.add(node, FOAF_NAME, _lit(name))
            post = _iri(f"{self.base}post/person-{i}")
            role = rng.choice(v.roles)
            self.out.add(post, RDF_TYPE, _iri(str(ORG.Post)))
            self.out.add(post, str(ORG.role), _iri(role))
            self.out.add(post, str(ORG.postIn), org.iri)
            self.out.add(post, str(ORG.heldBy), node)
            self.out.add(post, RDFS_LABEL, _lit(f"{role.rsplit('#', 1)[-1]}, {org.name}"))
            self.out.add(node, str(ORG.holds), post)
            self.out.add(node, str(ORG.memberOf), org.iri)
            people.append(Actor(node, name, org.camp, org.iri, False))
        self.orgs = orgs
        self.actors = [a for pair in itertools.zip_longest(people, orgs) for a in pair if a]
        self.research = [o for o in orgs if "Research" in o.iri or "Polling" in o.iri] or orgs

    def _claims(self) -> None:
        rng, v = self.rng, self.vocab
        kinds = sorted(v.claim_kinds.items())
        for i in range(max(30, self.target // 400)):
            key, kind = kinds[i % len(kinds)]
            text = (f"{rng.choice(_SUBJECT).capitalize()} should {rng.choice(_ACTION)} "
                    f"{rng.choice(_OBJECT)} in {rng.choice(_PLACE)}")
            if key == "factual":
                text = f"{rng.choice(_OBJECT).capitalize()} in {rng.choice(_PLACE)} {rng.choice(_EFFECT)}"
            claim = Claim("", text, rng.randrange(2))
            node = self._entity("claim", f"claim-{i}", [kind], text if len(text) < 60 else text[:57] + "...")
            self.out.add(node, str(SCHEMA.text), _lit(text + "."))
            if key == "quantitative":
                claim.variable, claim.unit = f"var-{i}", rng.choice(["percent", "count"])
                claim.value = rng.randrange(5, 95)
                comparator = rng.choice(["about", "more-than", "less-than", "exactly"])
                claim.text = f"{text}: {comparator.replace('-', ' ')} {claim.value:g} {claim.unit}"
                quantity = self._quantity(f"claim-{i}", claim.variable, claim.value, claim.unit, comparator,
                                          f"{claim.unit} claimed for {text[:40]}")
                self.out.add(node, str(DKG.quantity), quantity)
            claim.iri = node
            self.claims.append(claim)

    def _quantity(self, ident: str, variable: str, value: float, unit: str, comparator: str, measure: str,
                  quote: str | None = None, denominator: int | None = None) -> str:
        node = self._entity_plain("quantity", ident, [str(DKG.Quantity)], measure)
        self.out.add(node, str(DKG.measure), _lit(measure))
        self.out.add(node, str(QUDT.unit), _iri(self.vocab.units[unit]))
        self.out.add(node, str(DKG.comparator), _iri(self.vocab.comparators[comparator]))
        self.out.add(node, str(QUDT.numericValue), _int(int(value)))
        self.out.add(node, str(DKG.variable), _lit(variable))
        if denominator:
            self.out.add(node, str(DKG.denominator), _int(denominator))
        if quote:
            self.out.add(node, str(DKG.quote), quote)
        return node

    def _entity_plain(self, kind: str, ident: str, types: list[str], label: str) -> str:
        node = _iri(f"{self.base}{kind}/{ident}")
        for t in types:
            self.out.add(node, RDF_TYPE, _iri(t))
        self.out.add(node, DCT + "identifier", _lit(ident))
        self.out.add(node, RDFS_LABEL, _lit(label))
        return node

    # --- documents ---------------------------------------------------------------------

    def _documents(self) -> Iterator[int]:
        rng, v = self.rng, self.vocab
        speak = Zipf(len(self.actors), 1.1, rng)
        about = Zipf(len(self.claims), 1.0, rng)
        start = date(2015, 1, 1)
        evidence_no = 0
        for d in itertools.count():
            if len(self.out) >= self.target:
                return
            doc_id = f"doc-{d}"
            doc = _iri(f"{self.base}source/{doc_id}")
            issued = start + timedelta(days=rng.randrange(3650))
            sentences: list[str] = []
            quotes: list[tuple[str, int]] = []  # (quote node, sentence index)

            def sentence(text: str, doc_id: str = doc_id, sentences: list[str] = sentences,
                         quotes: list[tuple[str, int]] = quotes) -> str:
                node = _iri(f"{self.base}quote/{doc_id}-{len(sentences)}")
                quotes.append((node, len(sentences)))
                sentences.append(text)
                return node

            for _ in range(rng.randrange(6, 40)):
                actor = self.actors[speak.draw()]
                number = about.draw()
                claim = self.claims[number]
                agree = (actor.camp == claim.camp) == (rng.random() < 0.8)
                mode = rng.choice(v.modes)
                body = claim.text[0].lower() + claim.text[1:]
                text = (f"{actor.name} said that {body}." if agree
                        else f"{actor.name} rejected the idea that {body}.")
                if "Direct" in mode:
                    text = f"‘{claim.text}’, said {actor.name}." if agree else \
                        f"‘It is simply wrong that {body},’ said {actor.name}."
                quote = sentence(text)
                ident = f"{doc_id}-st{len(sentences)}"
                st = self._entity("statement", ident, [str(DKG.Statement)],
                                  f"{actor.name}: {claim.text[:40]} ({'agree' if agree else 'disagree'})")
                self.out.add(st, str(DKG.speaker), actor.iri)
                self.out.add(st, str(DKG.speaksFor), actor.speaks_for)
                self.out.add(st, str(DKG.claim), claim.iri)
                self.out.add(st, str(DKG.stance), _iri(v.stances["agree" if agree else "disagree"]))
                self.out.add(st, str(DKG.speechMode), _iri(mode))
                self.out.add(st, DCT + "date", _day(issued))
                self.out.add(st, str(DKG.quote), quote)
                self.out.add(st, PROV + "wasQuotedFrom", doc)
                if rng.random() < CLAIM_LINK_RATE and number + 1 < len(self.claims):
                    # premises are less discussed claims: the argument graph is a DAG whose
                    # branching stays below 1, as in annotated debates (no giant cycle)
                    other = self.claims[rng.randrange(number + 1, len(self.claims))]
                    self._link(doc, doc_id, sentence, other.iri, claim, actor, other.text)
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                evidence_no += 1
                self._evidence(doc, doc_id, evidence_no, sentence, about, speak)
            publisher = self.orgs[int(rng.paretovariate(1.0)) % len(self.orgs)]
            self._source(doc, doc_id, issued, publisher, sentences, quotes)
            yield d

    def _link(self, doc: str, doc_id: str, sentence, premise: str, claim: Claim, actor: Actor,
              premise_text: str, polarity: str | None = None) -> None:
        v, rng = self.vocab, self.rng
        polarity = polarity or ("support" if rng.random() < 0.7 else "attack")
        verb = "shows" if polarity == "support" else "undermines the claim"
        quote = sentence(f"{actor.name} argued that {premise_text[0].lower() + premise_text[1:]} {verb} "
                         f"that {claim.text[0].lower() + claim.text[1:]}.")
        ident = f"{doc_id}-link{quote.rsplit('-', 1)[-1][:-1]}"
        label = f"{premise_text[:30]} {polarity}s {claim.text[:30]}"
        link = self._entity("link", ident, [v.polarity[polarity]], label)
        self.out.add(link, str(DKG.premise), premise)
        self.out.add(link, str(DKG.conclusion), claim.iri)
        self.out.add(link, str(DKG.assertedBy), actor.iri)
        self.out.add(link, str(DKG.linkBasis), _iri(rng.choice(v.bases)))
        self.out.add(link, str(DKG.quote), quote)
        self.out.add(link, PROV + "wasQuotedFrom", doc)

    def _evidence(self, doc: str, doc_id: str, number: int, sentence, about: Zipf, speak: Zipf) -> None:
        rng, v = self.rng, self.vocab
        key, kind = rng.choice(sorted(v.evidence_kinds.items()))
        producer = rng.choice(self.research)
        claim = self.claims[about.draw()]
        ident = f"ev-{number}"
        unit = claim.unit or rng.choice(["percent", "count"])
        value = claim.value if claim.value is not None else rng.randrange(3, 97)
        value = max(1, round(value * rng.uniform(0.85, 1.2)))
        total = rng.randrange(200, 5000)
        label = f"{producer.name} {key.replace('-', ' ')} {number}"
        said_unit = unit.replace("percent", "per cent")
        text = (f"A {key.replace('-', ' ')} by {producer.name} found {value} {said_unit} "
                f"of {total:,} people in {rng.choice(_PLACE)} backed the change.")
        quote = sentence(text)
        node = self._entity("evidence", ident, [kind], label)
        self.out.add(node, PROV + "wasAttributedTo", producer.iri)
        self.out.add(node, str(DKG.quote), quote)
        self.out.add(node, PROV + "wasQuotedFrom", doc)
        if key == "study":
            self.out.add(node, str(DKG.design), _iri(rng.choice(v.designs)))
        if key == "survey":
            self.out.add(node, str(DKG.sampleSize), _nonneg(total))
            self.out.add(node, str(DKG.population), _lit(f"adults in {rng.choice(_PLACE)}"))
            self.out.add(node, str(DKG.commissionedBy), rng.choice(self.orgs).iri)
        variable = claim.variable or f"var-ev-{number}"
        quantity = self._quantity(ident, variable, value, unit, rng.choice(["exactly", "about"]),
                                  f"{unit} found by {label}", quote, total if unit == "percent" else None)
        self.out.add(node, str(DKG.quantity), quantity)
        asserter = self.actors[speak.draw()]
        polarity = "support" if (asserter.camp == claim.camp) == (rng.random() < 0.8) else "attack"
        self._link(doc, doc_id, sentence, node, claim, asserter, label, polarity)

    def _source(self, doc: str, doc_id: str, issued: date, publisher: Actor, sentences: list[str],
                quotes: list[tuple[str, int]]) -> None:
        rng = self.rng
        parts, offsets, at = [], [], 0
        for i, s in enumerate(sentences):
            lead = f"{rng.choice(_NEWS_WORDS)}, " if i and rng.random() < 0.2 else ""
            sep = "" if i == 0 else ("\n\n" if rng.random() < 0.4 else " ")
            at += len(sep) + len(lead)
            parts.append(sep + lead + s)
            offsets.append((at, at + len(s)))
            at += len(s)
        text = "".join(parts)
        title = f"{publisher.name}: {sentences[0][:70]}"
        self.out.add(doc, RDF_TYPE, _iri(self.vocab.article))
        self.out.add(doc, DCT + "identifier", _lit(doc_id))
        self.out.add(doc, str(DKG.fileName), _lit(f"{doc_id}.txt"))
        self.out.add(doc, DCT + "title", _lit(title))
        self.out.add(doc, RDFS_LABEL, _lit(title))
        self.out.add(doc, DCT + "issued", _day(issued))
        self.out.add(doc, DCT + "publisher", publisher.iri)
        self.out.add(doc, str(SCHEMA.isPartOf), self.debate)
        self.out.add(doc, str(SCHEMA.text), _lit(text))
        self.out.add(doc, str(DKG.sha256), _lit(hashlib.sha256(text.encode("utf-8")).hexdigest()))
        self.out.add(doc, str(DKG.characterCount), _int(len(text)))
        for node, index in quotes:
            start, end = offsets[index]
            position, words = _iri(node[1:-1] + "#position"), _iri(node[1:-1] + "#text")
            self.out.add(node, RDF_TYPE, _iri(str(OA.SpecificResource)))
            self.out.add(node, str(OA.hasSource), doc)
            self.out.add(node, str(OA.hasSelector), position)
            self.out.add(node, str(OA.hasSelector), words)
            self.out.add(position, RDF_TYPE, _iri(str(OA.TextPositionSelector)))
            self.out.add(position, str(OA.start), _nonneg(start))
            self.out.add(position, str(OA.end), _nonneg(end))
            self.out.add(words, RDF_TYPE, _iri(str(OA.TextQuoteSelector)))
            self.out.add(words, str(OA.exact), _lit(text[start:end]))
            self.out.add(words, str(OA.prefix), _lit(text[max(0, start - CONTEXT):start]))
            self.out.add(words, str(OA.suffix), _lit(text[end:end + CONTEXT]))

    # --- all ---------------------------------------------------------------------------

    def run(self) -> tuple[list[str], int]:
        """The N-Triples lines and the number of source documents."""
        self.out.add(self.debate, RDF_TYPE, _iri(str(DKG.Debate)))
        self.out.add(self.debate, DCT + "identifier", _lit(self.debate_id))
        title = f"Synthetic debate {self.debate_id} ({self.target:,} triples)"
        self.out.add(self.debate, DCT + "title", _lit(title))
        self.out.add(self.debate, RDFS_LABEL, _lit(title))
        self._actors()
        self._claims()
        documents = sum(1 for _ in self._documents())
        return self.out.lines, documents


@dataclass
class SynthReport:
    """What ``kg synth`` wrote."""

    path: Path
    triples: int
    documents: int
    actors: int
    claims: int


def synthesise(out_dir: Path, triples: int, seed: int = 0) -> SynthReport:
    """Write a synthetic debate as ``out_dir/<debate>/debate.nt`` (atomically); ``kg build out_dir``
    bulk-loads it."""
    gen = Synthesiser(triples, seed)
    lines, documents = gen.run()
    folder = Path(out_dir) / gen.debate_id
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "debate.nt"
        tmp = folder / f".debate.nt.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(tmp, target)
    except OSError as exc:
        raise KgError(f"cannot write: {exc.strerror}", out_dir) from exc
    return SynthReport(target, len(lines), documents, len(gen.actors), len(gen.claims))

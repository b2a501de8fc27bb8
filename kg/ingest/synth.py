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
is read from the ontology, never listed here. The triples are written by ``kg.ingest.emit``, the
one writer of the data model that the compiler of curated debates uses too, so a synthetic node
has the same shape as a curated one. Its N-Triples sink formats lines directly (no rdflib
objects), so a million triples take seconds; ``kg build`` bulk-loads ``*.nt`` files.
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kg.ingest import emit
from kg.ingest.anchor import CONTEXT  # characters of prefix and suffix kept with each quote
from kg.model.errors import KgError
from kg.model.namespaces import DKG

MIN_TRIPLES = 1_000
MAX_TRIPLES = 5_000_000
CLAIM_LINK_RATE = 0.04  # share of statements whose speaker also argues from another claim

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

    def __init__(self, n: int, s: float, rng: random.Random) -> None:
        self.rng = rng
        self.cumulative = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))

    def draw(self) -> int:
        """One index, drawn with ``rng``."""
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.cumulative[-1])


@dataclass
class Actor:
    """A generated actor: its camp decides which claims it mostly agrees with."""

    iri: str
    name: str
    camp: int
    speaks_for: str
    is_org: bool


@dataclass
class Claim:
    """A generated claim; a quantitative one has a variable, value and unit evidence can match."""

    iri: str
    text: str
    camp: int
    variable: str | None = None
    value: float | None = None
    unit: str | None = None


class Synthesiser:
    """Generates one synthetic debate of about ``triples`` triples (before the build's derivations)."""

    def __init__(self, triples: int, seed: int = 0, debate_id: str | None = None) -> None:
        if not MIN_TRIPLES <= triples <= MAX_TRIPLES:
            raise KgError(f"--triples must be between {MIN_TRIPLES:,} and {MAX_TRIPLES:,}, not {triples:,}")
        self.target = triples
        self.seed = seed
        self.rng = random.Random(seed)
        self.vocab = Vocab.from_ontology()
        self.debate_id = debate_id or f"synth-{seed}"
        self.base = emit.debate_base(self.debate_id)
        self.debate = emit.debate_iri(self.debate_id)
        self.out = emit.NTriplesSink()
        self.actors: list[Actor] = []
        self.claims: list[Claim] = []

    def _node(self, kind: str, ident: str) -> str:
        """The IRI of this debate's node of ``kind`` with id ``ident``."""
        return emit.node_iri(self.base, kind, ident)

    # --- entities ----------------------------------------------------------------------

    def _actors(self) -> None:
        """Organisations of every kind, and twice as many people, each with a post in one of them."""
        rng, v = self.rng, self.vocab
        n_orgs = max(8, self.target // 2500)
        orgs: list[Actor] = []
        for i in range(n_orgs):
            kind = v.organisation_kinds[i % len(v.organisation_kinds)]
            name = f"{rng.choice(_PLACE)} {kind.rsplit('#', 1)[-1]} {i}"
            node = self._node("actor", f"org-{i}")
            emit.actor(self.out, node, ident=f"org-{i}", kind=kind, name=name, debate=self.debate)
            orgs.append(Actor(node, name, rng.randrange(2), node, True))
        people: list[Actor] = []
        for i in range(2 * n_orgs):
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            org = orgs[int(rng.paretovariate(1.2)) % n_orgs]
            node = self._node("actor", f"person-{i}")
            emit.actor(self.out, node, ident=f"person-{i}", kind=v.person, name=name, debate=self.debate)
            role = rng.choice(v.roles)
            emit.post(self.out, self._node("post", f"person-{i}"), holder=node, role=role, org=org.iri,
                      label=emit.post_label(role, org.name))
            people.append(Actor(node, name, org.camp, org.iri, False))
        self.orgs = orgs
        self.actors = [a for pair in itertools.zip_longest(people, orgs) for a in pair if a]
        self.research = [o for o in orgs if "Research" in o.iri or "Polling" in o.iri] or orgs

    def _claims(self) -> None:
        """Claims of every kind, in turn; a quantitative claim states a number on its own variable."""
        rng, v = self.rng, self.vocab
        kinds = sorted(v.claim_kinds.items())
        for i in range(max(30, self.target // 400)):
            key, kind = kinds[i % len(kinds)]
            text = (f"{rng.choice(_SUBJECT).capitalize()} should {rng.choice(_ACTION)} "
                    f"{rng.choice(_OBJECT)} in {rng.choice(_PLACE)}")
            if key == "factual":
                text = f"{rng.choice(_OBJECT).capitalize()} in {rng.choice(_PLACE)} {rng.choice(_EFFECT)}"
            ident = f"claim-{i}"
            claim = Claim(self._node("claim", ident), text, rng.randrange(2))
            quantity = None
            if key == "quantitative":
                claim.variable, claim.unit = f"var-{i}", rng.choice(["percent", "count"])
                claim.value = rng.randrange(5, 95)
                comparator = rng.choice(["about", "more-than", "less-than", "exactly"])
                claim.text = f"{text}: {comparator.replace('-', ' ')} {claim.value:g} {claim.unit}"
                quantity = self._quantity(ident, claim.variable, claim.value, claim.unit, comparator,
                                          f"{claim.unit} claimed for {text[:40]}")
            label = text if len(text) < 60 else text[:57] + "..."
            emit.claim(self.out, claim.iri, ident=ident, kind=kind, label=label, text=text + ".",
                       debate=self.debate, quantity=quantity)
            self.claims.append(claim)

    def _quantity(self, ident: str, variable: str, value: float, unit: str, comparator: str, measure: str,
                  quote: str | None = None, denominator: int | None = None) -> str:
        """Write a quantity node (keywords ``unit`` and ``comparator``) and return its IRI."""
        node = self._node("quantity", ident)
        emit.quantity(self.out, node, ident=ident, measure=measure, unit=self.vocab.units[unit],
                      comparator=self.vocab.comparators[comparator], value=int(value), variable=variable,
                      denominator=denominator or None, quote=quote)
        return node

    # --- documents ---------------------------------------------------------------------

    def _documents(self) -> Iterator[int]:
        """Source texts, one at a time until the target is reached: statements (and links)
        by Zipf-drawn actors on Zipf-drawn claims, evidence, then the text that quotes them all."""
        rng, v = self.rng, self.vocab
        speak = Zipf(len(self.actors), 1.1, rng)
        about = Zipf(len(self.claims), 1.0, rng)
        start = date(2015, 1, 1)
        evidence_no = 0
        for d in itertools.count():
            if len(self.out) >= self.target:
                return
            doc_id = f"doc-{d}"
            doc = self._node("source", doc_id)
            issued = start + timedelta(days=rng.randrange(3650))
            sentences: list[str] = []
            quotes: list[tuple[str, int]] = []  # (quote node, sentence index)

            def sentence(text: str, doc_id: str = doc_id, sentences: list[str] = sentences,
                         quotes: list[tuple[str, int]] = quotes) -> str:
                node = self._node("quote", f"{doc_id}-{len(sentences)}")
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
                stance = "agree" if agree else "disagree"
                emit.statement(self.out, self._node("statement", ident), ident=ident, debate=self.debate,
                               label=emit.statement_label(actor.name, claim.text[:40], stance),
                               speaker=actor.iri, speaks_for=actor.speaks_for, claim=claim.iri,
                               stance=v.stances[stance], mode=mode, day=issued, quote=quote, quoted_from=doc)
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

    def _link(self, doc: str, doc_id: str, sentence: Callable[[str], str], premise: str, claim: Claim,
              actor: Actor, premise_text: str, polarity: str | None = None) -> None:
        """A support or attack link from ``premise`` to ``claim`` asserted by ``actor``, with its
        sentence added to the document."""
        v, rng = self.vocab, self.rng
        polarity = polarity or ("support" if rng.random() < 0.7 else "attack")
        verb = "shows" if polarity == "support" else "undermines the claim"
        quote = sentence(f"{actor.name} argued that {premise_text[0].lower() + premise_text[1:]} {verb} "
                         f"that {claim.text[0].lower() + claim.text[1:]}.")
        ident = f"{doc_id}-link{quote.rsplit('-', 1)[-1]}"
        emit.link(self.out, self._node("link", ident), ident=ident, polarity=v.polarity[polarity],
                  label=emit.link_label(premise_text[:30], polarity, claim.text[:30]), debate=self.debate,
                  premise=premise, conclusion=claim.iri, by=actor.iri, basis=rng.choice(v.bases), quote=quote,
                  quoted_from=doc)

    def _evidence(self, doc: str, doc_id: str, number: int, sentence: Callable[[str], str], about: Zipf,
                  speak: Zipf) -> None:
        """An evidence item by a research organisation, with its quantity, and a link from it
        to a claim, each with its sentence added to the document."""
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
        design = rng.choice(v.designs) if key == "study" else None
        survey = key == "survey"
        population = f"adults in {rng.choice(_PLACE)}" if survey else None
        commissioned_by = rng.choice(self.orgs).iri if survey else None
        variable = claim.variable or f"var-ev-{number}"
        quantity = self._quantity(ident, variable, value, unit, rng.choice(["exactly", "about"]),
                                  f"{unit} found by {label}", quote, total if unit == "percent" else None)
        emit.evidence(self.out, self._node("evidence", ident), ident=ident, kind=kind, label=label,
                      debate=self.debate, by=producer.iri, quote=quote, quoted_from=doc, design=design,
                      sample_size=total if survey else None, population=population,
                      commissioned_by=commissioned_by, quantities=(quantity,))
        asserter = self.actors[speak.draw()]
        polarity = "support" if (asserter.camp == claim.camp) == (rng.random() < 0.8) else "attack"
        self._link(doc, doc_id, sentence, self._node("evidence", ident), claim, asserter, label, polarity)

    def _source(self, doc: str, doc_id: str, issued: date, publisher: Actor, sentences: list[str],
                quotes: list[tuple[str, int]]) -> None:
        """The document's text from its sentences, the document node, and every quote in it,
        anchored at the exact code-point offsets the sentences landed at."""
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
        # no explicit dkg:SourceDocument type: the build's superclass derivation adds it (see emit.source)
        emit.source(self.out, doc, ident=doc_id, kind=self.vocab.article, debate=self.debate, text=text,
                    file_name=f"{doc_id}.txt", title=title, publisher=publisher.iri, issued=issued,
                    base_type=False)
        for node, index in quotes:
            start, end = offsets[index]
            emit.quote(self.out, node, source=doc, start=start, end=end, exact=text[start:end],
                       prefix=text[max(0, start - CONTEXT):start], suffix=text[end:end + CONTEXT])

    # --- all ---------------------------------------------------------------------------

    def run(self) -> tuple[list[str], int]:
        """The N-Triples lines and the number of source documents."""
        title = f"Synthetic debate {self.debate_id} ({self.target:,} triples)"
        emit.debate(self.out, self.debate, ident=self.debate_id, title=title)
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

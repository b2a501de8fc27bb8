"""Compare drafts with a debate's accepted annotations: recall and precision by kind.

For every source of the debate that has an annotation file, the source text is drafted afresh
(exactly as ``kg extract`` drafts it, with the debate's actors for ids) and compared with what
the curators accepted. The matching rules:

- **Statements.** An accepted statement is recalled when a drafted statement *overlaps* its
  quote (the two offset ranges share at least one character) and names the *same speaker id*.
  A drafted statement is correct when it overlaps an accepted statement of the same speaker.
  Two figures: **direct** (accepted ``mode: direct`` statements against drafted direct ones)
  and **all** (accepted statements with a speech mode, direct or reported, against every
  drafted statement, whatever the mode). Statements in the writer's own voice (no mode) are
  not speech and are left out. Overlap rather than equal offsets, because a curator cuts a
  quotation into the statements it makes (one drafted quotation may recall two statements).
- **Quantities.** Each accepted quantity is one mention: its quote's range (a claim's quantity
  has no quote of its own, so the ranges of the statements on that claim stand for it) and its
  magnitude: the value (a percentage as a fraction), or numerator / denominator when no value
  is written. Accepted quantities with the same magnitude at overlapping ranges are one
  mention (an evidence item and a claim quoting the same figure). A mention is recalled, and a
  drafted quantity correct, when the two are paired one to one (in text order): the drafted
  range overlaps the mention's and the magnitudes agree within 0.5%. How many pairs also agree
  on the unit is reported beside.
- **Actors.** The accepted actors of a source are those its annotation file defines and those
  it names as speaker, ``for``, ``by``, ``commissioned_by``, ``site`` or publisher. An
  accepted actor is recalled when a drafted actor has its id; a drafted actor is correct when
  its id is one of them. (A drafted actor gets an existing id only when its name, as found in
  the text, matches that actor's name: see :func:`kg.ingest.extract.actors.match_known`.)

Figures are summed over the debate's sources (micro-averages), and given per source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ingest.anchor import AnchorError, anchor
from kg.ingest.annotations import Node
from kg.ingest.annotations import load as load_annotations
from kg.ingest.extract.draft import draft, issued, known_actors, read_text
from kg.model.errors import KgError
from kg.model.paths import DEBATE_FILE

ACTOR_KEYS = ("speaker", "for", "by", "commissioned_by", "site")
TOLERANCE = 0.005


@dataclass
class Score:
    """Counts behind one recall/precision pair."""

    gold: int = 0
    drafted: int = 0
    recalled: int = 0  # accepted items a draft matches
    correct: int = 0  # drafted items that match an accepted one
    same_unit: int | None = None  # quantities only: pairs that also agree on the unit

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.drafted if self.drafted else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.drafted += other.drafted
        self.recalled += other.recalled
        self.correct += other.correct
        if other.same_unit is not None:
            self.same_unit = (self.same_unit or 0) + other.same_unit

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"gold": self.gold, "drafted": self.drafted, "recalled": self.recalled,
                                  "correct": self.correct, "recall": round(self.recall, 4),
                                  "precision": round(self.precision, 4)}
        if self.same_unit is not None:
            result["same_unit"] = self.same_unit
        return result


KINDS = ("direct statements", "all statements", "quantities", "actors")


@dataclass
class Evaluation:
    """Scores per kind for a debate, and per source file."""

    debate: str
    sources: dict[str, dict[str, Score]] = field(default_factory=dict)
    dropped: int = 0

    @property
    def total(self) -> dict[str, Score]:
        total = {kind: Score() for kind in KINDS}
        for scores in self.sources.values():
            for kind, score in scores.items():
                total[kind].add(score)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"debate": self.debate, "dropped": self.dropped,
                "total": {k: s.as_dict() for k, s in self.total.items()},
                "sources": {name: {k: s.as_dict() for k, s in scores.items()}
                            for name, scores in self.sources.items()}}


@dataclass(frozen=True)
class GoldQuantity:
    """One accepted quantity mention: the ranges that stand for it and its magnitude."""

    spans: tuple[tuple[int, int], ...]
    magnitude: float
    unit: str


def debate_folder(spec: str, data_dir: Path) -> Path:
    """The debate folder ``spec`` names: a folder holding ``debate.yaml``, or a debate id
    (a folder name under ``data_dir``)."""
    for folder in (Path(spec), data_dir / spec):
        if (folder / DEBATE_FILE).is_file():
            return folder
    raise KgError(f"no debate folder {spec!r} (a folder with {DEBATE_FILE}, or an id under {data_dir}/)")


def evaluate(folder: Path) -> Evaluation:
    """Draft every annotated source of the debate at ``folder`` and score the drafts."""
    known = known_actors(folder)
    actor_ids = {k.id for k in known}
    debate = load_annotations(folder / DEBATE_FILE)
    meta = debate.get("debate")
    result = Evaluation(str(meta.text("id")) if isinstance(meta, Node) else folder.name)
    claims_by_id = {n.text("id"): n for path in sorted(folder.glob("*.yaml"))
                    for n in load_annotations(path).nodes("claims")}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == DEBATE_FILE:
            continue
        doc = load_annotations(path)
        source = doc.get("source")
        if not isinstance(source, Node) or not source.text("file"):
            continue
        text_path = folder / str(source.text("file"))
        text = read_text(text_path)
        drafted = draft(text, text_path.name, known, issued(path))
        result.dropped += drafted["dropped"]
        result.sources[text_path.name] = {
            "direct statements": _statements(text, doc, drafted, direct_only=True),
            "all statements": _statements(text, doc, drafted, direct_only=False),
            "quantities": _quantities(text, doc, drafted, claims_by_id),
            "actors": _actors(doc, drafted, actor_ids),
        }
    if not result.sources:
        raise KgError("no source with an annotation file to compare drafts with", folder)
    return result


def _span(text: str, node: Node, key: str = "quote") -> tuple[int, int]:
    quote = node.get(key)
    exact, occurrence = ((quote.get("exact"), quote.get("occurrence")) if isinstance(quote, dict)
                         else (quote, None))
    try:
        found = anchor(text, str(exact), occurrence)
    except AnchorError as exc:
        raise node.error(str(exc), key) from exc
    return found.start, found.end


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _statements(text: str, doc: Node, drafted: dict[str, Any], direct_only: bool) -> Score:
    gold = [(_span(text, n), n.text("speaker")) for n in doc.nodes("statements")
            if n.text("mode") in (("direct",) if direct_only else ("direct", "reported"))]
    drafts = [((d["start"], d["end"]), d["actor"]) for d in drafted["statements"]
              if not direct_only or d["mode"] == "direct"]
    return Score(
        gold=len(gold), drafted=len(drafts),
        recalled=sum(any(_overlaps(g, d) and gs == ds for d, ds in drafts) for g, gs in gold),
        correct=sum(any(_overlaps(g, d) and gs == ds for g, gs in gold) for d, ds in drafts),
    )


def magnitude(value: Any, unit: str | None, numerator: Any, denominator: Any) -> float | None:
    """A quantity as one comparable number: its value (a percentage as a fraction), or its
    numerator over its denominator when no value is written."""
    if value is None:
        if numerator is not None and denominator:
            return float(numerator) / float(denominator)
        return None
    return float(value) / 100 if unit in ("percent", "percentage-points") else float(value)


def _gold_quantities(text: str, doc: Node, claims_by_id: dict[str | None, Node]) -> list[GoldQuantity]:
    found: list[GoldQuantity] = []

    def add(node: Node, spans: list[tuple[int, int]]) -> None:
        size = magnitude(node.get("value"), node.text("unit"), node.get("numerator"), node.get("denominator"))
        if size is None or not spans:
            return
        for i, other in enumerate(found):
            if _close(other.magnitude, size) and any(_overlaps(a, b) for a in spans for b in other.spans):
                found[i] = GoldQuantity(tuple(sorted({*other.spans, *spans})), other.magnitude, other.unit)
                return
        found.append(GoldQuantity(tuple(spans), size, node.text("unit") or ""))

    for key in ("evidence", "reports"):
        for item in doc.nodes(key):
            for q in item.nodes("quantities"):
                if q.get("quote"):
                    add(q, [_span(text, q)])
    on_claim: dict[str, list[tuple[int, int]]] = {}
    for statement in doc.nodes("statements"):
        on_claim.setdefault(str(statement.text("claim")), []).append(_span(text, statement))
    for claim_id, spans in on_claim.items():
        claim = claims_by_id.get(claim_id)
        quantity = claim.get("quantity") if claim is not None else None
        if isinstance(quantity, Node):
            add(quantity, spans)
    return found


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 + TOLERANCE * max(abs(a), abs(b))


def _quantities(text: str, doc: Node, drafted: dict[str, Any], claims_by_id: dict[str | None, Node]) -> Score:
    gold = _gold_quantities(text, doc, claims_by_id)
    drafts = drafted["quantities"]
    paired_gold: set[int] = set()
    correct = same_unit = 0
    for d in drafts:
        size = magnitude(d["value"], d["unit"], d["numerator"], d["denominator"])
        if size is None:
            continue
        for i, g in enumerate(gold):
            if i in paired_gold or not _close(g.magnitude, size):
                continue
            if any(_overlaps((d["start"], d["end"]), span) for span in g.spans):
                paired_gold.add(i)
                correct += 1
                same_unit += g.unit == d["unit"]
                break
    return Score(gold=len(gold), drafted=len(drafts), recalled=len(paired_gold), correct=correct,
                 same_unit=same_unit)


def _actors(doc: Node, drafted: dict[str, Any], actor_ids: set[str]) -> Score:
    gold = {str(n.text("id")) for n in doc.nodes("actors")}
    for key in ("statements", "evidence", "reports", "links"):
        for node in doc.nodes(key):
            gold.update(str(node.text(k)) for k in ACTOR_KEYS if node.text(k) in actor_ids)
    source = doc.get("source")
    if isinstance(source, Node) and source.text("publisher") in actor_ids:
        gold.add(str(source.text("publisher")))
    drafts = [a["id"] for a in drafted["actors"]]
    return Score(gold=len(gold), drafted=len(drafts), recalled=len(gold & set(drafts)),
                 correct=sum(d in gold for d in drafts))

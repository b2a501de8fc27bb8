"""Import AIF maps (Argument Interchange Format JSON, as AIFdb and OVA write it) as a debate folder.

A map has ``nodes`` (``nodeID``, ``text``, ``type``), ``edges`` (``fromID``, ``toID``),
``locutions`` (an L node's ``nodeID`` and its speaker's ``personID``), ``participants``
(``participantID``, ``firstname``, ``surname``) and the analysed ``text``; OVA 3 wraps the first
four in ``"AIF"`` and may give the text as HTML. What becomes what:

* participants -> actors (kind person);
* I nodes -> claims (the node's text is the claim's text; its first 80 characters the label;
  the evidence items of a map kg exported come back as factual claims: AIF has no evidence);
* an L node with a locution and a YA edge to an I node -> a statement by the locution's speaker
  on that claim: stance disagree when the illocution is "Disagreeing" or "Challenging", else
  agree. Its words are the L node's text without the "Speaker : " prefix; they are *anchored*
  when they occur in the map's text (the quote), and otherwise not written: the claim stays,
  without a quote, and the import reports how many;
* RA and CA nodes -> support and attack links from each premise I node to the conclusion; the
  link's words and asserter are those of an L node "Arguing" it (YA to the RA/CA node), else those
  of a statement on the premise; a link with no anchored words is reported and left out.

A statement needs an organisation spoken for, which AIF does not record: a person's statements
speak for one placeholder organisation, "Unaffiliated" (id ``unaffiliated``).
Maps written by ``kg export -f aif`` carry the graph's ids, kinds, stances, sources and offsets in
``"kg"`` extension fields (see :mod:`kg.render.exchange.aif`); they are used when present, so a
round trip keeps claims, evidence, links, speakers and every quote's offsets.

Bad input (not JSON, a node without ``nodeID``, an edge to an unknown node) is a one-line
:class:`KgError` naming the file and the place (``nodes[3]``, ``edges[12]``).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ingest.anchor import occurrences
from kg.ingest.folder import ID, Ids, check_debate_id, quote_at, slug, write_folder, yaml_bytes
from kg.model.errors import KgError

DISAGREEING = {"disagreeing", "challenging", "disputing"}
STANCES = {"agree", "disagree", "hedged", "declined"}
_TAG = re.compile(r"<[^>]*>")
LABEL_LENGTH = 80
UNAFFILIATED = {"id": "unaffiliated", "name": "Unaffiliated (no organisation in the AIF map)",
                "kind": "organisation",
                "note": "Placeholder: AIF names speakers, not organisations; a statement needs one."}
SEPARATOR = "\n\n"  # between two sources' texts in a map's text, as kg export -f aif writes them


@dataclass(frozen=True)
class Source:
    """A text of the map: its own words, and where the graph's extension placed it."""

    id: str
    text: str
    meta: dict[str, Any]


@dataclass
class AifMap:
    """One AIF map, checked: nodes by id, edges both ways, speakers of locutions."""

    path: Path
    nodes: dict[str, dict[str, Any]]
    out: dict[str, list[str]]
    into: dict[str, list[str]]
    speaker: dict[str, str]  # L node -> participant id
    participants: dict[str, dict[str, Any]]
    sources: list[Source]
    kg: dict[str, Any]


@dataclass
class AifReport:
    """What ``kg import aif`` wrote and what it could not place."""

    folder: Path
    debate_id: str
    maps: int
    sources: int
    actors: int
    claims: int
    evidence: int  # of the claims, how many were evidence items in an exported graph
    statements: int
    links: int
    unanchored: int
    skipped: dict[str, int] = field(default_factory=dict)


# --- reading -------------------------------------------------------------------------------


def _text(value: object, markup: bool) -> str:
    """The map's text: a string or ``{"txt": ...}``; OVA 3's (``markup``) is HTML: tags removed."""
    if isinstance(value, dict):
        value = value.get("txt", "")
    if not isinstance(value, str):
        return ""
    if markup:
        value = html.unescape(_TAG.sub("", value.replace("<br>", "\n").replace("<br/>", "\n")))
    return value


def _ident(value: object, where: str, path: Path) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise KgError(f"{where}: the id must be a string or a number, not {value!r}", path)
    return str(value)


def _list(data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise KgError(f"'{key}' must be a list of objects", path)
    return items


def read_map(path: Path) -> AifMap:
    """Read and check one AIF JSON file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror or exc}", path) from exc
    except UnicodeDecodeError as exc:
        raise KgError(f"not UTF-8 text (byte {exc.start})", path) from exc
    except json.JSONDecodeError as exc:
        raise KgError(f"not JSON: {exc.msg} at column {exc.colno}", path, exc.lineno) from exc
    if not isinstance(data, dict):
        raise KgError("not an AIF map: the top level must be a JSON object", path)
    body = data.get("AIF", data)
    if not isinstance(body, dict) or not isinstance(body.get("nodes"), list):
        raise KgError("not an AIF map: no 'nodes' list (nor 'AIF.nodes')", path)
    nodes: dict[str, dict[str, Any]] = {}
    for i, node in enumerate(_list(body, "nodes", path)):
        ident = _ident(node.get("nodeID"), f"nodes[{i}] 'nodeID'", path)
        if ident in nodes:
            raise KgError(f"nodes[{i}]: node id {ident!r} is used twice", path)
        if not isinstance(node.get("type"), str):
            raise KgError(f"nodes[{i}] (node {ident}): no 'type' (I, L, RA, CA, YA, TA, ...)", path)
        nodes[ident] = node
    out: dict[str, list[str]] = {}
    into: dict[str, list[str]] = {}
    for i, edge in enumerate(_list(body, "edges", path)):
        ends = [_ident(edge.get(k), f"edges[{i}] '{k}'", path) for k in ("fromID", "toID")]
        for key, end in zip(("fromID", "toID"), ends, strict=True):
            if end not in nodes:
                raise KgError(f"edges[{i}]: {key} {end!r} is not the id of any node", path)
        out.setdefault(ends[0], []).append(ends[1])
        into.setdefault(ends[1], []).append(ends[0])
    participants = {_ident(p.get("participantID"), f"participants[{i}] 'participantID'", path): p
                    for i, p in enumerate(_list(body, "participants", path))}
    speaker: dict[str, str] = {}
    for i, loc in enumerate(_list(body, "locutions", path)):
        lnode = _ident(loc.get("nodeID"), f"locutions[{i}] 'nodeID'", path)
        person = _ident(loc.get("personID"), f"locutions[{i}] 'personID'", path)
        if lnode not in nodes:
            raise KgError(f"locutions[{i}]: nodeID {lnode!r} is not the id of any node", path)
        if person not in participants:
            raise KgError(f"locutions[{i}]: personID {person!r} is not a participant", path)
        speaker[lnode] = person
    found = data.get("kg")
    kg: dict[str, Any] = found if isinstance(found, dict) else {}
    return AifMap(path, nodes, out, into, speaker, participants, _sources(data, kg, path), kg)


def _sources(data: dict[str, Any], kg: dict[str, Any], path: Path) -> list[Source]:
    """The map's texts: one per source the extension names, else the whole text as one source."""
    text = _text(data.get("text"), markup="AIF" in data)
    listed = kg.get("sources") if isinstance(kg.get("sources"), list) else []
    if not listed:
        return [Source(slug(path.stem) or "aif-text", text, {"title": path.stem})]
    sources = []
    for i, meta in enumerate(listed):
        start = meta.get("offset") if isinstance(meta, dict) else None
        if not isinstance(start, int) or not 0 <= start <= len(text):
            raise KgError(f"kg.sources[{i}]: 'offset' must be a position in 'text'", path)
        following = listed[i + 1].get("offset") if i + 1 < len(listed) else None
        end = following - len(SEPARATOR) if isinstance(following, int) else len(text)
        sources.append(Source(_ident(meta.get("id"), f"kg.sources[{i}] 'id'", path), text[start:end], meta))
    return sources


# --- writing -------------------------------------------------------------------------------


class _Debate:
    """What the maps become: actors, claims, evidence; statements and links by source."""

    def __init__(self) -> None:
        self.ids = Ids()
        self.actors: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.evidence_claims = 0  # evidence items of an exported graph, imported as claims
        self.sources: dict[str, tuple[Source, dict[str, Any]]] = {}
        self.statements: dict[str, list[dict[str, Any]]] = {}
        self.links: dict[str, list[dict[str, Any]]] = {}
        self.skipped: Counter[str] = Counter()
        self.unanchored = 0

    def own(self, kg: object, kind: str, name: str) -> str:
        """The graph's id from an extension field, else a new id from ``name``."""
        ident = kg.get("id") if isinstance(kg, dict) else None
        if isinstance(ident, str) and ID.match(ident):
            self.ids.taken.add(ident)
            return ident
        return self.ids.get(kind, name)


def _kg(node: dict[str, Any]) -> dict[str, Any]:
    found = node.get("kg")
    return found if isinstance(found, dict) else {}


def _actor(debate: _Debate, person: dict[str, Any]) -> str:
    kg = _kg(person)
    name = str(kg.get("name") or " ".join(str(person.get(k) or "") for k in ("firstname", "surname")).strip()
               or f"participant {person.get('participantID')}")
    ident = debate.own(kg, "p", name)
    debate.actors.setdefault(ident, {"id": ident, "name": name, "kind": kg.get("kind") or "person"})
    return ident


def _anchor(aif: AifMap, words: str, kg: dict[str, Any], used: Counter[tuple[str, str]]
            ) -> tuple[Source, object] | None:
    """Where ``words`` are: the extension's source and offsets; else, in the first text holding
    them, the next occurrence not yet taken (the same words said twice are two occurrences)."""
    start = kg.get("start")
    for source in aif.sources:
        if words and kg.get("source") == source.id and isinstance(start, int) \
                and source.text.startswith(words, start):
            return source, quote_at(source.text, start, start + len(words))
    for source in aif.sources:
        found = occurrences(source.text, words) if words else []
        if found:
            at = found[min(used[(source.id, words)], len(found) - 1)]
            used[(source.id, words)] += 1
            return source, quote_at(source.text, at, at + len(words))
    return None


def _words(aif: AifMap, lnode: str) -> str:
    """An L node's words without the "Speaker : " prefix OVA and AIFdb put before them."""
    text = str(aif.nodes[lnode].get("text") or "")
    person = aif.participants.get(aif.speaker.get(lnode, ""), {})
    names = {str(_kg(person).get("name") or ""),
             " ".join(str(person.get(k) or "") for k in ("firstname", "surname")).strip()} - {""}
    for name in sorted(names, key=len, reverse=True):
        for sep in (" : ", ": "):
            if text.startswith(name + sep):
                return text[len(name + sep):]
    return text


def _add_map(debate: _Debate, aif: AifMap) -> None:
    for source in aif.sources:
        debate.sources.setdefault(source.id, (source, source.meta))
    people = {pid: _actor(debate, p) for pid, p in aif.participants.items()}
    inodes: dict[str, str] = {}
    for node_id, node in aif.nodes.items():
        if node["type"] != "I":
            continue
        kg, text = _kg(node), str(node.get("text") or "").strip()
        label = str(kg.get("label") or (text[:LABEL_LENGTH - 1] + "…" if len(text) > LABEL_LENGTH else text))
        if not text:
            debate.skipped["I node without text"] += 1
            continue
        ident = debate.own(kg, "c", label)
        inodes[node_id] = ident
        entry = {"id": ident, "kind": kg.get("kind") or "claim", "label": label, "text": text}
        if kg.get("role") == "evidence":  # AIF has no evidence: a claim, saying what it was
            entry.update(kind="factual", note=f"An evidence item ({kg.get('kind') or 'unknown kind'}) "
                                              f"in the graph the AIF map was exported from.")
            debate.evidence_claims += 1
        elif entry["kind"] == "quantitative":  # its quantity is not in AIF, and the build requires one
            entry["kind"] = "claim"
        debate.claims.setdefault(ident, entry)
    said: dict[str, tuple[str, str, object]] = {}  # I node -> (source, speaker, quote) of a statement
    arguing: dict[str, tuple[str, str, object]] = {}  # RA/CA node -> (source, speaker, quote)
    used: Counter[tuple[str, str]] = Counter()
    for lnode in sorted(aif.speaker, key=lambda n: list(aif.nodes).index(n)):
        if aif.nodes[lnode]["type"] != "L":
            continue
        speaker = people[aif.speaker[lnode]]
        kg = _kg(aif.nodes[lnode])
        placed = _anchor(aif, _words(aif, lnode), kg, used)
        for ya in aif.out.get(lnode, []):
            if aif.nodes[ya]["type"] != "YA":
                continue
            for target in aif.out.get(ya, []):
                kind = aif.nodes[target]["type"]
                if placed is None:
                    if kind == "I":
                        debate.unanchored += 1
                    continue
                source, quote = placed
                if kind in ("RA", "CA"):
                    arguing.setdefault(target, (source.id, speaker, quote))
                elif kind == "I" and target in inodes and inodes[target] in debate.claims:
                    said.setdefault(target, (source.id, speaker, quote))
                    debate.statements.setdefault(source.id, []).append(
                        _statement(debate, inodes[target], speaker, quote, aif.nodes[ya], kg))
    for node_id, node in aif.nodes.items():
        if node["type"] in ("RA", "CA"):
            _links(debate, aif, node_id, node, inodes, said, arguing)


def _statement(debate: _Debate, claim: str, speaker: str, quote: object, ya: dict[str, Any],
               kg: dict[str, Any]) -> dict[str, Any]:
    stance = _kg(ya).get("stance")
    if stance not in STANCES:
        stance = "disagree" if str(ya.get("text") or "").strip().lower() in DISAGREEING else "agree"
    entry: dict[str, Any] = {}
    if isinstance(kg.get("statement"), str) and ID.match(kg["statement"]):
        entry["id"] = kg["statement"]
    # whom the speaker speaks for: the extension's organisation; an organisation itself; else AIF
    # has none, and the graph needs one: the placeholder UNAFFILIATED
    org = kg.get("for") if kg.get("for") in debate.actors else None
    if org is None:
        org = speaker if debate.actors[speaker]["kind"] != "person" else UNAFFILIATED["id"]
        debate.actors.setdefault(org, dict(UNAFFILIATED))
    entry.update(speaker=speaker, claim=claim, stance=stance, **{"for": org})
    if kg.get("mode") in ("direct", "reported"):
        entry["mode"] = kg["mode"]
    entry["quote"] = quote
    return entry


def _links(debate: _Debate, aif: AifMap, node_id: str, node: dict[str, Any], inodes: dict[str, str],
           said: dict[str, tuple[str, str, object]], arguing: dict[str, tuple[str, str, object]]) -> None:
    conclusions = [t for t in aif.out.get(node_id, []) if t in inodes and inodes[t] in debate.claims]
    premises = [p for p in aif.into.get(node_id, []) if p in inodes]
    if len(conclusions) != 1 or not premises:
        debate.skipped[f"{node['type']} node without one claim as conclusion and a premise"] += 1
        return
    kg = _kg(node)
    for premise in premises:
        words = arguing.get(node_id) or said.get(premise)
        if words is None:
            debate.skipped[f"{node['type']} node with no anchored words to quote"] += 1
            continue
        source, speaker, quote = words
        link: dict[str, Any] = {}
        if len(premises) == 1 and isinstance(kg.get("id"), str) and ID.match(kg["id"]):
            link["id"] = kg["id"]
        link.update(premise=inodes[premise], conclusion=inodes[conclusions[0]],
                    polarity="attack" if node["type"] == "CA" else "support",
                    by=kg["by"] if kg.get("by") in debate.actors else speaker,
                    basis=kg.get("basis") if kg.get("basis") in ("stated", "implied") else
                    ("stated" if node_id in arguing else "implied"),
                    quote=quote)
        debate.links.setdefault(source, []).append(link)


def debate_files(debate: _Debate, debate_id: str, title: str) -> dict[str, bytes]:
    """``debate.yaml`` and a text and a YAML file per source."""
    files = {"debate.yaml": yaml_bytes({
        "debate": {"id": debate_id, "title": title,
                   "description": "Imported from Argument Interchange Format (AIF) maps by 'kg import aif'."},
        "actors": sorted(debate.actors.values(), key=lambda a: a["id"]),
        "claims": sorted(debate.claims.values(), key=lambda c: c["id"]),
    }, "Debate imported from AIF: participants as actors, I nodes as claims.")}
    for number, (ident, (source, meta)) in enumerate(sorted(debate.sources.items()), 1):
        stem = f"source-{number}"
        head: dict[str, Any] = {"id": ident, "file": f"{stem}.txt", "title": str(meta.get("title") or ident),
                                "type": meta.get("kind") or "document", "publisher": "unknown",
                                "issued": str(meta.get("issued") or "unknown")}
        if meta.get("url"):
            head["url"] = meta["url"]
        entry: dict[str, Any] = {"source": head}
        entry["statements"] = debate.statements.get(ident, [])
        entry["links"] = debate.links.get(ident, [])
        files[f"{stem}.txt"] = source.text.encode("utf-8")
        files[f"{stem}.yaml"] = yaml_bytes(entry, f"AIF text {ident}: statements and links quoting it.")
    return files


def import_aif(path: Path, folder: Path | None = None, debate_id: str | None = None,
               title: str | None = None, force: bool = False) -> AifReport:
    """Read an AIF map, or every ``*.json`` map in a folder, and write one debate folder."""
    if path.is_dir():
        paths = sorted(path.glob("*.json"))
        if not paths:
            raise KgError("no AIF maps (*.json) in the folder", path)
    elif path.is_file():
        paths = [path]
    else:
        raise KgError("file not found", path)
    maps = [read_map(p) for p in paths]
    meta = maps[0].kg.get("debate") if len(maps) == 1 else None
    own: dict[str, Any] = meta if isinstance(meta, dict) else {}
    debate_id = check_debate_id(debate_id or slug(path.stem) or "aif-import")
    folder = folder or Path("data") / debate_id
    debate = _Debate()
    for aif in maps:
        _add_map(debate, aif)
    if not debate.sources or not any(s.text for s, _ in debate.sources.values()):
        raise KgError("the AIF map has no text to quote ('text' is missing or empty)", paths[0])
    files = debate_files(debate, debate_id, title or str(own.get("title") or f"Imported from {path.name}"))
    write_folder(files, folder, force)
    return AifReport(folder, debate_id, len(maps), len(debate.sources), len(debate.actors),
                     len(debate.claims), debate.evidence_claims, sum(map(len, debate.statements.values())),
                     sum(map(len, debate.links.values())), debate.unanchored, dict(debate.skipped))

"""Edit annotation files in place, round-trip: what is not edited stays as the curator wrote it.

The browser coder (``kg annotate``) adds, changes and deletes entries of a debate's YAML files.
The files stay the one human-readable record, so an edit must change only the entry it is about:
comments, key order, quoting and folded text of every other entry are kept (ruamel.yaml's
round-trip mode, set to the indentation the file already uses). A :class:`Transaction` writes
every file it changed atomically, then validates the whole debate with a function the caller
gives (the build's own compile and SHACL checks live in a higher layer); if that fails, every file
is put back as it was and the error is raised.

Entries are addressed by section and position (``statements``, 3): statements have no ids.
Quotes are written as exact words, with ``occurrence`` only where the words occur more than once,
so a file edited here reads like one written by hand.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from kg.ingest.anchor import AnchorError, anchor, occurrences
from kg.ingest.annotations import MAX_BYTES
from kg.ingest.annotations import load as load_annotations
from kg.ingest.compile import DEBATE_FILE
from kg.model.errors import KgError
from kg.model.files import write_atomic

SECTIONS = ("actors", "claims", "statements", "evidence", "reports", "links")
# Where a section goes when a file does not have it yet: after the ones before it in this order.
ORDER = ("debate", "source", *SECTIONS)
QUOTED_SECTIONS = ("statements", "evidence", "reports", "links")

# Keys that hold an actor id or a claim id, by section (what a merge rewrites).
ACTOR_REFS = {
    "actors": ("part_of",), "statements": ("speaker", "for"),
    "evidence": ("by", "commissioned_by", "site"), "reports": ("by",), "links": ("by",),
}
CLAIM_REFS = {"statements": ("claim",), "links": ("premise", "conclusion")}
INFERRED_ACTOR = ("by", "commissioned_by", "site")  # inference properties whose value is an actor id

Validator = Callable[[Path], None]
Files = list[tuple[str, Mapping[str, Any]]]  # (file name, its top-level mapping)
_SLUG = re.compile(r"[^a-z0-9]+")


def plain(value: Any) -> Any:
    """A YAML value as plain JSON-ready Python (mappings, lists, text, numbers, ISO dates)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Indentation layouts tried in turn (mapping indent, sequence indent, dash offset): the first that
# writes the file back unchanged is kept, so edits follow the file's own layout.
LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 2), (4, 4, 0), (3, 3, 0))


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long quote
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _load_faithfully(text: str, path: Path) -> tuple[YAML, CommentedMap]:
    """The file parsed for round-trip editing, with the layout (of :data:`LAYOUTS`) that writes it
    back as it is, or failing that the one that keeps the most of its lines."""
    best: tuple[int, YAML, CommentedMap] | None = None
    for layout in LAYOUTS:
        yaml = _yaml(*layout)
        try:
            data = yaml.load(text) if text.strip() else CommentedMap()
        except YAMLError as exc:
            raise KgError(f"malformed YAML: {' '.join(str(exc).split())[:200]}", path) from exc
        if data is None:
            data = CommentedMap()
        if not isinstance(data, CommentedMap):
            raise KgError("an annotation file must be a mapping at the top level", path, 1)
        written = _dump(yaml, data)
        if written == text or not text.strip():
            return yaml, data
        same = difflib.SequenceMatcher(None, written.splitlines(), text.splitlines(), autojunk=False)
        changed = -sum(block.size for block in same.get_matching_blocks())  # fewer lines in common: worse
        if best is None or changed < best[0]:
            best = (changed, yaml, data)
    assert best is not None
    return best[1], best[2]


class Document:
    """One annotation file loaded for round-trip editing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise KgError(f"cannot read: {exc.strerror or exc}", path) from exc
        if len(raw) > MAX_BYTES:
            raise KgError(f"too large for an annotation file ({len(raw):,} bytes)", path)
        self.original = raw
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KgError(f"not UTF-8: {exc}", path) from exc
        self.yaml, self.data = _load_faithfully(text, path)
        self.text = text  # the file as it is on disk
        self.base = _dump(self.yaml, self.data)  # ruamel's rendering of it
        self.faithful = self.base == text  # False: a layout ruamel cannot write (e.g. wrapped lines)

    # -- reading --------------------------------------------------------------------------

    def entries(self, section: str) -> list[Any]:
        """The entries of ``section`` (an absent section is an empty list)."""
        items = self.data.get(section)
        return items if isinstance(items, list) else []

    def entry(self, section: str, index: int) -> CommentedMap:
        """Entry ``index`` of ``section``, or an error saying what there is."""
        if section not in SECTIONS:
            raise KgError(f"unknown section {section!r} (one of: {', '.join(SECTIONS)})", self.path)
        items = self.entries(section)
        if not 0 <= index < len(items) or not isinstance(items[index], CommentedMap):
            raise KgError(f"no entry {index} in '{section}' ({len(items)} there)", self.path)
        return items[index]

    def line_of(self, section: str, index: int) -> int:
        """The 1-based line where entry ``index`` of ``section`` starts."""
        return int(self.entry(section, index).lc.line) + 1

    def dump(self) -> str:
        """The file's text as it would be written now. Where ruamel cannot write the file's own
        layout back (lines another tool wrapped, say), only the lines the edit changed are
        spliced into the file as it is (:func:`splice`); failing that, the whole file is written
        in ruamel's layout."""
        rendered = _dump(self.yaml, self.data)
        if self.faithful:
            return rendered
        spliced = splice(self.text, self.base, rendered)
        return spliced if spliced is not None else rendered

    def saved(self) -> None:
        """Take what :meth:`dump` gives as the file's text from now on (it has been written)."""
        self.text = self.dump()
        self.original = self.text.encode("utf-8")
        self.base = _dump(self.yaml, self.data)
        self.faithful = self.base == self.text

    # -- editing --------------------------------------------------------------------------

    def _section(self, section: str) -> CommentedSeq:
        """The list under ``section``, created in its place (:data:`ORDER`) when missing."""
        items = self.data.get(section)
        if isinstance(items, CommentedSeq):
            return items
        if items is not None:
            raise KgError(f"'{section}' must be a list", self.path)
        seq = CommentedSeq()
        keys = list(self.data.keys())
        rank = ORDER.index(section)
        position = sum(1 for k in keys if k in ORDER and ORDER.index(k) < rank)
        # keys this module does not know keep their place ahead of the new section
        position = max(position, next((i for i, k in enumerate(keys) if k in ORDER
                                       and ORDER.index(k) > rank), len(keys)))
        self.data.insert(position, section, seq)
        return seq

    def add(self, section: str, entry: Mapping[str, Any]) -> int:
        """Append ``entry`` to ``section``; returns its index. The blank lines or comment that
        followed the old last entry now follow the new one, so the entry is inserted, not glued
        onto what came after the list."""
        if section not in SECTIONS:
            raise KgError(f"unknown section {section!r}", self.path)
        seq = self._section(section)
        new = to_yaml(entry)
        if seq:
            _move_trailing(seq[-1], new)
        seq.append(new)
        return len(seq) - 1

    def update(self, section: str, index: int, fields: Mapping[str, Any]) -> None:
        """Set each of ``fields`` on entry ``index`` (None or "" removes the key); other keys,
        and the comments around them, stay."""
        merge_into(self.entry(section, index), fields)

    def delete(self, section: str, index: int) -> None:
        """Remove entry ``index`` of ``section``; the blank line or comment after it stays."""
        seq = self._section(section)
        self.entry(section, index)
        if index == len(seq) - 1 and index > 0:
            _move_trailing(seq[index], seq[index - 1])
        del seq[index]


def splice(original: str, base: str, new: str) -> str | None:
    """The change from ``base`` to ``new`` applied to ``original``, where ``base`` is another
    rendering of ``original`` (same data, partly different lines): each changed run of lines must
    sit, in ``base``, on lines that ``original`` has too (in the same order), else None."""
    o_lines, b_lines = original.splitlines(keepends=True), base.splitlines(keepends=True)
    n_lines = new.splitlines(keepends=True)
    where: dict[int, int] = {}  # base line -> the same line in the original
    for block in difflib.SequenceMatcher(None, b_lines, o_lines, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            where[block.a + k] = block.b + k
    out: list[str] = []
    taken = 0  # original lines already copied or replaced
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b_lines, n_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:  # replaced or deleted lines: all must be the original's, one after another
            if any(i not in where for i in range(i1, i2)) or \
                    any(where[i] + 1 != where[i + 1] for i in range(i1, i2 - 1)):
                return None
            start, end = where[i1], where[i2 - 1] + 1
        elif i1 - 1 in where:  # inserted after a line the original has
            start = end = where[i1 - 1] + 1
        elif i1 in where:  # or before one
            start = end = where[i1]
        elif i1 == 0 or i1 == len(b_lines):  # at the very start or end
            start = end = 0 if i1 == 0 else len(o_lines)
        else:
            return None
        if start < taken:
            return None
        kept = o_lines[taken:start]
        if kept and not kept[-1].endswith("\n") and j1 < j2:  # a last line without its newline
            kept[-1] += "\n"
        out += kept + n_lines[j1:j2]
        taken = end
    return "".join(out + o_lines[taken:])


def _last_holder(node: Any) -> tuple[Any, Any] | None:
    """The innermost (container, key) whose comment slot holds what is printed after ``node``
    (never inside a flow collection such as ``{exact: ..., occurrence: 2}``: it ends on its line)."""
    if isinstance(node, CommentedMap | CommentedSeq) and node.fa.flow_style():
        return None
    if isinstance(node, CommentedMap) and node:
        key = list(node.keys())[-1]
        deeper = _last_holder(node[key])
        return deeper if deeper is not None else (node, key)
    if isinstance(node, CommentedSeq) and node:
        deeper = _last_holder(node[-1])
        return deeper if deeper is not None else (node, len(node) - 1)
    return None


def _move_trailing(old: Any, new: Any) -> None:
    """Move the comment printed after ``old`` (blank lines, a comment) to after ``new``."""
    source, target = _last_holder(old), _last_holder(new)
    if source is None or target is None:
        return
    container, key = source
    slot = container.ca.items.get(key)
    if not slot:
        return
    position = 2 if isinstance(container, CommentedMap) else 0
    token = slot[position] if len(slot) > position else None
    if token is None:
        return
    slot[position] = None
    holder, hkey = target
    hposition = 2 if isinstance(holder, CommentedMap) else 0
    hslot = holder.ca.items.setdefault(hkey, [None, None, None, None])
    hslot[hposition] = token


def to_yaml(value: Any) -> Any:
    """Plain Python as ruamel's round-trip types; a quote mapping ({exact, occurrence}) in flow style."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            if v is not None and v != "":
                out[k] = to_yaml(v)
        if set(out) <= {"exact", "occurrence"} and "exact" in out:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(to_yaml(v) for v in value)
        return seq
    return value


def merge_into(target: CommentedMap, fields: Mapping[str, Any]) -> None:
    """Update ``target`` in place to carry ``fields``: a value of None, "" or [] removes its key,
    keys not in ``fields`` stay (a form sets only what it shows); mappings are merged
    recursively, lists of mappings item by item (extra old items dropped), and a value is set
    only where it changed, so an unchanged folded text keeps its form."""
    for key, value in fields.items():
        if value is None or value == "" or value == []:
            target.pop(key, None)
            continue
        old = target.get(key)
        if isinstance(value, Mapping) and isinstance(old, CommentedMap) and \
                not (set(value) <= {"exact", "occurrence"}):
            merge_into(old, value)
        elif isinstance(value, list) and isinstance(old, CommentedSeq) and \
                all(isinstance(v, Mapping) for v in value):
            for i, item in enumerate(value):
                if i < len(old) and isinstance(old[i], CommentedMap):
                    merge_into(old[i], item)
                else:
                    old.append(to_yaml(item))
            del old[len(value):]
        elif plain(old) != plain(value):
            target[key] = to_yaml(value)


# --- quotes ---------------------------------------------------------------------------------------


def quote_value(text: str, start: int, end: int) -> str | dict[str, Any]:
    """The ``quote:`` value for ``text[start:end]`` (code points, end exclusive), trimmed of the
    spaces around it: the exact words, or ``{exact, occurrence}`` when they occur more than once."""
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
        raise KgError(f"offsets {start}-{end} are outside the text (0-{len(text)})")
    words = text[start:end]
    lead = len(words) - len(words.lstrip())
    exact = words.strip()
    if not exact:
        raise KgError("the selection holds no words")
    begin = start + lead
    starts = occurrences(text, exact)
    if len(starts) == 1:
        return exact
    return {"exact": exact, "occurrence": starts.index(begin) + 1}


def exact_of(quote: Any) -> tuple[str, int | None] | None:
    """A ``quote:`` value as (exact words, occurrence), or None if it is not one."""
    if isinstance(quote, Mapping):
        exact, occurrence = quote.get("exact"), quote.get("occurrence")
        if isinstance(exact, str) and (occurrence is None or isinstance(occurrence, int)):
            return exact, occurrence
        return None
    return (quote, None) if isinstance(quote, str) and quote else None


@dataclass
class Span:
    """Where one quote of an annotation file sits in its text."""

    section: str
    index: int
    path: str  # within the entry: "" for its own quote, "quantities.2" for a quantity's
    start: int
    end: int
    error: str | None = None


def spans(data: Mapping[str, Any], text: str) -> list[Span]:
    """Every quote of a source's annotation file, anchored the way the build anchors it
    (:func:`kg.ingest.anchor.anchor`); a quote that does not anchor carries its error."""
    found: list[Span] = []

    def locate(section: str, index: int, where: str, node: Any) -> None:
        if not isinstance(node, Mapping) or "quote" not in node:
            return
        parsed = exact_of(node.get("quote"))
        if parsed is None:
            found.append(Span(section, index, where, 0, 0, "the quote is not text"))
            return
        try:
            hit = anchor(text, *parsed)
        except AnchorError as exc:
            found.append(Span(section, index, where, 0, 0, str(exc)))
            return
        found.append(Span(section, index, where, hit.start, hit.end))

    for section in QUOTED_SECTIONS:
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            locate(section, i, "", item)
            if isinstance(item, Mapping):
                quantities = item.get("quantities")
                for j, q in enumerate(quantities if isinstance(quantities, list) else []):
                    locate(section, i, f"quantities.{j}", q)
    return found


# --- ids ------------------------------------------------------------------------------------------


def slug(text: str, taken: set[str] | frozenset[str] = frozenset(), limit: int = 60) -> str:
    """An id made from ``text`` (lower case, words joined by '-'), not one of ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = _SLUG.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-") or "item"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


# --- a debate folder, edited as one ----------------------------------------------------------------


def annotation_files(folder: Path) -> list[Path]:
    """The debate's annotation files: ``debate.yaml`` first, then each source's file."""
    return [folder / DEBATE_FILE, *sorted(p for p in folder.glob("*.yaml") if p.name != DEBATE_FILE)]


@dataclass
class Transaction:
    """Edits to one debate folder, written together and validated together.

    ``doc(name)`` loads a file once; :meth:`commit` writes every changed file atomically, then
    runs ``validate(folder)``; a :class:`KgError` from it puts every file back and is raised."""

    folder: Path
    validate: Validator | None = None
    docs: dict[str, Document] = field(default_factory=dict)

    def doc(self, name: str) -> Document:
        """The annotation file ``name`` of the folder (a plain file name, never a path)."""
        if name not in self.docs:
            path = self.folder / name
            if Path(name).name != name or not name.endswith(".yaml") or not path.is_file():
                raise KgError(f"no annotation file {name!r} in the debate", self.folder)
            self.docs[name] = Document(path)
        return self.docs[name]

    def all_docs(self) -> Iterator[Document]:
        """Every annotation file of the folder, loaded."""
        for path in annotation_files(self.folder):
            if path.is_file():
                yield self.doc(path.name)

    def files(self) -> Files:
        """Every annotation file of the folder as (name, data), loaded for editing."""
        return [(doc.path.name, doc.data) for doc in self.all_docs()]

    def commit(self) -> list[Path]:
        """Write the changed files, validate, and on failure restore them; returns what changed."""
        changed = [(d.path, d.original, d.dump().encode("utf-8")) for d in self.docs.values()]
        changed = [(p, old, new) for p, old, new in changed if old != new]
        written: list[tuple[Path, bytes]] = []
        try:
            for path, old, new in changed:
                write_atomic(path, new)
                written.append((path, old))
            if self.validate is not None and changed:
                self.validate(self.folder)
        except KgError:
            for path, old in written:
                write_atomic(path, old)
            raise
        for doc in self.docs.values():
            doc.saved()
        return [p for p, _, _ in changed]


def read_files(folder: Path) -> Files:
    """Every annotation file of ``folder`` read as the build reads it (fast, with line numbers;
    for looking, not for editing)."""
    return [(path.name, load_annotations(path)) for path in annotation_files(folder) if path.is_file()]


def defined_ids(files: Files) -> dict[str, tuple[str, str]]:
    """Every id the files define: id -> (kind of entry, file name)."""
    ids: dict[str, tuple[str, str]] = {}
    for name, data in files:
        for section, kind in (("actors", "actor"), ("claims", "claim"), ("evidence", "evidence")):
            items = data.get(section)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, Mapping) and item.get("id") is not None:
                    ids.setdefault(str(item["id"]), (kind, name))
                    if section == "evidence":
                        for q in item.get("quantities") or []:
                            if isinstance(q, Mapping) and q.get("id") is not None:
                                ids.setdefault(str(q["id"]), ("quantity", name))
    return ids


def references(files: Files, kind: str) -> dict[str, int]:
    """How often each actor (``kind`` "actor") or claim ("claim") id is referred to."""
    counts: dict[str, int] = {}
    for _name, holder, key in _reference_slots(files, kind):
        ident = str(holder[key])
        counts[ident] = counts.get(ident, 0) + 1
    return counts


def _reference_slots(files: Files, kind: str) -> Iterator[tuple[str, Any, Any]]:
    """Every (file name, mapping, key) whose value is an id of ``kind`` ("actor" or "claim")."""
    table = ACTOR_REFS if kind == "actor" else CLAIM_REFS
    for name, data in files:
        source = data.get("source")
        publisher = source.get("publisher") if isinstance(source, Mapping) else None
        if kind == "actor" and publisher not in (None, "unknown"):
            yield name, source, "publisher"
        for section, keys in table.items():
            items = data.get(section)
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, Mapping):
                    continue
                for key in keys:
                    if item.get(key) is not None:
                        yield name, item, key
                if kind != "actor":
                    continue
                for post in item.get("posts") or []:
                    if isinstance(post, Mapping) and post.get("of") is not None:
                        yield name, post, "of"
                for inf in item.get("inferences") or []:
                    if isinstance(inf, Mapping) and inf.get("property") in INFERRED_ACTOR \
                            and inf.get("value") is not None:
                        yield name, inf, "value"


def merge(tx: Transaction, kind: str, keep: str, drop: str) -> int:
    """Merge the duplicate ``drop`` into ``keep`` (two actors, or two claims): every reference
    to ``drop`` now names ``keep``, and ``drop``'s definition is deleted. Returns how many
    references were rewritten."""
    if kind not in ("actor", "claim"):
        raise KgError(f"only actors and claims are merged, not {kind!r}")
    if keep == drop:
        raise KgError(f"cannot merge {keep!r} into itself")
    files = tx.files()
    ids = defined_ids(files)
    for ident in (keep, drop):
        if ids.get(ident, ("", ""))[0] != kind:
            raise KgError(f"no {kind} with id {ident!r} in the debate")
    rewritten = 0
    for _name, holder, key in list(_reference_slots(files, kind)):
        if str(holder[key]) == drop:
            holder[key] = keep
            rewritten += 1
    section = "actors" if kind == "actor" else "claims"
    doc = tx.doc(ids[drop][1])
    index = next(i for i, item in enumerate(doc.entries(section))
                 if isinstance(item, Mapping) and str(item.get("id")) == drop)
    doc.delete(section, index)
    return rewritten

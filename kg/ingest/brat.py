"""Read brat standoff annotations (``.txt`` + ``.ann``) as coded documents.

brat keeps each document as a text file and an ``.ann`` file beside it, one annotation a line,
fields separated by tabs; offsets are character offsets (code points) into the ``.txt``:

* ``T1<TAB>Label START END<TAB>words``: a text-bound annotation (a span; the words are checked
  against the text). Discontinuous spans (``0 5;9 12``) cannot be a quote and are refused.
* ``R1<TAB>type Arg1:T1 Arg2:T2``: a relation from Arg1 to Arg2.
* ``A1<TAB>Name T1 [Value]``: an attribute of a span (``M`` is brat's old name for it); one
  without a value is ``true``.
* ``E`` (events), ``N`` (normalisations), ``#`` (notes) and ``*`` (equivalences) are not part
  of the mapping and are counted as ignored.

How labels, relations and attributes map to the debate model: ``kg.ingest.coded``.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.ingest.coded import CodedDocument, ImportReport, Relation, Span, import_documents
from kg.model.errors import KgError
from kg.model.files import read_text

_TEXT_BOUND = re.compile(r"^(\S+) (\d+) (\d+)$")
_ARG = re.compile(r"^[A-Za-z0-9_-]+:(\S+)$")
_IGNORED = {"E": "events", "N": "normalisations", "#": "notes", "*": "equivalences"}


def read_document(ann: Path) -> CodedDocument:
    """One brat document: ``ann`` and the ``.txt`` of the same stem beside it."""
    txt = ann.with_suffix(".txt")
    if not txt.is_file():
        raise KgError(f"no text file {txt.name} beside it", ann)
    doc = CodedDocument(str(ann), ann.stem, read_text(txt))
    attrs: list[tuple[str, str, str, int]] = []
    for number, line in enumerate(read_text(ann).splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        ident, kind = fields[0], fields[0][:1]
        where = f"line {number}"
        if kind in _IGNORED:
            doc.ignored[f"brat {_IGNORED[kind]}"] += 1
        elif kind == "T":
            if len(fields) < 3:
                raise KgError(f"malformed text-bound annotation (expected ID, 'Label START END' and the "
                              f"words, tab-separated): {line!r}", ann, number)
            if ";" in fields[1]:
                raise KgError(f"discontinuous span {fields[1]!r}: a quote must be one stretch of text",
                              ann, number)
            match = _TEXT_BOUND.match(fields[1])
            if match is None:
                raise KgError(f"malformed text-bound annotation: expected 'Label START END', "
                              f"not {fields[1]!r}", ann, number)
            span = Span(ident, match.group(1), int(match.group(2)), int(match.group(3)), where, {})
            _add(doc, span, "\t".join(fields[2:]), ann, number)
        elif kind == "R":
            parts = fields[1].split() if len(fields) > 1 else []
            args = [_ARG.match(p) for p in parts[1:]]
            if len(parts) != 3 or not all(args):
                raise KgError(f"malformed relation (expected 'type Arg1:T1 Arg2:T2'): {line!r}", ann, number)
            source, target = (m.group(1) for m in args if m)
            doc.relations.append(Relation(parts[0], source, target, where))
        elif kind in ("A", "M"):
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) not in (2, 3):
                raise KgError(f"malformed attribute (expected 'Name T1 [Value]'): {line!r}", ann, number)
            attrs.append((parts[1], parts[0], parts[2] if len(parts) == 3 else "true", number))
        else:
            raise KgError(f"unknown kind of annotation {ident!r} (brat has T, R, A, E, N, # and *)",
                          ann, number)
    spans = {s.id: s for s in doc.spans}
    for target, name, value, number in attrs:
        if target not in spans:
            if target[:1] == "E":  # an attribute of an event, itself ignored
                continue
            raise KgError(f"attribute {name!r} of an unknown span {target!r}", ann, number)
        spans[target].attrs[name.lower()] = value
    return doc


def _add(doc: CodedDocument, span: Span, recorded: str, ann: Path, number: int) -> None:
    """Add a span, turning an offset error into one naming the .ann file's line."""
    try:
        doc.add_span(span, recorded)
    except KgError as exc:
        raise KgError(exc.message.removeprefix(f"{span.where}: "), ann, number) from exc


def read(path: Path) -> list[CodedDocument]:
    """The documents of a brat folder (every ``.ann`` with its ``.txt``), or of one ``.ann``/``.txt``."""
    if path.is_dir():
        anns = sorted(path.glob("*.ann"))
        if not anns:
            raise KgError("no .ann files in this folder", path)
        return [read_document(ann) for ann in anns]
    if not path.exists():
        raise KgError("file not found", path)
    return [read_document(path.with_suffix(".ann"))]


def import_brat(path: Path, folder: Path | None = None, debate_id: str | None = None,
                title: str | None = None, force: bool = False) -> ImportReport:
    """Read brat standoff files and write them as a debate folder that ``kg build`` loads."""
    return import_documents(read(path), "brat", folder, debate_id, title, force, path)

"""Read a doccano JSONL export as coded documents.

doccano exports one JSON object a line. Its two shapes for span labelling are both read:

* sequence labelling: ``{"text": ..., "label": [[start, end, "Label"], ...]}``;
* relation extraction: ``{"text": ..., "entities": [{"id", "label", "start_offset",
  "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}``.

Offsets are code points, end exclusive. doccano has no span attributes, so a stance is given by
the relation's type (agree, disagree, hedged, declined) and an evidence kind by the label
(Study, Survey, ...); the rest of the mapping is ``kg.ingest.coded``'s. A line's ``title``,
else its ``id``, names the document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.ingest.coded import CodedDocument, ImportReport, Relation, Span, import_documents
from kg.model.errors import KgError
from kg.model.files import read_text

MAX_BYTES = 200_000_000


def read(path: Path) -> list[CodedDocument]:
    """Every line of a doccano JSONL file as a coded document."""
    lines = read_text(path, MAX_BYTES).splitlines()
    documents = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KgError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, number) from exc
        try:
            documents.append(_document(record, number, path))
        except KgError as exc:
            if exc.line is None:  # name the line of the file for every error of this record
                raise KgError(exc.message, path, number) from exc
            raise
    return documents


def _document(record: Any, number: int, path: Path) -> CodedDocument:
    if not isinstance(record, dict):
        raise KgError("a line must hold a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text:
        raise KgError("no 'text' (the document's text itself)")
    name = record.get("title") or (f"Document {record['id']}" if "id" in record else f"Document {number}")
    doc = CodedDocument(str(path), str(name), text)
    labels = record.get("label") or record.get("labels") or []
    entities = record.get("entities") or []
    if not isinstance(labels, list) or not isinstance(entities, list):
        raise KgError("'label' and 'entities' must be lists")
    for i, item in enumerate(labels, 1):
        if not isinstance(item, list) or len(item) != 3:
            raise KgError(f"label {i}: expected [start, end, \"Label\"], not {json.dumps(item)[:60]}")
        doc.add_span(Span(f"label-{i}", str(item[2]), item[0], item[1], f"label {i}", {}))
    for i, item in enumerate(entities, 1):
        if not isinstance(item, dict):
            raise KgError(f"entity {i}: expected an object")
        if "start_offset" not in item or "end_offset" not in item:
            raise KgError(f"entity {i}: no start_offset/end_offset")
        if "label" not in item:
            raise KgError(f"entity {i}: no label")
        doc.add_span(Span(str(item.get("id", f"entity-{i}")), str(item["label"]), item["start_offset"],
                          item["end_offset"], f"entity {item.get('id', i)}", {}))
    relations = record.get("relations") or []
    if not isinstance(relations, list):
        raise KgError("'relations' must be a list")
    for i, rel in enumerate(relations, 1):
        if not isinstance(rel, dict) or not {"from_id", "to_id", "type"} <= set(rel):
            raise KgError(f"relation {i}: expected an object with from_id, to_id and type")
        doc.relations.append(Relation(str(rel["type"]), str(rel["from_id"]), str(rel["to_id"]),
                                      f"relation {rel.get('id', i)}"))
    return doc


def import_doccano(path: Path, folder: Path | None = None, debate_id: str | None = None,
                   title: str | None = None, force: bool = False) -> ImportReport:
    """Read a doccano JSONL export and write it as a debate folder that ``kg build`` loads."""
    return import_documents(read(path), "doccano", folder, debate_id, title, force, path)

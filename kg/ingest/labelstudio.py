"""Label Studio JSON, both ways: its export read as coded documents, and drafts written as tasks.

**Import.** A Label Studio JSON export is a list of tasks. Each task has ``data.text`` (the
document) and ``annotations``, each with a ``result`` list:

* ``{"type": "labels", "id": R, "value": {"start", "end", "text", "labels": [L]}}``: a span;
* ``{"type": "choices" | "textarea", "id": R, "from_name": N, "value": {...}}`` with the id of a
  span: an attribute ``N`` of that span (per-region choices such as stance, mode, kind);
* ``{"type": "relation", "from_id": R1, "to_id": R2, "labels": [T], "direction": ...}``.

The first annotation that was not cancelled is read. Offsets are code points; older Label
Studio versions counted UTF-16 units, so when ``value.text`` differs from the text at the
offsets, the offsets are read as UTF-16 units and kept only if the words then match.
Labels, attributes and relations map as ``kg.ingest.coded`` says; :data:`LABEL_CONFIG` is a
labelling interface that produces exactly these.

**Export.** :func:`draft_tasks` turns a draft of ``kg extract`` (statements with speaker and
offsets, quantities, actors) and its text into tasks whose ``predictions`` Label Studio shows
as suggestions to accept or correct; the corrected export comes back in with the import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.ingest.anchor import occurrences
from kg.ingest.coded import CodedDocument, ImportReport, Relation, Span, check_offsets, import_documents
from kg.ingest.dna import utf16_to_index
from kg.model.errors import KgError
from kg.model.files import read_text

MAX_BYTES = 200_000_000  # an export of many thousand tasks; refuse a file past reason
MODEL_VERSION = "kg-extract"

# A labelling interface for the mapping in kg.ingest.coded (paste it in the project's settings).
LABEL_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="Person"/><Label value="Organisation"/><Label value="Actor"/>
    <Label value="Claim"/><Label value="Statement"/><Label value="Evidence"/>
    <Label value="Quantity"/>
  </Labels>
  <Relations>
    <Relation value="speaker"/><Relation value="for"/><Relation value="agree"/>
    <Relation value="disagree"/><Relation value="hedged"/><Relation value="declined"/>
    <Relation value="by"/><Relation value="supports"/><Relation value="attacks"/>
  </Relations>
  <Text name="text" value="$text"/>
  <Choices name="mode" toName="text" perRegion="true" visibleWhen="region-selected"
           whenLabelValue="Statement">
    <Choice value="direct"/><Choice value="reported"/>
  </Choices>
  <Choices name="kind" toName="text" perRegion="true" visibleWhen="region-selected"
           whenLabelValue="Evidence">
    <Choice value="study"/><Choice value="survey"/><Choice value="official-statistic"/>
    <Choice value="anecdote"/><Choice value="testimony"/><Choice value="pledge"/>
  </Choices>
</View>
"""


# --- import --------------------------------------------------------------------------------


def load_json(path: Path) -> Any:
    """A JSON file; malformed JSON is a one-line error with the line."""
    text = read_text(path, MAX_BYTES)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise KgError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, exc.lineno) from exc


def read(path: Path) -> list[CodedDocument]:
    """The tasks of a Label Studio JSON export (a list of tasks, or one task)."""
    data = load_json(path)
    tasks = [data] if isinstance(data, dict) else data
    if not isinstance(tasks, list):
        raise KgError("not a Label Studio export: expected a list of tasks", path)
    return [_task(task, i, path) for i, task in enumerate(tasks, 1)]


def _task(task: Any, number: int, path: Path) -> CodedDocument:
    where = f"task {number}"
    if not isinstance(task, dict):
        raise KgError(f"{where}: a task must be an object", path)
    where = f"task {task.get('id', number)}"
    data = task.get("data")
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text:
        raise KgError(f"{where}: no data.text (the document's text itself)", path)
    title = data.get("title") if isinstance(data.get("title"), str) else None  # type: ignore[union-attr]
    doc = CodedDocument(str(path), title or f"Task {task.get('id', number)}", text)
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise KgError(f"{where}: 'annotations' must be a list", path)
    chosen = next((a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")), None)
    if chosen is None:
        doc.ignored["tasks without an annotation"] += 1
        return doc
    results = chosen.get("result") or []
    if not isinstance(results, list):
        raise KgError(f"{where}: 'result' must be a list", path)
    attrs: list[tuple[str, str, str, str]] = []
    for result in results:
        if not isinstance(result, dict):
            raise KgError(f"{where}: every result must be an object", path)
        rid, kind = str(result.get("id", "")), result.get("type")
        at = f"{where}, result {rid!r}"
        raw = result.get("value")
        value: dict = raw if isinstance(raw, dict) else {}
        if kind == "labels":
            _span(doc, value, rid, at)
        elif kind == "relation":
            labels = result.get("labels") or []
            if "from_id" not in result or "to_id" not in result:
                raise KgError(f"{at}: a relation needs from_id and to_id", path)
            if not labels:
                doc.ignored["relations without a label"] += 1
                continue
            ends = (str(result["from_id"]), str(result["to_id"]))
            if result.get("direction") == "left":
                ends = ends[::-1]
            for label in labels:
                doc.relations.append(Relation(str(label), ends[0], ends[1], at))
        elif kind in ("choices", "textarea") and rid:
            items = value.get("choices") or value.get("text") or []
            if items:
                attrs.append((rid, str(result.get("from_name", kind)).lower(), str(items[0]), at))
        else:
            doc.ignored[f"results of type {kind}"] += 1
    spans = {s.id: s for s in doc.spans}
    for rid, name, choice, _at in attrs:
        if rid in spans:
            spans[rid].attrs[name] = choice
        else:
            doc.ignored[f"{name} without a span"] += 1
    return doc


def _span(doc: CodedDocument, value: dict, rid: str, at: str) -> None:
    """Add a labelled region, with its offsets checked (code points, else UTF-16 units)."""
    labels = value.get("labels") or []
    if not labels:
        raise KgError(f"{at}: a labelled region without a label", doc.file)
    start, end = value.get("start"), value.get("end")
    if start is None or end is None:
        raise KgError(f"{at}: no start/end offsets in the region's value", doc.file)
    recorded = value.get("text")
    whole = all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, end))
    if isinstance(recorded, str) and whole and doc.text[start:end] != recorded:
        begin, stop = utf16_to_index(doc.text, start), utf16_to_index(doc.text, end)
        if begin < stop and doc.text[begin:stop] == recorded:
            start, end = begin, stop
    check_offsets(doc.text, start, end, doc.file, at)
    assert isinstance(start, int) and isinstance(end, int)
    if len(labels) > 1:
        doc.ignored["labels after the first of a region"] += len(labels) - 1
    doc.add_span(Span(rid or f"r{len(doc.spans) + 1}", str(labels[0]), start, end, at, {}),
                 recorded if isinstance(recorded, str) else None)


def import_labelstudio(path: Path, folder: Path | None = None, debate_id: str | None = None,
                       title: str | None = None, force: bool = False) -> ImportReport:
    """Read a Label Studio JSON export and write it as a debate folder that ``kg build`` loads."""
    return import_documents(read(path), "labelstudio", folder, debate_id, title, force, path)


# --- export: drafts as predictions ---------------------------------------------------------


def _region(rid: str, label: str, start: int, end: int, text: str) -> dict:
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text", "origin": "prediction",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def _nearest(text: str, name: str, start: int) -> int | None:
    """The occurrence of ``name`` in ``text`` nearest to offset ``start``, if any."""
    found = occurrences(text, name) if name else []
    return min(found, key=lambda at: abs(at - start)) if found else None


def draft_tasks(draft: dict, text: str) -> list[dict]:
    """A Label Studio task for ``text`` whose predictions are the ``draft`` (the JSON of
    ``kg extract -f json``): statements with their speakers, actors and quantities.

    Every span is checked against ``text``: a statement or quantity whose words are not at its
    offsets is an error, as the import would refuse it too.
    """
    result: list[dict] = []
    actor_regions: dict[tuple[str, int], str] = {}
    kinds = {str(a.get("name")): str(a.get("kind") or "") for a in draft.get("actors") or []}

    def actor_region(name: str, near: int) -> str | None:
        at = _nearest(text, name, near)
        if at is None:
            return None
        key = (name, at)
        if key not in actor_regions:
            rid = f"a{len(actor_regions) + 1}"
            label = "Person" if kinds.get(name, "person") == "person" else "Organisation"
            result.append(_region(rid, label, at, at + len(name), text))
            actor_regions[key] = rid
        return actor_regions[key]

    for i, st in enumerate(draft.get("statements") or [], 1):
        start, end = st.get("start"), st.get("end")
        check_offsets(text, start, end, str(draft.get("source", "draft")), f"statement {i}")
        assert isinstance(start, int) and isinstance(end, int)
        if text[start:end] != st.get("quote"):
            raise KgError(f"statement {i}: the text at {start}-{end} is not its quote",
                          str(draft.get("source", "draft")))
        rid = f"s{i}"
        result.append(_region(rid, "Statement", start, end, text))
        if st.get("mode"):
            result.append({"id": rid, "type": "choices", "from_name": "mode", "to_name": "text",
                           "origin": "prediction", "value": {"start": start, "end": end,
                                                             "choices": [st["mode"]]}})
        speaker = actor_region(str(st.get("speaker") or ""), start)
        if speaker is not None:
            result.append({"type": "relation", "from_id": rid, "to_id": speaker, "direction": "right",
                           "labels": ["speaker"]})
    for actor in draft.get("actors") or []:
        actor_region(str(actor.get("name") or ""), 0)
    for i, q in enumerate(draft.get("quantities") or [], 1):
        start, end = q.get("start"), q.get("end")
        check_offsets(text, start, end, str(draft.get("source", "draft")), f"quantity {i}")
        assert isinstance(start, int) and isinstance(end, int)
        if text[start:end] != q.get("text"):
            raise KgError(f"quantity {i}: the text at {start}-{end} is not its text",
                          str(draft.get("source", "draft")))
        region = _region(f"q{i}", "Quantity", start, end, text)
        facts = [f"{k}={q[k]}" for k in ("value", "unit", "comparator", "numerator", "denominator")
                 if q.get(k) is not None]
        region["meta"] = {"text": [" ".join(facts)]}
        result.append(region)
    return [{"data": {"text": text, "source": draft.get("source")},
             "predictions": [{"model_version": MODEL_VERSION, "result": result}]}]

"""Import a Discourse Network Analyzer (DNA 3) project into a debate folder.

DNA 3 keeps a project in one SQLite file: ``DOCUMENTS`` (title, text, date), ``STATEMENTS``
(a document and the ``Start``/``Stop`` character offsets of the coded passage), statement
types and their ``VARIABLES``, and the values in ``DATASHORTTEXT`` (pointing at ``ENTITIES``)
and ``DATABOOLEAN``. The default statement type "DNA Statement" has the variables person,
organization, concept (short text) and agreement (boolean).

**Why a debate folder (annotation YAML + texts) rather than RDF.** The import writes what a
curator would write: each document's text unchanged beside a YAML file whose statements quote
the exact coded words. ``kg build`` then anchors every quote, checks it against the text,
validates with SHACL and writes the store exactly as for hand-made annotations; the imported
debate can be edited and extended like any other, and nothing bypasses the build's checks.

Mapping:

* document -> source (``issued`` = the document's date; DNA's author, source and section go
  into the source's note);
* concept -> claim (kind ``claim``; the concept is its label and text);
* person -> actor of kind ``person``; organization -> actor of kind ``organisation``;
* statement -> statement: speaker = the person (or the organisation when no person is coded),
  ``for:`` the organisation, stance from agreement (1 agree, 0 disagree; absent = agree, DNA's
  default), and the quote = ``text[start:stop]``. DNA counts offsets in UTF-16 code units (Java
  strings); they are converted to code points. When the same words occur more than once in the
  text, the quote names which occurrence (``occurrence: N``), so the build anchors it at the
  very offsets DNA recorded.

Statements without a concept, without any actor, or with a person but no organisation are
skipped and counted (the graph's statements need an organisation spoken for).

A file written by ``kg export -f dna`` round-trips: its entities carry the graph's ids in the
attribute :data:`ID_ATTRIBUTE` (with the kind in DNA's ``Type`` and a claim's text in ``Notes``),
which the import then uses instead of ids made from names; and its hedged and declined
statements, which DNA's agreement boolean cannot hold, are statements of the type
:data:`STANCE_TYPE` with a ``stance`` variable, imported beside those of "DNA Statement".
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from kg.ingest.folder import ID, Ids, ImportReport, check_debate_id, quote_at, slug, write_folder, yaml_bytes
from kg.model.errors import KgError

DEFAULT_TYPE = "DNA Statement"
STANCE_TYPE = "Hedged or declined statement"  # kg export's type for stances DNA's boolean lacks
ID_ATTRIBUTE = "kg id"  # the entity attribute holding the graph's id (kg export -f dna)
STANCES = ("agree", "disagree", "hedged", "declined")


@dataclass(frozen=True)
class Document:
    """A DNA document."""

    id: int
    title: str
    text: str
    day: date | None
    note: str


@dataclass(frozen=True)
class Statement:
    """A DNA statement of the imported type, with its variables resolved to values."""

    id: int
    document: int
    start: int  # code points
    stop: int
    person: str
    organization: str
    concept: str
    agree: bool
    stance: str | None = None  # from a STANCE_TYPE statement; else agree says it


@dataclass
class Project:
    """What was read from a DNA file."""

    documents: dict[int, Document]
    statements: list[Statement]
    skipped: Counter = field(default_factory=Counter)
    # (variable name, entity value) -> the entity's attributes (Type, Notes, kg id, ...)
    attributes: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


# --- reading -------------------------------------------------------------------------------


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1].lower() for row in db.execute(f"PRAGMA table_info({table})")}


def _pick(columns: set[str], *names: str, table: str, path: Path) -> str:
    for name in names:
        if name.lower() in columns:
            return name
    raise KgError(f"not a DNA 3 database: table {table} has none of the columns {', '.join(names)}", path)


def utf16_to_index(text: str, offset: int) -> int:
    """The code point index of a UTF-16 code unit offset (DNA's Java string offsets)."""
    if text.isascii() or all(ord(ch) < 0x10000 for ch in text):
        return offset
    units = 0
    for index, ch in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(ch) >= 0x10000 else 1
    return len(text)


def _day(value: int | float | str | bytes | None) -> date | None:
    """DNA 3 stores dates as seconds since 1970 (UTC); milliseconds (DNA 2) are recognised too.

    ``value`` is the SQLite column as read: NULL, INTEGER, REAL, TEXT or BLOB.
    """
    if value is None or value == "":
        return None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if abs(seconds) > 10**11:
        seconds //= 1000
    return datetime.fromtimestamp(seconds, tz=UTC).date()


def read(path: Path, statement_type: str = DEFAULT_TYPE) -> Project:
    """Read documents and the statements of ``statement_type`` from a DNA 3 SQLite file."""
    if not path.is_file():
        raise KgError("file not found", path)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {r[0].upper() for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise KgError(f"not a DNA database (SQLite said: {exc})", path) from exc
    try:
        return _read(db, tables, path, statement_type)
    except sqlite3.DatabaseError as exc:
        raise KgError(f"cannot read the DNA database: {exc}", path) from exc
    finally:
        db.close()


def _read(db: sqlite3.Connection, tables: set[str], path: Path, statement_type: str) -> Project:
    needed = {"DOCUMENTS", "STATEMENTS", "STATEMENTTYPES", "VARIABLES", "DATASHORTTEXT"}
    missing = sorted(needed - tables)
    if missing:
        raise KgError(f"not a DNA 3 database: no table {', '.join(missing)}", path)
    entity_table = "ENTITIES" if "ENTITIES" in tables else "ATTRIBUTES"
    if entity_table not in tables:
        raise KgError("not a DNA 3 database: no table ENTITIES", path)
    type_label = _pick(_columns(db, "STATEMENTTYPES"), "Label", "Type", table="STATEMENTTYPES", path=path)
    entity_value = _pick(_columns(db, entity_table), "Value", "Name", table=entity_table, path=path)
    short_entity = _pick(_columns(db, "DATASHORTTEXT"), "Entity", "Value", table="DATASHORTTEXT", path=path)

    types = dict(db.execute(f"SELECT {type_label}, ID FROM STATEMENTTYPES"))
    if statement_type not in types:
        known = ", ".join(repr(t) for t in sorted(types)) or "none"
        raise KgError(f"no statement type {statement_type!r} in the DNA file (it has: {known})", path)

    doc_cols = _columns(db, "DOCUMENTS")
    extra = [c for c in ("Author", "Source", "Section") if c.lower() in doc_cols]
    select_extra = "".join(f", {c}" for c in extra)
    documents = {}
    for row in db.execute(f"SELECT ID, Title, Text, Date{select_extra} FROM DOCUMENTS ORDER BY ID"):
        note = "; ".join(f"{name.lower()}: {value}"
                         for name, value in zip(extra, row[4:], strict=True) if value)
        documents[row[0]] = Document(row[0], str(row[1] or f"DNA document {row[0]}"), str(row[2] or ""),
                                     _day(row[3]), f"DNA document {row[0]}" + (f"; {note}" if note else ""))

    shorts: dict[tuple[int, int], str] = {}
    for sid, vid, value in db.execute(
        f"SELECT d.StatementId, d.VariableId, e.{entity_value} FROM DATASHORTTEXT d "
        f"JOIN {entity_table} e ON e.ID = d.{short_entity}"
    ):
        shorts[(sid, vid)] = str(value or "").strip()
    attributes: dict[tuple[str, str], dict[str, str]] = {}
    if {"ATTRIBUTEVALUES", "ATTRIBUTEVARIABLES"} <= tables:
        for name, value, attribute, text in db.execute(
            f"SELECT v.Variable, e.{entity_value}, a.AttributeVariable, x.AttributeValue "
            f"FROM ATTRIBUTEVALUES x JOIN ATTRIBUTEVARIABLES a ON a.ID = x.AttributeVariableId "
            f"JOIN {entity_table} e ON e.ID = x.EntityId JOIN VARIABLES v ON v.ID = e.VariableId"
        ):
            if text:
                key = (str(name).lower(), str(value or "").strip())
                attributes.setdefault(key, {})[str(attribute)] = str(text)
    booleans: dict[tuple[int, int], int] = {}
    if "DATABOOLEAN" in tables:
        for sid, vid, v in db.execute("SELECT StatementId, VariableId, Value FROM DATABOOLEAN"):
            if v not in (0, 1):
                raise KgError(f"statement {sid}: a boolean value must be 0 or 1, not {v!r}", path)
            booleans[(sid, vid)] = int(v)

    project = Project(documents, [], attributes=attributes)
    chosen = [statement_type]
    if statement_type == DEFAULT_TYPE and STANCE_TYPE in types:
        chosen.append(STANCE_TYPE)
    for label in chosen:
        _read_type(db, path, label, types[label], shorts, booleans, project)
    project.statements.sort(key=lambda st: st.id)
    return project


def _read_type(db: sqlite3.Connection, path: Path, label: str, type_id: int,
               shorts: dict[tuple[int, int], str], booleans: dict[tuple[int, int], int],
               project: Project) -> None:
    """Add the statements of one statement type to ``project``."""
    variables = {name.lower(): (vid, kind) for vid, name, kind in db.execute(
        "SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = ?", (type_id,))}
    if "concept" not in variables or not ({"person", "organization"} & set(variables)):
        raise KgError(f"statement type {label!r} needs the variables concept and person or "
                      f"organization (it has: {', '.join(sorted(variables)) or 'none'})", path)
    documents = project.documents

    def short(sid: int, name: str) -> str:
        return shorts.get((sid, variables[name][0]), "") if name in variables else ""

    for sid, doc, start, stop in db.execute(
        "SELECT ID, DocumentId, Start, Stop FROM STATEMENTS WHERE StatementTypeId = ? ORDER BY ID", (type_id,)
    ):
        document = documents.get(doc)
        if document is None:
            project.skipped["document missing"] += 1
            continue
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop)):
            raise KgError(f"statement {sid}: Start and Stop must be whole numbers, "
                          f"not {start!r} and {stop!r}", path)
        begin, end = utf16_to_index(document.text, start), utf16_to_index(document.text, stop)
        if not 0 <= begin < end <= len(document.text):
            raise KgError(f"statement {sid}: offsets {start}-{stop} lie outside document {doc}", path)
        agreement = booleans.get((sid, variables["agreement"][0]), 1) if "agreement" in variables else 1
        stance = short(sid, "stance").lower() or None
        if stance is not None and stance not in STANCES:
            raise KgError(f"statement {sid}: stance must be one of {', '.join(STANCES)}, "
                          f"not {stance!r}", path)
        project.statements.append(Statement(sid, doc, begin, end, short(sid, "person"),
                                            short(sid, "organization"), short(sid, "concept"),
                                            bool(agreement), stance))


# --- writing -------------------------------------------------------------------------------


def debate_files(project: Project, debate_id: str, title: str) -> dict[str, bytes]:
    """The files of the debate folder: ``debate.yaml``, and a text and a YAML per document."""
    attrs = project.attributes
    ids = Ids({a[ID_ATTRIBUTE] for a in attrs.values() if ID.match(a.get(ID_ATTRIBUTE, ""))})
    actors: dict[str, dict] = {}
    claims: dict[str, dict] = {}
    per_doc: dict[int, list[dict]] = {}
    skipped = project.skipped

    def known(variable: str, name: str) -> dict[str, str] | None:
        """The attributes of an entity written by kg export (it has our id), else None."""
        found = attrs.get((variable, name), {})
        return found if ID.match(found.get(ID_ATTRIBUTE, "")) else None

    def actor(variable: str, name: str, prefix: str, kind: str) -> str:
        ours = known(variable, name)
        ident = ours[ID_ATTRIBUTE] if ours else ids.get(prefix, name)
        shown = name.removesuffix(f" [{ident}]") if ours else name
        actors.setdefault(ident, {"id": ident, "name": shown, "kind": (ours or {}).get("Type") or kind})
        return ident
    for st in project.statements:
        if not st.concept:
            skipped["no concept"] += 1
            continue
        if not st.person and not st.organization:
            skipped["no person or organization"] += 1
            continue
        if st.person and not st.organization:
            skipped["person without organization"] += 1
            continue
        ours = known("concept", st.concept)
        claim = ours[ID_ATTRIBUTE] if ours else ids.get("c", st.concept)
        label = st.concept.removesuffix(f" [{claim}]") if ours else st.concept
        kind = (ours or {}).get("Type") or "claim"
        if kind == "quantitative":  # its quantity is not in DNA, and the build requires one
            kind = "claim"
        claims.setdefault(claim, {"id": claim, "kind": kind, "label": label,
                                  "text": (ours or {}).get("Notes") or label})
        org = actor("organization", st.organization, "o", "organisation")
        entry: dict = {"id": f"dna-statement-{st.id}"}
        if st.person:
            entry["speaker"], entry["for"] = actor("person", st.person, "p", "person"), org
        else:
            entry["speaker"] = org
        entry.update(claim=claim, stance=st.stance or ("agree" if st.agree else "disagree"),
                     quote=quote_at(project.documents[st.document].text, st.start, st.stop))
        per_doc.setdefault(st.document, []).append(entry)

    files: dict[str, bytes] = {}
    files["debate.yaml"] = yaml_bytes({
        "debate": {"id": debate_id, "title": title,
                   "description": "Imported from a Discourse Network Analyzer (DNA) database "
                                  "by 'kg import dna'."},
        "actors": sorted(actors.values(), key=lambda a: a["id"]),
        "claims": sorted(claims.values(), key=lambda c: c["id"]),
    }, "Debate imported from DNA: actors (persons, organisations) and claims (DNA concepts).")
    for doc_id, document in sorted(project.documents.items()):
        stem = f"doc-{doc_id}"
        files[f"{stem}.txt"] = document.text.encode("utf-8")
        files[f"{stem}.yaml"] = yaml_bytes({
            "source": {"id": f"dna-doc-{doc_id}", "file": f"{stem}.txt", "title": document.title,
                       "type": "document", "publisher": "unknown",
                       "issued": document.day.isoformat() if document.day else "unknown",
                       "note": document.note},
            "statements": per_doc.get(doc_id, []),
        }, f"DNA document {doc_id}: its statements, quoting the coded passages exactly.")
    return files


def import_dna(path: Path, folder: Path | None = None, debate_id: str | None = None,
               title: str | None = None, statement_type: str = DEFAULT_TYPE,
               force: bool = False) -> ImportReport:
    """Read a DNA file and write it as a debate folder that ``kg build`` loads."""
    debate_id = check_debate_id(debate_id or slug(path.stem) or "dna-import")
    folder = folder or Path("data") / debate_id
    project = read(path, statement_type)
    files = debate_files(project, debate_id, title or f"Imported from {path.name}")
    write_folder(files, folder, force)
    debate = yaml.safe_load(files["debate.yaml"])
    written = sum(len(yaml.safe_load(files[f"doc-{d}.yaml"])["statements"] or []) for d in project.documents)
    return ImportReport(folder, debate_id, len(project.documents), written, len(debate["actors"]),
                        len(debate["claims"]), skipped=dict(project.skipped))

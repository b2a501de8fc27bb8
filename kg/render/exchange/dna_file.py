"""Write a debate as a Discourse Network Analyzer (DNA 3) project: an SQLite file.

The tables are DNA 3's (``Sql.createTables`` in github.com/leifeld/dna, version 3.0.11): a new
DNA database with the Admin coder, the default statement type "DNA Statement" (person,
organization, concept: short text; agreement: boolean) and the entity attributes Type, Alias and
Notes. What goes in:

* every source -> a document: its text unchanged, title, date (the issue date, or the earliest
  date the text implies when it gives none: DNA needs one), publisher as DNA's *source*, kind as
  DNA's *type*, and the source's id and URL in its notes;
* every statement agreeing or disagreeing -> a "DNA Statement" at the quote's offsets (converted
  to UTF-16 code units, as DNA's Java strings count), person = the speaker (left empty when an
  organisation speaks for itself), organization = the organisation spoken for, concept = the
  claim's label, agreement = 1 or 0. So rDNA's ``dna_network`` on this file gives the networks
  DNA's users expect, and ``kg analyze``'s DNA networks;
* hedged and declined statements (DNA's boolean cannot say them) -> statements of a second type,
  :data:`STANCE_TYPE`, with the stance as text, so DNA's networks leave them out as ours do;
* each person, organisation and concept entity carries DNA's ``Type`` attribute (the kind: person,
  staff-association, policy, ...), ``Notes`` (a claim's full text) and :data:`ID_ATTRIBUTE`, the
  graph's id, which ``kg import dna`` reads back so a round trip keeps every id.

The Admin coder's password is :data:`ADMIN_PASSWORD` (DNA asks for it on opening; change it in
DNA's coder manager). It is stored as DNA stores passwords (jasypt's StrongPasswordEncryptor:
SHA-256 over a 16-byte salt and the password, digested 100,000 times, salt + digest in base64).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from kg.ingest.dna import DEFAULT_TYPE as STATEMENT_TYPE
from kg.ingest.dna import ID_ATTRIBUTE, STANCE_TYPE
from kg.model.errors import KgError
from kg.render.exchange.debate import Debate, Row

DNA_VERSION = "3.0.11.5"  # the DNA release whose schema this writes
DNA_DATE = "2025-02-05"
ADMIN_PASSWORD = "admin"
MAX_TEXT = 190  # DNA's short columns hold fewer than 191 characters

_SCHEMA = """
CREATE TABLE SETTINGS (Property TEXT PRIMARY KEY, Value TEXT NOT NULL);
CREATE TABLE CODERS (ID INTEGER NOT NULL PRIMARY KEY, Name TEXT NOT NULL CHECK (LENGTH(Name) < 191),
  Red INTEGER NOT NULL DEFAULT 0, Green INTEGER NOT NULL DEFAULT 0, Blue INTEGER NOT NULL DEFAULT 0,
  Refresh INTEGER NOT NULL DEFAULT 0, FontSize INTEGER NOT NULL DEFAULT 14,
  Password TEXT NOT NULL, PopupWidth INTEGER DEFAULT 300, ColorByCoder INTEGER NOT NULL DEFAULT 0,
  PopupDecoration INTEGER NOT NULL DEFAULT 0, PopupAutoComplete INTEGER NOT NULL DEFAULT 1,
  PermissionAddDocuments INTEGER NOT NULL DEFAULT 1, PermissionEditDocuments INTEGER NOT NULL DEFAULT 1,
  PermissionDeleteDocuments INTEGER NOT NULL DEFAULT 1, PermissionImportDocuments INTEGER NOT NULL DEFAULT 1,
  PermissionAddStatements INTEGER NOT NULL DEFAULT 1, PermissionEditStatements INTEGER NOT NULL DEFAULT 1,
  PermissionDeleteStatements INTEGER NOT NULL DEFAULT 1, PermissionEditAttributes INTEGER NOT NULL DEFAULT 1,
  PermissionEditRegex INTEGER NOT NULL DEFAULT 1, PermissionEditStatementTypes INTEGER NOT NULL DEFAULT 1,
  PermissionEditCoders INTEGER NOT NULL DEFAULT 1, PermissionEditCoderRelations INTEGER NOT NULL DEFAULT 1,
  PermissionViewOthersDocuments INTEGER NOT NULL DEFAULT 1,
  PermissionEditOthersDocuments INTEGER NOT NULL DEFAULT 1,
  PermissionViewOthersStatements INTEGER NOT NULL DEFAULT 1,
  PermissionEditOthersStatements INTEGER NOT NULL DEFAULT 1);
CREATE TABLE DOCUMENTS (ID INTEGER NOT NULL PRIMARY KEY, Title TEXT NOT NULL CHECK (LENGTH(Title) < 191),
  Text TEXT NOT NULL, Coder INTEGER, Author TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Author) < 191),
  Source TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Source) < 191),
  Section TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Section) < 191), Notes TEXT NOT NULL DEFAULT '',
  Type TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Type) < 191), Date INTEGER NOT NULL,
  FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE STATEMENTTYPES (ID INTEGER NOT NULL PRIMARY KEY, Label TEXT NOT NULL CHECK (LENGTH(Label) < 191),
  Red INTEGER NOT NULL DEFAULT 0, Green INTEGER NOT NULL DEFAULT 0, Blue INTEGER NOT NULL DEFAULT 0);
CREATE TABLE VARIABLES (ID INTEGER NOT NULL PRIMARY KEY,
  Variable TEXT NOT NULL CHECK (LENGTH(Variable) < 191),
  DataType TEXT NOT NULL DEFAULT 'short text'
    CHECK (DataType IN ('boolean', 'integer', 'long text', 'short text')),
  StatementTypeId INTEGER, FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
  UNIQUE (Variable, StatementTypeId));
CREATE TABLE VARIABLELINKS (ID INTEGER NOT NULL PRIMARY KEY, SourceVariableId INTEGER,
  TargetVariableId INTEGER,
  CHECK (TargetVariableId != SourceVariableId),
  FOREIGN KEY(SourceVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE,
  FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE REGEXES (Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191), Red INTEGER NOT NULL DEFAULT 0,
  Green INTEGER NOT NULL DEFAULT 0, Blue INTEGER NOT NULL DEFAULT 0);
CREATE TABLE CODERRELATIONS (ID INTEGER NOT NULL PRIMARY KEY, Coder INTEGER CHECK(Coder > 0),
  OtherCoder INTEGER CHECK(OtherCoder > 0), viewStatements INTEGER NOT NULL DEFAULT 1,
  editStatements INTEGER NOT NULL DEFAULT 1, viewDocuments INTEGER NOT NULL DEFAULT 1,
  editDocuments INTEGER NOT NULL DEFAULT 1, CHECK (Coder != OtherCoder),
  FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE,
  FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE STATEMENTS (ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER, DocumentId INTEGER,
  Start INTEGER NOT NULL CHECK(Start >= 0), Stop INTEGER NOT NULL CHECK(Stop >= 0), Coder INTEGER,
  CHECK (Start < Stop), FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
  FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE,
  FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE);
CREATE TABLE DATABOOLEAN (ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 1,
  FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
  FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE DATAINTEGER (ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
  FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE ENTITIES (ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  Value TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Value) < 191), Red INTEGER, Green INTEGER, Blue INTEGER,
  ChildOf INTEGER CHECK(ChildOf > 0), UNIQUE (VariableId, Value),
  FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE,
  FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE DATASHORTTEXT (ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL,
  FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
  FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE,
  FOREIGN KEY(Entity) REFERENCES ENTITIES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE DATALONGTEXT (ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value TEXT DEFAULT '',
  FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
  FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE ATTRIBUTEVARIABLES (ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  AttributeVariable TEXT NOT NULL CHECK (LENGTH(AttributeVariable) < 191),
  UNIQUE(VariableId, AttributeVariable), FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE ATTRIBUTEVALUES (ID INTEGER PRIMARY KEY NOT NULL, EntityId INTEGER NOT NULL,
  AttributeVariableId INTEGER NOT NULL,
  AttributeValue TEXT NOT NULL DEFAULT '' CHECK (LENGTH(AttributeValue) < 191),
  UNIQUE (EntityId, AttributeVariableId), FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE,
  FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE);
"""

# statement type id -> (label, colour, variables: (id, name, data type))
_TYPES = {
    1: (STATEMENT_TYPE, (239, 208, 51), ((1, "person", "short text"), (2, "organization", "short text"),
                                         (3, "concept", "short text"), (4, "agreement", "boolean"))),
    2: (STANCE_TYPE, (200, 200, 200), ((5, "person", "short text"), (6, "organization", "short text"),
                                       (7, "concept", "short text"), (8, "stance", "short text"))),
}
_ATTRIBUTES = ("Type", "Alias", "Notes", ID_ATTRIBUTE)
_YES_NO = {"agree": 1, "disagree": 0}


def password_hash(password: str, salt: bytes | None = None) -> str:
    """``password`` hashed as DNA's coders' passwords are (see the module doc)."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    for _ in range(100_000 - 1):
        digest = hashlib.sha256(digest).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code unit offset (DNA's, Java's) of code point ``index`` in ``text``."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def _short(text: str) -> str:
    """``text`` cut to what DNA's short columns hold."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _epoch(row: Row) -> int:
    """A source's date as DNA stores it: seconds since 1970 (UTC), 0 when nothing is known."""
    day = row.get("issued") or row.get("earliest")
    if not day:
        return 0
    return int(datetime.combine(date.fromisoformat(str(day)[:10]), datetime.min.time(), UTC).timestamp())


class _Entities:
    """DNA entities of one database: one per (variable, value), values unique per variable."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.ids: dict[tuple[int, str], int] = {}
        self.values: dict[tuple[int, str], str] = {}  # (variable, graph id) -> the value used

    def get(self, variable: int, ident: str, name: str, attributes: dict[str, str]) -> int:
        """The entity of graph resource ``ident`` (named ``name``) in ``variable``."""
        value = self.values.get((variable, ident))
        if value is None:
            value = _short(name)
            if (variable, value) in self.ids:  # two resources of one name: DNA needs unique values
                value = _short(f"{name} [{ident}]")
            self.values[(variable, ident)] = value
            entity = self._insert(variable, value)
            for attribute, text in attributes.items():
                self.db.execute(
                    "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) "
                    "SELECT ?, ID, ? FROM ATTRIBUTEVARIABLES WHERE VariableId = ? AND AttributeVariable = ?",
                    (entity, _short(text), variable, attribute))
        return self.ids[(variable, value)]

    def _insert(self, variable: int, value: str) -> int:
        cursor = self.db.execute("INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue) "
                                 "VALUES (?, ?, 0, 0, 0)", (variable, value))
        self.ids[(variable, value)] = int(cursor.lastrowid or 0)
        return self.ids[(variable, value)]

    def empty(self, variable: int) -> int:
        """DNA's empty entity of ``variable`` (what an uncoded person points at)."""
        if (variable, "") not in self.ids:
            self._insert(variable, "")
        return self.ids[(variable, "")]


def _setup(db: sqlite3.Connection, password: str) -> None:
    db.executescript(_SCHEMA)
    db.execute("INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password, PermissionEditStatementTypes, "
               "PermissionEditCoders, PermissionEditOthersDocuments, PermissionEditOthersStatements) "
               "VALUES (1, 'Admin', 255, 255, 0, ?, 1, 1, 1, 1)", (password_hash(password),))
    db.executemany("INSERT INTO SETTINGS VALUES (?, ?)", [("version", DNA_VERSION), ("date", DNA_DATE)])
    for type_id, (label, (red, green, blue), variables) in _TYPES.items():
        db.execute("INSERT INTO STATEMENTTYPES VALUES (?, ?, ?, ?, ?)", (type_id, label, red, green, blue))
        for var_id, name, kind in variables:
            db.execute("INSERT INTO VARIABLES VALUES (?, ?, ?, ?)", (var_id, name, kind, type_id))
            if kind == "short text":
                db.executemany("INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?, ?)",
                               [(var_id, a) for a in _ATTRIBUTES])


def _documents(db: sqlite3.Connection, debate: Debate) -> dict[str, int]:
    ids = {}
    for number, source_id in enumerate(debate.source_ids(), 1):
        src = debate.sources[source_id]
        notes = [f"{ID_ATTRIBUTE}: {source_id}"]
        if src.get("url"):
            notes.append(f"url: {src['url']}")
        if not src.get("issued") and src.get("earliest"):
            notes.append(f"date: not stated; the earliest the text implies ({src['earliest']})")
        db.execute("INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, Type, "
                   "Date) VALUES (?, ?, ?, 1, '', ?, '', ?, ?, ?)",
                   (number, _short(str(src["title"])), str(src["text"]),
                    _short(str(src.get("publisher") or "")), "\n".join(notes),
                    _short(str(src.get("kind") or "")), _epoch(src)))
        ids[source_id] = number
    return ids


def _statements(db: sqlite3.Connection, debate: Debate, documents: dict[str, int]) -> None:
    entities = _Entities(db)

    def actor(variable: int, ident: str) -> int:
        row = debate.actors[ident]
        return entities.get(variable, ident, str(row["name"]),
                            {"Type": str(row.get("kind") or ""), ID_ATTRIBUTE: ident})

    def concept(variable: int, ident: str) -> int:
        row = debate.claims[ident]
        return entities.get(variable, ident, str(row["label"]),
                            {"Type": str(row.get("kind") or ""), "Notes": str(row.get("text") or ""),
                             ID_ATTRIBUTE: ident})

    for number, st in enumerate(debate.statements, 1):
        text = str(debate.sources[st["source"]]["text"])
        stance = str(st["stance"])
        type_id = 1 if stance in _YES_NO else 2
        person_var, org_var, concept_var, last_var = (v[0] for v in _TYPES[type_id][2])
        db.execute("INSERT INTO STATEMENTS VALUES (?, ?, ?, ?, ?, 1)",
                   (number, type_id, documents[st["source"]], utf16_offset(text, int(st["start"])),
                    utf16_offset(text, int(st["end"]))))
        speaker_is_org = st["speaker"] == st["org"]
        person = entities.empty(person_var) if speaker_is_org else actor(person_var, st["speaker"])
        values = ((person_var, person), (org_var, actor(org_var, st["org"])),
                  (concept_var, concept(concept_var, st["claim"])))
        db.executemany("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                       [(number, var, entity) for var, entity in values])
        if type_id == 1:
            db.execute("INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?, ?, ?)",
                       (number, last_var, _YES_NO[stance]))
        else:
            db.execute("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                       (number, last_var, entities.get(last_var, stance, stance, {})))


def dna_bytes(debate: Debate, password: str = ADMIN_PASSWORD) -> bytes:
    """The DNA 3 database of ``debate``, as the bytes of an SQLite file."""
    with tempfile.TemporaryDirectory(prefix="kg-dna-") as tmp:
        path = Path(tmp) / "export.dna"
        db = sqlite3.connect(path)
        try:
            with db:
                _setup(db, password)
                _statements(db, debate, _documents(db, debate))
        except sqlite3.DatabaseError as exc:  # a value DNA's constraints refuse
            raise KgError(f"cannot write the DNA file: {exc}") from exc
        finally:
            db.close()
        return path.read_bytes()


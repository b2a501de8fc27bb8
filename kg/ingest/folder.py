"""Write debate folders: what every importer and ``kg new`` / ``kg add`` share.

A debate folder is ``debate.yaml`` plus, per source, the text exactly as received beside an
annotation YAML file of the same stem (``kg.ingest.compile`` reads it). Importers produce the
same things (ids, YAML text, quotes that name their occurrence, source file names), so they are
written once here: ids are slugs made unique in the debate's one namespace, YAML is dumped
safely (any text a tool held is quoted as YAML needs), quotes are the exact words at the given
offsets, and a folder or a set of files is written so that a failure leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.ingest.anchor import occurrences
from kg.model.errors import KgError
from kg.model.files import write_atomic

_SLUG = re.compile(r"[^a-z0-9]+")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_STEM = re.compile(r"^(\d{3,})_[0-9a-f]{16}$")


def slug(text: str, width: int = 60) -> str:
    """A lower-case id fragment: letters and digits joined by '-', at most ``width`` long
    (cut at a word's end where there is one)."""
    full = _SLUG.sub("-", text.lower()).strip("-")
    cut = full[:width]
    if len(full) > width and full[width] != "-" and "-" in cut:
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def check_debate_id(debate_id: str) -> str:
    """``debate_id`` if it can name a debate (and its folder), else a one-line error."""
    if not ID.match(debate_id) or debate_id.startswith("."):
        raise KgError(f"bad debate id {debate_id!r}: use letters, digits, '-', '_' or '.', "
                      "starting with a letter or digit")
    return debate_id


class Ids:
    """Unique annotation ids for names (one namespace per debate, as the build requires).

    ``taken`` may start with the ids a debate folder already holds, so new ids never clash.
    """

    def __init__(self, taken: set[str] | None = None) -> None:
        self.by_name: dict[tuple[str, str], str] = {}
        self.taken: set[str] = set(taken or ())

    def get(self, prefix: str, name: str) -> str:
        """The id for ``name`` of kind ``prefix`` (the same name always gets the same id)."""
        key = (prefix, name)
        if key not in self.by_name:
            self.by_name[key] = self.fresh(f"{prefix}-{slug(name) or 'unnamed'}")
        return self.by_name[key]

    def plain(self, kind: str, name: str) -> str:
        """The id for ``name`` among things of ``kind``: its slug alone, made unique."""
        key = (f"plain:{kind}", name)
        if key not in self.by_name:
            self.by_name[key] = self.fresh(slug(name) or kind)
        return self.by_name[key]

    def fresh(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3`` ... whichever is not taken yet; now taken."""
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident


def quote_at(text: str, start: int, end: int) -> str | dict[str, Any]:
    """The ``quote:`` value for ``text[start:end]``: the words, or ``{exact, occurrence}`` when
    they occur more than once, so the build anchors them at exactly these offsets."""
    exact = text[start:end]
    found = occurrences(text, exact)
    if len(found) == 1:
        return exact
    return {"exact": exact, "occurrence": found.index(start) + 1}


def checksum(data: bytes) -> str:
    """The SHA-256 of a source text's bytes, in hex (what the build records as ``dkg:sha256``)."""
    return hashlib.sha256(data).hexdigest()


def source_stem(number: int, data: bytes) -> str:
    """A source's file stem as in the seed debate: ``NNN_`` and the first 16 hex of its SHA-256."""
    return f"{number:03d}_{checksum(data)[:16]}"


def next_number(folder: Path) -> int:
    """One more than the highest ``NNN_`` of the source texts in ``folder`` (0 for none)."""
    numbers = [int(m.group(1)) for p in folder.glob("*.txt") if (m := _STEM.match(p.stem))]
    return max(numbers, default=-1) + 1


def yaml_bytes(data: dict, comment: str = "", guide: str = "") -> bytes:
    """``data`` as YAML in the project's layout, with ``comment`` lines above and ``guide`` (a
    commented block) below."""
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return f"{head}{body}{guide}".encode()


def write_folder(files: dict[str, bytes], folder: Path, force: bool = False) -> None:
    """Write ``files`` as ``folder``, atomically: a temporary folder renamed into place."""
    if folder.exists() and not force:
        raise KgError("already exists; choose another --out or add --force to replace it", folder)
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f".{folder.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        old = None
        if folder.exists():
            old = parent / f".{folder.name}.old-{os.getpid()}"
            os.replace(folder, old)
        os.replace(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise KgError(f"cannot write the debate folder: {exc.strerror or exc}", folder) from exc


def add_files(folder: Path, files: dict[str, bytes]) -> None:
    """Add new ``files`` to an existing folder: each written atomically, and if one fails the
    ones already written are removed again, so a failure adds nothing."""
    clash = [name for name in files if (folder / name).exists()]
    if clash:
        raise KgError("already exists; nothing was written", folder / clash[0])
    written: list[Path] = []
    try:
        for name, data in files.items():
            write_atomic(folder / name, data)
            written.append(folder / name)
    except KgError:
        for path in written:
            path.unlink(missing_ok=True)
        raise


@dataclass
class ImportReport:
    """What an import (``kg import dna|aif|brat|labelstudio|doccano``) wrote, and what it left
    out (``skipped``: entries the build would refuse; ``ignored``: labels it does not read)."""

    folder: Path
    debate_id: str
    documents: int
    statements: int
    actors: int
    claims: int
    evidence: int = 0
    links: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)

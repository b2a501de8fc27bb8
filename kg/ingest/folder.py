"""Writing a debate folder from another tool's data: ids, quotes, YAML, an atomic folder.

What ``kg import dna`` and ``kg import aif`` share. An import writes what a curator would write
(``debate.yaml``, and per source its text unchanged beside a YAML file whose entries quote the
exact words), so ``kg build`` anchors and checks everything as for hand-made annotations.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml

from kg.ingest.anchor import occurrences
from kg.model.errors import KgError

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # an annotation id, as the build accepts it
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A lower-case id fragment: letters and digits joined by '-'."""
    return _SLUG.sub("-", text.lower()).strip("-")[:60].strip("-")


def checked_id(debate_id: str) -> str:
    """``debate_id`` if the build accepts it as a debate id, else a one-line error."""
    if not ID.match(debate_id):
        raise KgError(f"bad debate id {debate_id!r}: use letters, digits, '-', '_' or '.'")
    return debate_id


class Ids:
    """Unique annotation ids for names (one namespace, as the build requires)."""

    def __init__(self, reserved: set[str] | None = None) -> None:
        self.by_name: dict[tuple[str, str], str] = {}
        self.taken: set[str] = set(reserved or ())

    def get(self, prefix: str, name: str) -> str:
        """The id of ``name`` of a kind (``prefix``): the same name gets the same id."""
        key = (prefix, name)
        if key not in self.by_name:
            base = f"{prefix}-{slug(name) or 'unnamed'}"
            ident, n = base, 2
            while ident in self.taken:
                ident, n = f"{base}-{n}", n + 1
            self.taken.add(ident)
            self.by_name[key] = ident
        return self.by_name[key]


def quote_at(text: str, start: int, end: int) -> str | dict[str, object]:
    """The ``quote:`` of the words at ``start``-``end`` of ``text``: the words, or, when they occur
    more than once (the build refuses an ambiguous quote), the words and which occurrence."""
    exact = text[start:end]
    found = occurrences(text, exact)
    if len(found) == 1:
        return exact
    return {"exact": exact, "occurrence": found.index(start) + 1}


def yaml_bytes(data: dict, comment: str) -> bytes:
    """An annotation file: a comment line, then ``data`` as YAML (keys in the order given)."""
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return f"# {comment}\n{body}".encode()


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

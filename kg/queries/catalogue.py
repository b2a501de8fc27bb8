"""Named SPARQL queries: the files under ``queries/``, their roles and documented parameters.

Every query the project runs lives in ``queries/`` with a header comment (what it answers, its
parameters, an example). The folder says the role:

* ``queries/*.rq``: public queries, what ``kg query --list`` shows a user;
* ``queries/internal/``: what trace, views and analysis run (``kg query --list --all``);
* ``queries/checks/``: the quality checks ``kg check`` and the build run;
* ``queries/derive/``: the build's update steps, run in file-name order;
* ``queries/store/``: the statements a store kind sends over the SPARQL protocol to load and dump.

Names are unique across folders, so a query is named without its folder. A query may have an
engine variant beside it, ``NAME.ENGINE.rq`` (e.g. ``quote-mismatches.rdflib.rq``): the same
answers in the shape that engine runs fast, used for stores of that engine (:func:`for_engine`);
variants are not queries of their own. Parameters are declared
in the header as::

    # Parameters:
    #   ?claim  id  the claim, by its id or full IRI

and bound by :mod:`kg.queries.binding`, never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.model.errors import KgError
from kg.model.paths import QUERIES

ROLES = ("public", "internal", "checks", "derive", "store")
SUFFIXES = (".rq", ".ru")
PARAM_TYPES = ("id", "iri", "string", "integer", "decimal", "date")
_PARAM_LINE = re.compile(r"^#\s+\?(\w+)\s+(" + "|".join(PARAM_TYPES) + r")\b\s*(.*)$")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_QUERY_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    """A parameter a query declares: its variable name, type and description."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query or update and what its header says about it."""

    name: str
    text: str
    source: str
    title: str = ""
    params: tuple[Param, ...] = field(default_factory=tuple)
    role: str = "public"

    def param(self, name: str) -> Param | None:
        """The declared parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)


def parse(text: str, name: str, source: str, role: str = "public") -> NamedQuery:
    """Read the header comment of a query: its first line is the title, then parameters."""
    title = ""
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if not title and line.strip("# ").strip():
            title = line.strip("# ").strip()
        match = _PARAM_LINE.match(line)
        if match:
            params.append(Param(match[1], match[2], match[3].strip()))
    return NamedQuery(name, text, source, title, tuple(params), role)


def folder(role: str, root: Path = QUERIES) -> Path:
    """Where the queries of one role live."""
    if role not in ROLES:
        raise KgError(f"no query role {role!r} (one of: {', '.join(ROLES)})")
    return root if role == "public" else root / role


@lru_cache(maxsize=4)
def _index(root: Path = QUERIES) -> dict[str, tuple[Path, str]]:
    """Every query file by name: its path and role."""
    found: dict[str, tuple[Path, str]] = {}
    for role in ROLES:
        for path in sorted(p for p in folder(role, root).glob("*") if p.suffix in SUFFIXES):
            if "." in path.stem:  # an engine variant (for_engine), not a query of its own
                continue
            if path.stem in found:
                raise KgError(f"two queries named {path.stem!r}: {found[path.stem][0]} and {path}")
            found[path.stem] = (path, role)
    return found


@lru_cache(maxsize=256)
def named(name: str, root: Path = QUERIES) -> NamedQuery:
    """The query called ``name`` in any role's folder; an unknown name lists the public ones."""
    if not _NAME.match(name):
        raise KgError(f"not a query name: {name!r}")
    index = _index(root)
    if name not in index:
        known = ", ".join(sorted(n for n, (_, role) in index.items() if role == "public"))
        raise KgError(f"no query named {name!r} (known: {known}; 'kg query --list --all' shows all)", root)
    path, role = index[name]
    return parse(path.read_text(encoding="utf-8"), name, str(path), role)


# Engines that run another engine's variants: Virtuoso 7.2 answers some of the hash-joined
# sub-select forms wrongly (analysis-statements: 100 of 10,864 rows at 300k triples) and the
# flat forms written for rdflib rightly (all four the same as the embedded store's there).
VARIANT_OF = {"virtuoso": "rdflib"}


@lru_cache(maxsize=256)
def for_engine(query: NamedQuery, engine: str | None) -> NamedQuery:
    """``query``'s variant for ``engine`` (``NAME.ENGINE.rq`` beside it), or ``query`` itself.

    Engines join differently: Oxigraph joins sub-selects by hashing whole tables, which makes
    big checks and tables fast, while rdflib joins them by comparing every pair of rows and is
    fast only on flat patterns that it walks in written order. Where one shape cannot serve
    both, the named query is written for Oxigraph and servers, and a variant for rdflib gives
    the same answers (``tests/test_queries.py`` runs both on the seed).
    """
    if engine is None:
        return query
    path = Path(query.source)
    variant = path.with_name(f"{path.stem}.{VARIANT_OF.get(engine, engine)}{path.suffix}")
    if not variant.is_file():
        return query
    return parse(variant.read_text(encoding="utf-8"), query.name, str(variant), query.role)


def catalogue(roles: tuple[str, ...] = ROLES, root: Path = QUERIES) -> list[NamedQuery]:
    """Every named query of the given roles, sorted by role (in :data:`ROLES` order), then name."""
    index = _index(root)
    chosen = [named(n, root) for n, (_, role) in index.items() if role in roles]
    return sorted(chosen, key=lambda q: (ROLES.index(q.role), q.name))


def updates(role: str = "derive", root: Path = QUERIES) -> list[NamedQuery]:
    """The update files (``*.ru``) of a role, in file-name order (the build's derive steps)."""
    return [named(p.stem, root) for p in sorted(folder(role, root).glob("*.ru"))]


def resolve(spec: str) -> NamedQuery:
    """A query given as a name from ``queries/``, a path to a ``.rq`` file, or inline text."""
    if _NAME.match(spec) and spec in _index():
        return named(spec)
    path = Path(spec)
    if spec.endswith((".rq", ".sparql")):
        if not path.is_file():
            raise KgError("query file not found", path)
        return parse(path.read_text(encoding="utf-8"), path.stem, str(path))
    if _QUERY_FORM.search(spec):
        return parse(spec, "inline", "<inline query>")
    return named(spec)

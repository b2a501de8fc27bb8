"""SHACL validation of a compiled graph against ``ontology/shapes.ttl`` (pyshacl).

Violations are reported one per line, each naming the annotation file and line of the
entity at fault when the build knows it, so a curator can go straight to the entry.
"""

from __future__ import annotations

from functools import lru_cache

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.ingest.vocabulary import parse_turtle
from kg.model.errors import ValidationError
from kg.model.namespaces import compact
from kg.model.paths import SHAPES

MAX_LISTED = 20


@lru_cache(maxsize=1)
def shapes() -> Graph:
    """The shapes graph, parsed once per process."""
    return parse_turtle(SHAPES)


def shacl(graph: Graph, locations: dict[URIRef, tuple[str, int]] | None = None) -> None:
    """Validate ``graph`` (data and ontology together); raise :class:`ValidationError` if it fails."""
    conforms, report, _text = pyshacl_validate(
        graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return
    lines = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        where = (locations or {}).get(focus)
        prefix = f"{where[0]}:{where[1]}: " if where else ""
        lines.append(
            f"{prefix}{compact(str(focus))}: {compact(str(path)) if path else ''} {message}".strip()
        )
    raise ValidationError(sorted(lines))

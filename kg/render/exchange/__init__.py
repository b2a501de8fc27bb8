"""Writers of other tools' formats: DNA, AIF, Argdown, ClaimReview, Web Annotation.

Each writer takes a :class:`~kg.render.exchange.debate.Debate`, the whole debate read from the
store once through the ``queries/internal/exchange-*.rq`` queries (sources with their texts,
actors, claims and evidence, statements, links, quotes), and returns the bytes of its format.
Reading once and writing from plain rows keeps every writer free of SPARQL and of store kinds.

This module only names the formats (no RDF library is imported, so ``kg export --help`` stays
fast); :func:`writer` loads one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# format name -> (module, function, what it is); the function takes (debate, **options) -> bytes
FORMATS: dict[str, tuple[str, str, str]] = {
    "dna": ("kg.render.exchange.dna_file", "dna_bytes", "a DNA 3 project (SQLite; needs -o)"),
    "aif": ("kg.render.exchange.aif", "aif_bytes", "AIF JSON as AIFdb and OVA read it"),
    "argdown": ("kg.render.exchange.argdown", "argdown_bytes", "Argdown text"),
    "claimreview": ("kg.render.exchange.claimreview", "claimreview_bytes", "schema.org ClaimReview JSON-LD"),
    "annotations": ("kg.render.exchange.web_annotation", "annotations_bytes", "W3C Web Annotation JSON-LD"),
}


def writer(name: str) -> Callable[..., bytes]:
    """The writer function of format ``name``."""
    module, function, _ = FORMATS[name]
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found

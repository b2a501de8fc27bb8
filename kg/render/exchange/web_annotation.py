"""Write every quote of the debate as a W3C Web Annotation (JSON-LD).

One ``AnnotationCollection`` (the Web Annotation Protocol's container) whose one page holds an
``Annotation`` for each quote of a statement, evidence item, link, quantity or evidence report:

* ``target``: a ``SpecificResource`` on the source (its URL when the graph has one, else its
  IRI) with a ``TextQuoteSelector`` (exact words, prefix, suffix) and a ``TextPositionSelector``
  (``start``/``end`` in code points, end exclusive, as the model defines them), so annotation
  clients anchor the quote on the article by either;
* ``body``: a ``TextualBody`` saying what the quote is (the resource's label: "Andy Symonds:
  Taser training is not diluted (agree)"), and the IRI of the resource in the graph;
* ``motivation``: ``describing``.

The ``@context`` is the model's, ``http://www.w3.org/ns/anno.jsonld``, as the model requires;
nothing here fetches it. Text from the sources is JSON-escaped (and ``<``, ``>``, ``&`` written
as ``\\uXXXX``), so the output can be embedded in a page as it is.
"""

from __future__ import annotations

from typing import Any

from kg.model.escape import json_text
from kg.render.exchange.debate import Debate

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def annotation(debate: Debate, row: dict[str, Any]) -> dict[str, Any]:
    """The Web Annotation of one quote row of ``exchange-quotes``."""
    source = debate.sources[row["source"]]
    return {
        "id": f"{debate.iri}/annotation/{row['role']}/{row['id']}",
        "type": "Annotation",
        "motivation": "describing",
        "body": [
            {"type": "TextualBody", "value": row["label"], "format": "text/plain", "purpose": "describing"},
            str(row["node"]),
        ],
        "target": {
            "type": "SpecificResource",
            "source": source.get("url") or str(source["node"]),
            "selector": [
                {"type": "TextQuoteSelector", "exact": row["exact"], "prefix": row["prefix"],
                 "suffix": row["suffix"]},
                {"type": "TextPositionSelector", "start": int(row["start"]), "end": int(row["end"])},
            ],
        },
    }


def collection(debate: Debate) -> dict[str, Any]:
    """The annotation collection of the whole debate."""
    items = [annotation(debate, row) for row in debate.quotes]
    return {
        "@context": CONTEXT,
        "id": f"{debate.iri}/annotations",
        "type": "AnnotationCollection",
        "label": f"Quotes of the debate: {debate.title}",
        "total": len(items),
        "first": {"id": f"{debate.iri}/annotations/page1", "type": "AnnotationPage", "startIndex": 0,
                  "items": items},
    }


def annotations_bytes(debate: Debate) -> bytes:
    """The Web Annotation JSON-LD of ``debate``."""
    return (json_text(collection(debate)) + "\n").encode("utf-8")

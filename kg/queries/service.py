"""Queries that would make an engine fetch a URL, refused before any engine sees them.

A SPARQL ``SERVICE <url> { ... }`` pattern makes the engine send the inner query to ``url``
and join the answer: anyone who can send a query (to ``kg serve``, or a file handed to
``kg query``) could make the machine request any address it reaches (server-side request
forgery). Oxigraph's server follows SERVICE and has no option to turn it off (``oxigraph
serve-read-only --help``, 0.5.x), and pyoxigraph and rdflib follow it too, so every query the
runner sends and every query the endpoint forwards passes :func:`service_refusal` first.

The check parses the query (rdflib's SPARQL parser) and looks for a ``ServiceGraphPattern``
anywhere in the parse tree (subqueries, OPTIONAL, FILTER EXISTS, MINUS, GRAPH, ...). Parsing
is the slow part (tens of ms for a long query), so a query whose text cannot hold the keyword
at all is passed without it: after SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are undone
(the grammar applies them before parsing, so ``\\u0053ERVICE`` is SERVICE), a text without
the letters "service" in any case has no SERVICE. A query that mentions them is parsed; one
that does not parse is refused too (400), since what the engine would make of it is unknown.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PARSING = threading.Lock()  # pyparsing's packrat cache is shared: one parse at a time


def _unescape(text: str) -> str:
    """The query text with SPARQL's codepoint escapes applied (as the grammar does first)."""

    def one(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _ESCAPE.sub(one, text)


def _has_service(node: Any) -> bool:
    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(_has_service(v) for v in node.values())
    if isinstance(node, ParseResults | list | tuple):
        return any(_has_service(v) for v in node)
    return False


@lru_cache(maxsize=512)
def service_refusal(text: str) -> str | None:
    """Why the query ``text`` is refused (it uses SERVICE, or it mentions the word and does not
    parse), or None when it may go to the engine."""
    if "service" not in _unescape(text).casefold():
        return None  # the keyword cannot be there
    try:
        with _PARSING:
            tree = parseQuery(text)
    except ParseBaseException as exc:
        return f"the query does not parse: {' '.join(str(exc).split())[:200]}"
    except Exception as exc:  # rdflib raises others on some malformed input
        return f"the query does not parse: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    if _has_service(tree):
        return ("SERVICE is refused: this endpoint does not query other servers "
                "(federated queries would let anyone make it fetch any address)")
    return None

"""Escaping untrusted text for every output format, in one place.

Source text, labels and ids come from articles and annotation files: a quote can hold
``<script>``, an id a backtick, a label ``=HYPERLINK(...)``. Each output format has its own
danger, and each has its function here:

* :func:`csv_cell`: a cell a spreadsheet would run as a formula (starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return) gets a leading apostrophe (OWASP's advice for CSV injection);
* :func:`xml_text`: characters XML 1.0 cannot hold at all (most control characters) are dropped,
  so GraphML and GEXF stay well-formed whatever the text (markup itself is escaped by the writer);
* :func:`md_code`: a Markdown code span that holds any text, backticks included;
* :func:`md_text`: Markdown (and inline HTML) specials escaped in running text;
* :func:`json_text`: JSON (and JSON-LD) that stays inert inside an HTML ``<script>``.
"""

from __future__ import annotations

import json
import re

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell that spreadsheets show as text; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (NUL and the C0 controls but tab, LF, CR)."""
    return _XML_INVALID.sub("", text)


def md_code(text: str) -> str:
    """``text`` as an inline Markdown code span, fenced with more backticks than it holds."""
    flat = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def md_text(text: str) -> str:
    """``text`` on one line with Markdown and HTML specials backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def json_text(data: object, indent: int | None = 2) -> str:
    """``data`` as JSON that is also safe inside an HTML ``<script>`` (JSON-LD is embedded so):
    ``<``, ``>`` and ``&`` and the JavaScript line separators are written as ``\\uXXXX`` escapes,
    which every JSON reader turns back into the same characters. ``indent=None``: compact."""
    text = json.dumps(data, ensure_ascii=False, indent=indent,
                      separators=(",", ":") if indent is None else None)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))

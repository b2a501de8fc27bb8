"""``kg trace --all`` as a table that fits the terminal: one line per claim, most contested first.

At 80 columns the table keeps what a reader scans for (the claim, who is for and against, the
evidence and claims on each side, the sources, the flags) and cuts each label at a word with an
ellipsis; a wider terminal gets the kind, the id and the evidence beneath each claim too. A
legend under the table says what each column and flag letter means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FLAG_LETTERS = {"contested": "C", "unsupported": "U", "single_source": "S", "number_mismatch": "N"}
WIDE = 120  # from this width on, the id, kind and evidence-beneath columns are shown too


def contested_first(row: dict[str, Any]) -> tuple[Any, ...]:
    """The default order: most opposition first (actors against, attacking claims, contesting
    evidence), then most support, then label."""
    against = row["actors_against"] + row["attacking_claims"] + row["contesting_evidence"]
    support = row["actors_for"] + row["supporting_claims"] + row["supporting_evidence"]
    return (-against, -support, row["label"].lower(), row["id"])


def cut(text: str, width: int) -> str:
    """``text`` on one line in at most ``width`` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    head = flat[: width - 1]
    if " " in head and flat[width - 1] != " ":
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–—") + "…"


def _kind(kind: str, wide: bool) -> str:
    word = kind.split()[0] if kind else "?"
    return word.lower() if wide else word[:1].upper()


def _flags(row: dict[str, Any]) -> str:
    return "".join(letter for flag, letter in FLAG_LETTERS.items() if row.get(flag))


def lines(rows: Sequence[dict[str, Any]], width: int) -> list[str]:
    """The table as plain lines of at most ``width`` characters (never fewer than 60 assumed)."""
    width = max(width, 60)
    wide = width >= WIDE
    columns: list[tuple[str, int, Any]] = [
        ("k" if not wide else "kind", 1 if not wide else 12, lambda r: _kind(r["kind"], wide)),
        ("for", 3, lambda r: str(r["actors_for"])),
        ("agst", 4, lambda r: str(r["actors_against"])),
        ("ev+/-", 5, lambda r: f"{r['supporting_evidence']}/{r['contesting_evidence']}"),
        ("cl+/-", 5, lambda r: f"{r['supporting_claims']}/{r['attacking_claims']}"),
        ("src", 3, lambda r: str(r["sources"])),
        ("flag", 4, _flags),
    ]
    if wide:
        columns.insert(6, ("under", 6, lambda r: f"{r['evidence_beneath']}/{r['producers']}"))
    fixed = sum(w for _, w, _ in columns) + len(columns)
    id_width = 0
    if wide:  # ids whole where the label keeps 30 columns: people copy them into commands
        id_width = min(max((len(r["id"]) for r in rows), default=2), max(12, width - fixed - 31))
    label_width = width - fixed - (id_width + 1 if id_width else 0)
    head = ["claim".ljust(label_width)] + (["id".ljust(id_width)] if id_width else [])
    head += [name.rjust(w) if name != "kind" else name.ljust(w) for name, w, _ in columns]
    out = [" ".join(head).rstrip(), "─" * min(width, len(" ".join(head)))]
    for r in rows:
        cells = [cut(r["label"], label_width).ljust(label_width)]
        if id_width:
            cells.append(cut(r["id"], id_width).ljust(id_width))
        for name, w, value in columns:
            text = cut(value(r), w)
            cells.append(text.ljust(w) if name in ("kind", "flag") else text.rjust(w))
        out.append(" ".join(cells).rstrip())
    legend = ("for/agst: actors for and against; ev+/-: evidence supporting/contesting it directly; "
              "cl+/-: claims supporting/attacking it; src: sources quoting it; flags: C contested, "
              "U unsupported, S single-source, N number mismatch"
              + ("; k: P policy, F factual, Q quantitative" if not wide else "; under: evidence items/"
                 "producers beneath it through support chains"))
    out.append("")
    out.extend(_wrap(legend, width))
    return out


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False)

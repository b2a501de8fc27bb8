"""Optional: ask a language model the user runs for claims and stances (``kg extract --llm URL``).

Only when the user gives a URL: the source text is sent to that OpenAI-compatible chat
completions endpoint (for instance a local llama.cpp or vLLM server), which is asked for JSON
listing claims (neutral propositions) and, for each, who takes which stance in which exact
words. Nothing the model says is trusted as it stands: every quote must be found word for word
in the text, and its offsets come from where it is found, not from the model; a quote that is
not in the text is dropped and counted, like any other draft. Speakers are matched to the
draft's actors by name (:func:`kg.ingest.extract.actors.match_known`).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from kg.ingest.anchor import occurrences
from kg.ingest.extract.actors import Actor, KnownActor, match_known, without_titles
from kg.model.errors import KgError

TIMEOUT = 300  # seconds: a local model may take minutes over a long article
MAX_ANSWER = 5_000_000  # bytes read from the server at most
STANCES = ("agree", "disagree", "hedged", "declined")
INSTRUCTIONS = """You help code a news article for a discourse network analysis.
List the claims that people or organisations in the article take a side on. Word each claim as a
neutral proposition that anyone could agree or disagree with. For each claim, list the statements:
who takes a side (the speaker's name as the article writes it), the stance (agree, disagree,
hedged or declined) and the shortest exact words of the article that carry it, copied character
for character. Answer with JSON only, in this shape:
{"claims": [{"text": "...", "statements": [{"speaker": "...", "stance": "agree", "quote": "..."}]}]}"""


def endpoint(url: str) -> str:
    """The chat completions address for ``url``: a server's base address, its ``/v1``, or the
    full ``.../chat/completions`` address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(f"--llm needs an http(s) address of an OpenAI-compatible server, not {url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path = (path if path.endswith("/v1") else path + "/v1") + "/chat/completions"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def ask(url: str, model: str, text: str) -> Any:
    """The model's answer for ``text``, parsed from the JSON it returns."""
    address = endpoint(url)
    body = json.dumps({
        "model": model, "temperature": 0, "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": text}],
    }).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    request = urllib.request.Request(address, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            raw = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        raise KgError(f"the model server at {address} said {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise KgError(f"cannot reach the model server at {address}: {getattr(exc, 'reason', exc)}") from exc
    if len(raw) > MAX_ANSWER:
        raise KgError(f"the model server at {address} sent more than {MAX_ANSWER:,} bytes")
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
        fenced = re.search(r"```(?:json)?\s*(.*?)```", content, re.DOTALL)
        return json.loads(fenced.group(1) if fenced else content)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise KgError(f"the model server at {address} did not answer with a chat completion holding "
                      f"JSON ({type(exc).__name__}: {exc})") from exc


def claims(text: str, answer: Any, actors: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The model's claims with their statements anchored in ``text``, and how many statements
    were dropped (a quote not found word for word, a stance that is not one, a malformed entry)."""
    known = [KnownActor(a["id"], a["name"], a["kind"]) for a in actors]
    result: list[dict[str, Any]] = []
    dropped = 0
    proposed = answer.get("claims") if isinstance(answer, dict) else None
    for claim in proposed if isinstance(proposed, list) else []:
        if not isinstance(claim, dict) or not isinstance(claim.get("text"), str):
            continue
        statements = []
        entries = claim.get("statements")
        for entry in entries if isinstance(entries, list) else []:
            quote = entry.get("quote") if isinstance(entry, dict) else None
            speaker = entry.get("speaker") if isinstance(entry, dict) else None
            stance = entry.get("stance") if isinstance(entry, dict) else None
            if not isinstance(quote, str) or not quote.strip() or not isinstance(speaker, str):
                dropped += 1
                continue
            starts = occurrences(text, quote)
            if not starts or stance not in STANCES:
                dropped += 1
                continue
            statements.append({"speaker": speaker, "actor": _actor_id(speaker, known), "quote": quote,
                               "start": starts[0], "end": starts[0] + len(quote), "stance": stance})
        if statements:
            result.append({"text": claim["text"], "statements": statements})
    return result, dropped


def _actor_id(speaker: str, known: list[KnownActor]) -> str | None:
    for kind in ("person", "organisation"):
        found = match_known(Actor(name=without_titles(speaker), kind=kind), known)
        if found is not None:
            return found.id
    return None

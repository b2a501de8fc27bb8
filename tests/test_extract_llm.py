"""`kg extract --llm URL` against a stub OpenAI-compatible server on 127.0.0.1.

The stub answers every chat completion with two claims: one statement quoting the text word for
word (kept, anchored where the words are), one whose quote was altered (dropped), one with a
stance that is not one (dropped). Nothing else is contacted.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.ingest.extract.llm import claims, endpoint
from kg.model.errors import KgError
from tests.conftest import SEED

NORFOLK = "004_d57e7b97e3561e93.txt"
ANSWER = {"claims": [
    {"text": "Carrying Taser increases police use of force.",
     "statements": [
         {"speaker": "Mr Symonds", "stance": "disagree",
          "quote": "a roll-out of Taser would not necessarily lead to an increase in use of force"},
         {"speaker": "Cambridge study", "stance": "agree",
          "quote": "officers carrying Taser were 50 per cent more likely to use force"},  # text says 50pc
     ]},
    {"text": "Taser helps control violent situations.",
     "statements": [{"speaker": "Andy Symonds", "stance": "maybe",
                     "quote": "Taser can help control the situation"}]},
]}


@pytest.fixture
def stub() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A chat-completions stub: its base URL and the request bodies it received."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append({"path": self.path,
                             "body": json.loads(self.rfile.read(int(self.headers["Content-Length"])))})
            content = "```json\n" + json.dumps(ANSWER) + "\n```"
            data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def test_llm_claims_are_anchored_and_the_rest_dropped(stub: tuple[str, list[dict[str, Any]]],
                                                      tmp_path: Path) -> None:
    url, received = stub
    folder = tmp_path / "taser-uk"
    shutil.copytree(SEED, folder)
    result = CliRunner().invoke(main, ["extract", str(folder / NORFOLK), "-f", "json", "--llm", url,
                                       "--llm-model", "tiny"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.output)
    text = (SEED / NORFOLK).read_text(encoding="utf-8")
    assert draft["claims"] == [{"text": "Carrying Taser increases police use of force.", "statements": [{
        "speaker": "Mr Symonds", "actor": "andy-symonds",
        "quote": "a roll-out of Taser would not necessarily lead to an increase in use of force",
        "start": 2285, "end": 2362, "stance": "disagree"}]}]
    assert text[2285:2362] == draft["claims"][0]["statements"][0]["quote"]
    assert draft["dropped"] == 2
    (request,) = received
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "tiny"
    assert request["body"]["messages"][1]["content"] == text


def test_claims_from_a_malformed_answer_are_nothing() -> None:
    assert claims("text", {"claims": "no"}, []) == ([], 0)
    assert claims("text", [1, 2], []) == ([], 0)
    assert claims("some text", {"claims": [{"text": "c", "statements": [{"quote": 3}, "x"]}]}, []) == ([], 2)


def test_endpoint_addresses_and_errors() -> None:
    assert endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1/chat/completions"
    assert endpoint("http://h/v1/") == "http://h/v1/chat/completions"
    assert endpoint("https://h/x/v1/chat/completions") == "https://h/x/v1/chat/completions"
    with pytest.raises(KgError, match="needs an http"):
        endpoint("file:///etc/passwd")


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(main, ["extract", str(SEED / NORFOLK), "-f", "json",
                                       "--llm", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: cannot reach the model server at http://127.0.0.1:{port}/v1/chat/completions")

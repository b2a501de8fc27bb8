"""``kg serve``: run the read-only SPARQL endpoint over the built store until interrupted."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err, store_option
from kg.model.errors import KgError
from kg.model.paths import DEFAULT_STORE_DIR
from kg.serve.app import logging_to, sigterm_as_interrupt
from kg.serve.sparql import DEFAULT_MAX_BYTES, DEFAULT_PORT, DEFAULT_TIMEOUT_S, serving
from kg.stores import is_remote


@click.command(short_help=summary("serve"))
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes it to the network).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--timeout", "timeout_s", default=DEFAULT_TIMEOUT_S, show_default=True,
              type=click.IntRange(1, 3600),
              help="Query time limit in seconds (enforced by the engine; over it: 503).")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1000),
              help="Largest answer sent; a bigger one is refused with 413 (add a LIMIT).")
def serve(store_spec: str | None, host: str, port: int, timeout_s: int, max_bytes: int) -> None:
    """Serve the built store as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/query.

    The engine is Oxigraph's HTTP server (read-only, with a query time limit) behind a bounded
    HTTP front (uvicorn); any SPARQL client can query it, e.g.

    \b
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:7878/query

    Updates are refused (403), and so is SERVICE (400). One log line per request on stderr.
    Ctrl-C or SIGTERM stops it (requests in flight finish first) and its engine with it.
    """
    spec = store_spec or str(DEFAULT_STORE_DIR)
    if spec == "memory" or is_remote(spec):
        raise KgError(f"kg serve serves a store built on disk, not {spec!r} (run 'kg build' first)")
    with sigterm_as_interrupt():
        try:
            with serving(Path(spec), host, port, timeout_s, max_bytes) as server, logging_to(sys.stderr):
                err.print(f"SPARQL endpoint: {server.url}/query  (read-only, timeout {timeout_s} s, "
                          f"answers up to {max_bytes} bytes; Ctrl-C stops)", markup=False)
                server.run()
        except KeyboardInterrupt:
            pass
    err.print("stopped", markup=False)

"""``kg annotate``: code articles in the browser; every save edits the YAML files round-trip."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err, store_option
from kg.model.paths import DEFAULT_DATA

DEFAULT_PORT = 8766


@click.command(short_help=summary("annotate"))
@click.argument("data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the coder in the default browser.")
@store_option
def annotate(data_dir: Path, port: int, open_browser: bool, store_spec: str | None) -> None:
    """Code the debates under DATA_DIR (default: data/) in the browser, on 127.0.0.1 only.

    Select words to add a statement, evidence item or link; accept, edit or reject the drafts
    of 'kg extract'; merge duplicate actors and claims; 'Build' rebuilds the store. Each save
    edits the annotation file in place (comments and untouched entries kept), validates the
    debate with the build's own checks and undoes the change if they fail.

    It prints its address with a random access token; open exactly that address (requests
    without the token are refused). Ctrl-C stops it.
    """
    from kg.build.pipeline import debate_folders
    from kg.serve.annotate.app import Coder, make_app
    from kg.serve.app import Server, listen, logging_to, new_token, sigterm_as_interrupt

    debate_folders(data_dir)  # no debate there: say so before serving
    sock = listen("127.0.0.1", port, 64)
    bound = int(sock.getsockname()[1])
    token = new_token()
    server = Server(make_app(Coder(data_dir, store_spec), token, bound), port=bound, sock=sock)
    url = f"{server.url}/?token={token}"
    click.echo(url)
    err.print("kg annotate: open the address above (it holds the access token); Ctrl-C stops",
              markup=False)
    if open_browser:
        webbrowser.open(url)
    with sigterm_as_interrupt():
        try:
            with logging_to(sys.stderr):
                server.run()
        except KeyboardInterrupt:
            pass
    err.print("stopped", markup=False)

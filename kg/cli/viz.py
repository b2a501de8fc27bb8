"""``kg viz``: write the interactive views as self-contained HTML files that open offline."""

from __future__ import annotations

import time
import webbrowser
from pathlib import Path

import click

from kg.analysis.trace import resolve_claim
from kg.cli import summary
from kg.cli.common import data_option, err, open_store, store_option
from kg.model.errors import KgError
from kg.render.trace import DEFAULT_LIMIT
from kg.render.view_html import write
from kg.render.views import VIEWS, ViewGraph, build_view, claim_view

DEFAULT_DIR = Path("out")
READABLE_NODES = 3000  # beyond this a browser draws a hairball (10,000 never became readable)


def _target(out: Path | None, name: str, several: bool) -> Path:
    """Where a view goes: ``-o`` as a folder when writing several views (or when it is one),
    else as the file; by default ``out/<name>.html``."""
    if out is None:
        return DEFAULT_DIR / f"{name}.html"
    if several or out.is_dir() or out.suffix.lower() not in (".html", ".htm"):
        return out / f"{name}.html"
    return out


def _report(view: ViewGraph, path: Path, seconds: float) -> None:
    err.print(f"wrote {path} ({view.name}: {len(view.nodes)} nodes, {len(view.edges)} links, "
              f"{path.stat().st_size // 1024} KiB, {seconds:.2f} s)", markup=False)
    if len(view.nodes) > READABLE_NODES:
        err.print(f"note: {len(view.nodes)} nodes are more than a browser lays out readably; "
                  "try --view arguments, --view actors or --claim ID", markup=False)


@click.command(short_help=summary("viz"))
@click.option("-v", "--view", "view_name", type=click.Choice(VIEWS), default=None,
              help="full: the whole graph; arguments: claims and evidence with supports and attacks; "
                   "actors: who agrees and disagrees with whom.  [default: full]")
@click.option("-c", "--claim", "claim_id", default=None, metavar="ID|WORDS",
              help="One claim's evidence tree, found as 'kg trace' finds it: by id, IRI or words.")
@click.option("--depth", type=click.IntRange(1, 20), default=3, show_default=True,
              help="How many levels of premises the --claim view follows.")
@click.option("--limit", type=click.IntRange(min=0), default=DEFAULT_LIMIT, show_default=True,
              help="The --claim view: at most N statements and N links a claim, shared among stances "
                   "and kinds, as 'kg trace' shows them (0: all).")
@click.option("--max-nodes", type=click.IntRange(1), default=None, metavar="N",
              help="The arguments view: only the N heaviest claims and evidence items (by how much "
                   "rests on them), for big debates. [default: all]")
@click.option("-a", "--all", "all_views", is_flag=True, help="Write every view (full, arguments, actors).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="File to write (a folder with --all); default out/<view>.html.")
@click.option("--open", "open_browser", is_flag=True, help="Open the result in the default browser.")
@store_option
@data_option
def viz(view_name: str | None, claim_id: str | None, depth: int, limit: int, max_nodes: int | None,
        all_views: bool, out: Path | None, open_browser: bool, store_spec: str | None,
        data_dir: Path) -> None:
    """Write interactive views of the graph as HTML that works offline (no CDN, nothing fetched).

    Shape shows what a node is, colour its kind, size how much rests on it; hover for the quote,
    source, date and offsets; search names and quotes in the box; click legend entries to filter.

    \b
    Examples:
      kg viz                                  # out/full.html
      kg viz --view arguments -o args.html --open
      kg viz --view arguments --max-nodes 2000     # a big debate's 2,000 heaviest
      kg viz --claim taser-for-every-frontline-officer
      kg viz --claim "taser frontline officer"
      kg viz --claim taser-for-every-frontline-officer --limit 0   # every statement and link
      kg viz --all -o out/
    """
    if claim_id and (view_name or all_views):
        raise KgError("--claim draws one claim's tree: give it without --view or --all")
    names = list(VIEWS) if all_views else [view_name or "full"]
    if all_views and out is not None and out.suffix.lower() in (".html", ".htm"):
        raise KgError(f"--all writes one file per view: give -o a folder, not {out}")
    written: list[Path] = []
    with open_store(store_spec, data_dir) as graph_store:
        if claim_id:
            started = time.perf_counter()
            iri = resolve_claim(graph_store, claim_id)
            view = claim_view(graph_store, iri, depth, limit)
            slug = str(iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            path = write(view, _target(out, f"claim-{slug}", False))
            _report(view, path, time.perf_counter() - started)
            written.append(path)
        else:
            for name in names:
                started = time.perf_counter()
                view = build_view(graph_store, name, max_nodes)
                path = write(view, _target(out, name, len(names) > 1))
                _report(view, path, time.perf_counter() - started)
                written.append(path)
    if open_browser:
        for path in written:
            if not webbrowser.open(path.resolve().as_uri()):
                err.print(f"no browser found here: open {path.resolve()} yourself", markup=False)

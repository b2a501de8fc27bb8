"""The ``kg`` command line: one sub-command per step of the flow.

Every sub-command reads the store (the one source of truth) through ``kg.stores.base``. Errors a
user can cause end as one line on stderr and a non-zero exit; set ``KG_DEBUG=1`` to see the
traceback of an unexpected failure.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console

from kg import __version__
from kg.build.validate import ValidationError
from kg.model.errors import KgError
from kg.model.files import write_atomic
from kg.model.paths import DEFAULT_DATA
from kg.queries import catalogue as queries
from kg.render import results as output
from kg.stores.base import EXPORT_FORMATS, open_store

err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_USER_ERROR = 2
EXIT_INTERNAL = 70


# Commands that live in their own modules, imported only when used (networkx, pyvis and the
# server are slow to import and not needed by 'kg query'). name -> (module, click command).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "trace": ("kg.cli.trace", "trace"),
    "check": ("kg.cli.check", "check"),
    "viz": ("kg.cli.viz", "viz"),
    "analyze": ("kg.cli.analyze", "analyze"),
    "import": ("kg.cli.import_", "import_group"),
    "serve": ("kg.cli.serve", "serve"),
    "synth": ("kg.cli.synth", "synth"),
    "bench": ("kg.cli.bench", "bench"),
}


class KgGroup(click.Group):
    """A click group that turns :class:`KgError` into one line on stderr and an exit code,
    and loads the commands of :data:`LAZY_COMMANDS` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for name, (module, _) in LAZY_COMMANDS.items() if _module_exists(module)]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and _module_exists(LAZY_COMMANDS[name][0]):
            module, attr = LAZY_COMMANDS[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            _debug(exc)
            err.print(f"error: {exc}", markup=False)
            for line in exc.lines[:50]:
                err.print(f"  {line}", markup=False)
            if len(exc.lines) > 50:
                err.print(f"  ... and {len(exc.lines) - 50} more", markup=False)
            ctx.exit(EXIT_USER_ERROR)
        except KgError as exc:
            _debug(exc)
            err.print(f"error: {exc}", markup=False)
            ctx.exit(EXIT_USER_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            ctx.exit(130)
        except Exception as exc:  # a bug: still one line unless asked for more
            if os.environ.get("KG_DEBUG"):
                raise
            err.print(f"internal error: {type(exc).__name__}: {exc} (KG_DEBUG=1 shows the traceback)",
                      markup=False)
            ctx.exit(EXIT_INTERNAL)


def _debug(exc: BaseException) -> None:
    """With ``KG_DEBUG`` set, print the traceback of a user-facing error and of every cause
    behind it (the library raises :class:`KgError` *from* the original exception)."""
    if os.environ.get("KG_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


store_option = click.option(
    "--store", "store_spec", envvar="KG_STORE", default=None, metavar="PATH|URL|memory",
    help="Store to use: an Oxigraph folder (default .kg/store), a SPARQL 1.1 endpoint URL, "
    "or 'memory' to build from --data.",
)
data_option = click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
    help="Data folder, read when --store is 'memory'.",
)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Map a policy debate: who claims what, on what evidence, said where.

    Start with 'kg build' (annotations -> validated store), then query, export and explore it.
    """


@main.command()
@click.argument("data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@store_option
@click.option("-q", "--quiet", is_flag=True, help="Print only the counts.")
def build(data_dir: Path, store_spec: str | None, quiet: bool) -> None:
    """Build the store from DATA_DIR (default: data/).

    Finds every quote in its source text, records offsets and checksums, validates with SHACL
    and writes the store atomically: if anything fails, the previous store stays as it was.
    """
    from kg.build import build as run_build

    progress = None if quiet else (lambda msg: err.print(f"[dim]{msg}[/dim]"))
    report = run_build(data_dir, store_spec, progress)
    c = report.counts
    click.echo(
        f"built {', '.join(report.debates)} from {report.files} annotation file(s) into {report.store}"
    )
    click.echo(
        f"triples {c['triples']}  sources {c['sources']}  actors {c['actors']}  claims {c['claims']}  "
        f"statements {c['statements']}  evidence {c['evidence']}  links {c['links']}  "
        f"quotes {c['quotes']}  quantities {c['quantities']}"
    )


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``name=value`` strings as a dict; a pair without '=' is an error."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise KgError(f"--param {pair!r}: expected name=value")
        params[name.lstrip("?")] = value
    return params


@main.command()
@click.argument("query", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE (an id, IRI, number or text, as the query declares).")
@click.option("-f", "--format", "fmt", type=click.Choice([*output.RESULT_FORMATS, "turtle"]),
              default="table", show_default=True, help="Output format (turtle for CONSTRUCT).")
@click.option("-l", "--list", "list_queries", is_flag=True, help="List the named queries.")
@store_option
@data_option
def query(query: str | None, params: tuple[str, ...], fmt: str, list_queries: bool,
          store_spec: str | None, data_dir: Path) -> None:
    """Run QUERY: a name from queries/, a .rq file, or SPARQL text.

    \b
    Examples:
      kg query claims-by-stance
      kg query evidence-for-claim --param claim=taser-for-every-frontline-officer
      kg query "SELECT ?name WHERE { ?a a dkg:Person ; foaf:name ?name }" -f csv
    """
    if list_queries or not query:
        for q in queries.catalogue():
            args = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name:32} {q.title}" + (f"  [{args}]" if args else ""))
        return
    named = queries.resolve(query)
    with open_store(store_spec, data_dir) as graph_store:
        bindings = queries.bind(named, parse_params(params), graph_store)
        result = graph_store.query(named.text, bindings)
    if result.kind == "graph":
        click.echo(result.graph.serialize(format="turtle"))
    elif fmt == "json":
        click.echo(output.to_json(result))
    elif fmt == "csv":
        click.echo(output.to_csv(result), nl=False)
    else:
        output.print_table(result, Console(highlight=False), named.title or None)


@main.command()
@click.option("-f", "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="turtle",
              show_default=True, help="RDF serialisation.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@store_option
@data_option
def export(fmt: str, out: Path | None, store_spec: str | None, data_dir: Path) -> None:
    """Export the whole graph (data and ontology) as Turtle, N-Triples, JSON-LD or TriG."""
    with open_store(store_spec, data_dir) as graph_store:
        data = graph_store.dump(fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    write_atomic(out, data)
    err.print(f"wrote {out} ({len(data)} bytes)", markup=False)


